/// Convolution by im2col + GEMM (stride 1, no padding, square kernels).
///
/// Activations are stored channel-major, `[C][B][H][W]` ("CNHW"): the GEMM `W[OC × CKK] · col[CKK × B·OH·OW]`
/// then writes the next layer's activations in place, with no transpose. The batch is processed in blocks
/// of samples whose unfolded input fits in cache (about 1 MB), so the im2col matrix is written and read
/// from cache, not memory; backward unfolds each block again rather than keeping all of it.
public struct ConvShape: Sendable, Hashable {
    public var inChannels: Int
    public var outChannels: Int
    public var kernel: Int
    public var height: Int
    public var width: Int
    public init(inChannels: Int, outChannels: Int, kernel: Int, height: Int, width: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.height = height
        self.width = width
    }
    public var outHeight: Int { height - kernel + 1 }
    public var outWidth: Int { width - kernel + 1 }
    /// Output pixels per sample and channel.
    public var outPlane: Int { outHeight * outWidth }
    /// Rows of the im2col matrix (C·K·K) = columns of the weight matrix.
    public var patch: Int { inChannels * kernel * kernel }
    public var weightCount: Int { outChannels * patch }
    /// Forward FLOPs for `batch` samples (2 per multiply-add).
    public func forwardFLOPs(batch: Int) -> Double {
        2 * Double(outChannels * patch * outHeight * outWidth * batch)
    }
    /// Samples per block: the block's im2col matrix stays near 256 K floats.
    public var blockSamples: Int { max(1, (1 << 18) / max(1, patch * outPlane)) }
    /// Floats of scratch `forward`/`backward` need for `col` (and as much again for `dcol`).
    public func columnScratch(batch: Int) -> Int { patch * outPlane * min(batch, blockSamples) }
}

public enum Convolution {
    /// Unfolds samples `first ..< first + count` of `x[C][batch][H][W]` into `col[C·K·K][count·OH·OW]`.
    public static func im2col(_ s: ConvShape, batch: Int, first: Int = 0, count: Int? = nil, x: UnsafePointer<Float>,
                              col: UnsafeMutablePointer<Float>) {
        walk(s, batch: batch, first: first, count: count ?? batch) { image, column, n in
            (col + column).update(from: x + image, count: n)
        }
    }

    /// Folds `col` of samples `first ..< first + count` back, accumulating into `dx[C][batch][H][W]`.
    public static func col2im(_ s: ConvShape, batch: Int, first: Int = 0, count: Int? = nil, col: UnsafePointer<Float>,
                              dx: UnsafeMutablePointer<Float>) {
        walk(s, batch: batch, first: first, count: count ?? batch) { image, column, n in
            let d = dx + image, q = col + column
            for i in 0..<n { d[i] += q[i] }
        }
    }

    /// Visits every (image row, im2col row) pair of the unfolding as offsets: `body(image, column, OW)`.
    @inline(__always)
    static func walk(_ s: ConvShape, batch: Int, first: Int, count n: Int, _ body: (Int, Int, Int) -> Void) {
        let oh = s.outHeight, ow = s.outWidth, k = s.kernel
        let plane = s.height * s.width
        let cols = n * oh * ow
        for c in 0..<s.inChannels {
            for kh in 0..<k {
                for kw in 0..<k {
                    let row = ((c * k + kh) * k + kw) * cols
                    for b in 0..<n {
                        let image = (c * batch + first + b) * plane + kh * s.width + kw
                        let column = row + b * oh * ow
                        for y in 0..<oh { body(image + y * s.width, column + y * ow, ow) }
                    }
                }
            }
        }
    }

    /// `y[OC][B·OH·OW] = W · col + bias`, block by block; `col` is scratch of `columnScratch(batch:)` floats.
    /// With `gemmOnly` (benchmarks) only the GEMMs run, exactly as issued, on whatever `col` holds.
    public static func forward(_ s: ConvShape, batch: Int, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>,
                               y: UnsafeMutablePointer<Float>, gemmOnly: Bool = false) {
        let p = s.outPlane, width = batch * p
        if !gemmOnly { Elementwise.fillRows(y, rows: s.outChannels, columns: width, values: bias) }
        var first = 0
        while first < batch {
            let n = min(s.blockSamples, batch - first)
            if !gemmOnly { im2col(s, batch: batch, first: first, count: n, x: x, col: col) }
            BLAS.gemm(m: s.outChannels, n: n * p, k: s.patch, a: weight, b: col, beta: 1, c: y + first * p, ldc: width)
            first += n
        }
    }

    /// Gradients of weight and bias (accumulated), and of the input when `dx` is given (overwritten).
    /// `col` and `dcol` are scratch of `columnScratch(batch:)` floats; `x` is the forward input.
    /// With `gemmOnly` (benchmarks) only the GEMMs run, exactly as issued.
    public static func backward(_ s: ConvShape, batch: Int, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                col: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>,
                                dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
                                dcol: UnsafeMutablePointer<Float>, ones: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>?, gemmOnly: Bool = false) {
        let p = s.outPlane, width = batch * p
        if !gemmOnly {
            BLAS.gemv(rows: s.outChannels, columns: width, a: dy, lda: width, x: ones, y: dBias)
            if let dx { dx.update(repeating: 0, count: s.inChannels * batch * s.height * s.width) }
        }
        var first = 0
        while first < batch {
            let n = min(s.blockSamples, batch - first)
            if !gemmOnly { im2col(s, batch: batch, first: first, count: n, x: x, col: col) }
            BLAS.gemm(transB: true, m: s.outChannels, n: s.patch, k: n * p, a: dy + first * p, lda: width, b: col,
                      beta: 1, c: dWeight)
            if let dx {
                BLAS.gemm(transA: true, m: s.patch, n: n * p, k: s.outChannels, a: weight, b: dy + first * p,
                          ldb: width, c: dcol)
                if !gemmOnly { col2im(s, batch: batch, first: first, count: n, col: dcol, dx: dx) }
            }
            first += n
        }
    }
}
