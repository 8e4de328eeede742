#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which update rule a worker (or parameter server) applies.
public enum OptimizerKind: String, Sendable, CaseIterable {
    case sgd, adam
}

/// SGD with momentum (PyTorch's form: `v = μv + g; w −= lr·v`) and Adam, over a range of a flat buffer.
///
/// State lives in buffers of the parameters' size so that a parameter-server shard can update its own slice.
public struct Optimizer: Sendable {
    public var kind: OptimizerKind
    public var learningRate: Float
    public var momentum: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8

    public init(kind: OptimizerKind = .sgd, learningRate: Float, momentum: Float = 0.9) {
        self.kind = kind
        self.learningRate = learningRate
        self.momentum = momentum
    }

    /// Buffers of optimizer state per parameter: 1 for momentum SGD, 2 for Adam.
    public var stateBuffers: Int { kind == .adam ? 2 : 1 }

    /// Updates `w[range]` with gradient `g[range]` (scaled by `gradScale`, e.g. 1/workers after a sum).
    /// `step` counts from 1 (Adam's bias correction).
    public func apply(weights w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                      state: [UnsafeMutablePointer<Float>], range: Range<Int>, gradScale: Float = 1, step: Int) {
        switch kind {
        case .sgd:
            let v = state[0]
            let mu = momentum, lr = learningRate
            for i in range {
                v[i] = mu * v[i] + g[i] * gradScale
                w[i] -= lr * v[i]
            }
        case .adam:
            let m = state[0], v = state[1]
            let b1 = beta1, b2 = beta2
            let c1 = 1 - powf(b1, Float(step)), c2 = 1 - powf(b2, Float(step))
            let lr = learningRate, eps = epsilon
            for i in range {
                let gi = g[i] * gradScale
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                w[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
            }
        }
    }
}
