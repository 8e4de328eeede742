import LinkscopeKernels
import LinkscopeUnits

/// The models `profile` trains.
public enum ModelKind: String, Sendable, CaseIterable {
    /// The book's MNIST CNN (Chapter 2-3 `my_net.py`), layer-exact: 1,201,382 parameters.
    case bookMNISTCNN = "book-mnist-cnn"
    /// A two-hidden-layer perceptron (784 → 256 → 128 → 10).
    case mlp
}

/// One step of a network: a parameterised layer or a parameter-free transformation.
public enum LayerOp: Sendable, Hashable {
    case conv(ConvShape)
    case relu
    case maxPool2(channels: Int, height: Int, width: Int)
    /// `[C][B][P]` → `[B][C·P]`.
    case flatten(channels: Int, plane: Int)
    case linear(inputs: Int, outputs: Int)

    /// Weights then biases.
    var parameterCount: Int {
        switch self {
        case .conv(let s): return s.weightCount + s.outChannels
        case .linear(let i, let o): return i * o + o
        default: return 0
        }
    }
}

/// A model as a list of ops with names for its parameterised layers (the simulator's layers).
public struct ModelSpec: Sendable {
    public var kind: ModelKind
    public var ops: [LayerOp]
    /// Name of each op's parameterised layer: a parameter-free op belongs to the layer before it, so that
    /// measured per-layer times include the ReLU/pool/flatten that follow a layer.
    public var layerOfOp: [Int]
    public var layerNames: [String]
    public var inputPlane: Int { 28 * 28 }
    public var classes: Int { 10 }

    public static func make(_ kind: ModelKind) -> ModelSpec {
        switch kind {
        case .bookMNISTCNN:
            let c1 = ConvShape(inChannels: 1, outChannels: 32, kernel: 3, height: 28, width: 28)
            let c2 = ConvShape(inChannels: 32, outChannels: 64, kernel: 3, height: 26, width: 26)
            return ModelSpec(kind: kind, ops: [
                .conv(c1), .relu, .conv(c2), .relu, .maxPool2(channels: 64, height: 24, width: 24),
                .flatten(channels: 64, plane: 144), .linear(inputs: 9216, outputs: 128), .relu,
                .linear(inputs: 128, outputs: 20), .relu, .linear(inputs: 20, outputs: 10),
            ], layerOfOp: [0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4], layerNames: ["conv1", "conv2", "fc1", "fc2", "fc3"])
        case .mlp:
            return ModelSpec(kind: kind, ops: [
                .linear(inputs: 784, outputs: 256), .relu, .linear(inputs: 256, outputs: 128), .relu,
                .linear(inputs: 128, outputs: 10),
            ], layerOfOp: [0, 0, 1, 1, 2], layerNames: ["fc1", "fc2", "fc3"])
        }
    }

    public var parameterCount: Int { ops.reduce(0) { $0 + $1.parameterCount } }

    /// Parameters of each named layer.
    public var layerParameters: [Int] {
        var out = Array(repeating: 0, count: layerNames.count)
        for (i, op) in ops.enumerated() { out[layerOfOp[i]] += op.parameterCount }
        return out
    }

    /// Forward FLOPs per sample of each named layer (2 per multiply-add; GEMMs only).
    public var layerForwardFLOPs: [Double] {
        var out = Array(repeating: 0.0, count: layerNames.count)
        for (i, op) in ops.enumerated() {
            switch op {
            case .conv(let s): out[layerOfOp[i]] += s.forwardFLOPs(batch: 1)
            case .linear(let a, let b): out[layerOfOp[i]] += 2 * Double(a * b)
            default: break
            }
        }
        return out
    }

    /// Output size per sample of each op (floats), from the 28×28 input.
    var outputSizes: [Int] {
        ops.map { op in
            switch op {
            case .conv(let s): return s.outChannels * s.outHeight * s.outWidth
            case .relu: return 0  // in place
            case .maxPool2(let c, let h, let w): return c * (h / 2) * (w / 2)
            case .flatten(let c, let p): return c * p
            case .linear(_, let o): return o
            }
        }
    }

    /// A copy of the ops from `range` (pipeline stages), names and grouping kept.
    public func slice(layers range: Range<Int>) -> ModelSpec {
        let ids = ops.indices.filter { range.contains(layerOfOp[$0]) }
        return ModelSpec(kind: kind, ops: ids.map { ops[$0] }, layerOfOp: ids.map { layerOfOp[$0] - range.lowerBound },
                         layerNames: Array(layerNames[range]))
    }

    /// Floats per sample entering op 0 (28×28 for a whole model; the activation for a later stage).
    public var inputSize: Int {
        switch ops.first {
        case .conv(let s): return s.inChannels * s.height * s.width
        case .linear(let i, _): return i
        case .maxPool2(let c, let h, let w): return c * h * w
        case .flatten(let c, let p): return c * p
        default: return 0
        }
    }

    /// Floats per sample leaving the last op.
    public var outputSize: Int { outputSizes.last(where: { $0 > 0 }) ?? inputSize }
}
