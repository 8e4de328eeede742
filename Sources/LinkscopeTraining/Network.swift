import LinkscopeKernels
import LinkscopeUnits

/// Monotonic wall clock in seconds (profiling).
@inline(__always) public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One replica of a model (or of a pipeline stage) for a fixed batch size: parameters, gradients and every
/// activation buffer allocated once, so a training step allocates nothing.
///
/// Parameters and gradients are each one flat buffer (weights then bias, layer by layer), so that gradient
/// sync moves one contiguous buffer (4,805,528 B for the book's CNN).
public final class Network: @unchecked Sendable {
    public let spec: ModelSpec
    public let batch: Int
    public let parameters: FloatBuffer
    public let gradients: FloatBuffer
    /// Offset of each op's parameters in `parameters`.
    let offsets: [Int]
    /// values[i] = input of op i; values[n] = output. ReLU works in place (values[i+1] == values[i]).
    var values: [UnsafeMutablePointer<Float>]
    var grads: [UnsafeMutablePointer<Float>]
    var owned: [FloatBuffer] = []
    var cols: [Int: FloatBuffer] = [:]
    var poolIndex: [Int: UnsafeMutablePointer<Int32>] = [:]
    let inputGradient: FloatBuffer
    /// A vector of ones (bias gradients as matrix-vector products).
    var ones = FloatBuffer(count: 0)
    /// Seconds each op took in the last forward / backward.
    public private(set) var forwardSeconds: [Double]
    public private(set) var backwardSeconds: [Double]

    /// - Parameter seed: replicas built with the same seed start with identical weights.
    /// - Parameter sharing: another replica whose parameters and gradients this one uses (pipeline
    ///   micro-batches in flight on one stage); its weights are kept, not re-initialised.
    public init(spec: ModelSpec, batch: Int, seed: UInt64 = 1, sharing: Network? = nil) {
        self.spec = spec
        self.batch = batch
        let n = spec.ops.count
        var offs: [Int] = []
        var total = 0
        for op in spec.ops {
            offs.append(total)
            total += op.parameterCount
        }
        offsets = offs
        parameters = sharing?.parameters ?? FloatBuffer(count: total)
        gradients = sharing?.gradients ?? FloatBuffer(count: total)
        forwardSeconds = Array(repeating: 0, count: n)
        backwardSeconds = Array(repeating: 0, count: n)
        inputGradient = FloatBuffer(count: spec.inputSize * batch)
        let input = FloatBuffer(count: spec.inputSize * batch)
        values = [input.pointer]
        grads = [inputGradient.pointer]
        owned.append(input)
        let sizes = spec.outputSizes
        ones = FloatBuffer(Array(repeating: 1, count: batch))
        for (i, op) in spec.ops.enumerated() {
            if case .relu = op {
                values.append(values[i])
                continue
            }
            let v = FloatBuffer(count: sizes[i] * batch), g = FloatBuffer(count: sizes[i] * batch)
            owned += [v, g]
            values.append(v.pointer)
            if case .conv(let s) = op {
                cols[i] = FloatBuffer(count: s.columnScratch(batch: batch))
                cols[-1 - i] = FloatBuffer(count: s.columnScratch(batch: batch))
                let width = batch * s.outPlane
                if ones.count < width { ones = FloatBuffer(Array(repeating: 1, count: width)) }
            }
            if case .maxPool2 = op {
                poolIndex[i] = UnsafeMutablePointer<Int32>.allocate(capacity: sizes[i] * batch)
            }
        }
        // Gradient buffers: a ReLU shares its output's gradient with its input's.
        var g: [UnsafeMutablePointer<Float>] = Array(repeating: inputGradient.pointer, count: n + 1)
        var k = 1
        for i in 0..<n {
            if case .relu = spec.ops[i] { g[i + 1] = g[i]; continue }
            g[i + 1] = owned[2 * k].pointer
            k += 1
        }
        grads = g
        if sharing == nil { initialize(seed: seed) }
    }

    deinit { for p in poolIndex.values { p.deallocate() } }

    /// PyTorch's default: weights and biases uniform in ±1/√fan-in.
    func initialize(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for (i, op) in spec.ops.enumerated() {
            let fanIn: Int
            switch op {
            case .conv(let s): fanIn = s.patch
            case .linear(let a, _): fanIn = a
            default: continue
            }
            let bound = 1 / Float(fanIn).squareRoot()
            let p = parameters.pointer + offsets[i]
            for j in 0..<op.parameterCount {
                p[j] = Float(Double(rng.next() >> 11) * 0x1p-53) * 2 * bound - bound
            }
        }
    }

    /// Where the next forward reads its input (`spec.inputSize × batch` floats).
    public var input: UnsafeMutablePointer<Float> { values[0] }
    /// The last forward's output (logits, or a stage's activations).
    public var output: UnsafeMutablePointer<Float> { values[spec.ops.count] }
    /// Where backward reads the gradient of the output.
    public var outputGradient: UnsafeMutablePointer<Float> { grads[spec.ops.count] }
    /// The gradient of the input after a backward with `inputGradient: true`.
    public var inputGradientPointer: UnsafeMutablePointer<Float> { grads[0] }

    /// Runs every op on `input`; times each op.
    public func forward() {
        for i in spec.ops.indices {
            let t0 = monotonicSeconds()
            forwardOp(i)
            forwardSeconds[i] = monotonicSeconds() - t0
        }
    }

    /// Runs op `i` alone on its current input (benchmarks). With `gemmOnly`, only its GEMMs, exactly as
    /// issued (convolution: block by block, on whatever the unfolding scratch holds).
    public func forwardOp(_ i: Int, gemmOnly: Bool = false) {
        let b = batch
        let x = values[i], y = values[i + 1], w = parameters.pointer + offsets[i]
        switch spec.ops[i] {
        case .conv(let s):
            Convolution.forward(s, batch: b, x: x, weight: w, bias: w + s.weightCount,
                                col: cols[i]!.pointer, y: y, gemmOnly: gemmOnly)
        case .relu:
            Elementwise.relu(y, count: spec.outputSizesBefore(i) * b)
        case .maxPool2(let c, let h, let wd):
            Elementwise.maxPool2(x, planes: c * b, height: h, width: wd, y: y, index: poolIndex[i]!)
        case .flatten(let c, let p):
            Elementwise.flatten(x, channels: c, batch: b, plane: p, y: y)
        case .linear(let a, let o):
            if !gemmOnly { Elementwise.fillColumns(y, rows: b, columns: o, values: w + a * o) }
            BLAS.gemm(transB: true, m: b, n: o, k: a, a: x, b: w, beta: 1, c: y)
        }
    }

    /// Accumulates parameter gradients from `outputGradient` (call `gradients.zero()` between steps);
    /// with `inputGradient`, also the gradient of the input (pipeline stages after the first).
    public func backward(inputGradient needInput: Bool = false) {
        for i in spec.ops.indices.reversed() {
            let t0 = monotonicSeconds()
            backwardOp(i, inputGradient: needInput)
            backwardSeconds[i] = monotonicSeconds() - t0
        }
    }

    /// The backward of op `i` alone (benchmarks: with `gemmOnly`, only its GEMMs, exactly as issued).
    public func backwardOp(_ i: Int, inputGradient needInput: Bool = false, gemmOnly: Bool = false) {
        let b = batch
        let op = spec.ops[i]
        let dy = grads[i + 1], dx = grads[i], x = values[i]
        let w = parameters.pointer + offsets[i], dw = gradients.pointer + offsets[i]
        let wantDx = i > 0 || needInput
        switch op {
        case .conv(let s):
            Convolution.backward(s, batch: b, x: x, dy: dy, col: cols[i]!.pointer, weight: w, dWeight: dw,
                                 dBias: dw + s.weightCount, dcol: cols[-1 - i]!.pointer, ones: ones.pointer,
                                 dx: wantDx ? dx : nil, gemmOnly: gemmOnly)
        case .relu:
            Elementwise.reluBackward(y: values[i + 1], dy: dy, count: spec.outputSizesBefore(i) * b)
        case .maxPool2(let c, let h, let wd):
            if wantDx {
                Elementwise.maxPool2Backward(dy: dy, index: poolIndex[i]!, outputCount: c * (h / 2) * (wd / 2) * b,
                                             dx: dx, inputCount: c * h * wd * b)
            }
        case .flatten(let c, let p):
            if wantDx { Elementwise.unflatten(dy, channels: c, batch: b, plane: p, x: dx) }
        case .linear(let a, let o):
            BLAS.gemm(transA: true, m: o, n: a, k: b, a: dy, b: x, beta: 1, c: dw)
            if !gemmOnly {
                BLAS.gemv(rows: o, columns: b, a: dy, lda: o, x: ones.pointer, y: dw + a * o, transposed: true)
            }
            if wantDx { BLAS.gemm(m: b, n: a, k: o, a: dy, b: w, c: dx) }
        }
    }

    /// Seconds per named layer of the last forward and backward.
    public var layerSeconds: (forward: [Double], backward: [Double]) {
        var f = Array(repeating: 0.0, count: spec.layerNames.count), bw = f
        for i in spec.ops.indices {
            f[spec.layerOfOp[i]] += forwardSeconds[i]
            bw[spec.layerOfOp[i]] += backwardSeconds[i]
        }
        return (f, bw)
    }
}

extension ModelSpec {
    /// Size per sample of the activation entering op `i` (what a ReLU at `i` works on).
    func outputSizesBefore(_ i: Int) -> Int {
        let sizes = outputSizes
        var j = i - 1
        while j >= 0 {
            if sizes[j] > 0 { return sizes[j] }
            j -= 1
        }
        return inputSize
    }
}
