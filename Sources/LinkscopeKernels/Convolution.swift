/// Convolution by im2col + GEMM (stride 1, no padding, square kernels).
///
/// Activations are stored channel-major, `[C][B][H][W]` ("CNHW"): the GEMM `W[OC × CKK] · col[CKK × B·OH·OW]`
/// then writes the next layer's activations in place, with no transpose.
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
    /// Rows of the im2col matrix (C·K·K) = columns of the weight matrix.
    public var patch: Int { inChannels * kernel * kernel }
    public var weightCount: Int { outChannels * patch }
    /// Forward FLOPs for `batch` samples (2 per multiply-add).
    public func forwardFLOPs(batch: Int) -> Double {
        2 * Double(outChannels * patch * outHeight * outWidth * batch)
    }
}

public enum Convolution {
    /// Unfolds `x[C][B][H][W]` into `col[C·K·K][B·OH·OW]`.
    public static func im2col(_ s: ConvShape, batch: Int, x: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>) {
        let oh = s.outHeight, ow = s.outWidth, k = s.kernel
        let plane = s.height * s.width
        let cols = batch * oh * ow
        for c in 0..<s.inChannels {
            for kh in 0..<k {
                for kw in 0..<k {
                    let row = col + ((c * k + kh) * k + kw) * cols
                    for b in 0..<batch {
                        let src = x + (c * batch + b) * plane + kh * s.width + kw
                        let dst = row + b * oh * ow
                        for y in 0..<oh {
                            (dst + y * ow).update(from: src + y * s.width, count: ow)
                        }
                    }
                }
            }
        }
    }

    /// Folds `col` back, accumulating into `dx[C][B][H][W]` (which must start zeroed).
    public static func col2im(_ s: ConvShape, batch: Int, col: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        let oh = s.outHeight, ow = s.outWidth, k = s.kernel
        let plane = s.height * s.width
        let cols = batch * oh * ow
        for c in 0..<s.inChannels {
            for kh in 0..<k {
                for kw in 0..<k {
                    let row = col + ((c * k + kh) * k + kw) * cols
                    for b in 0..<batch {
                        let dst = dx + (c * batch + b) * plane + kh * s.width + kw
                        let src = row + b * oh * ow
                        for y in 0..<oh {
                            let d = dst + y * s.width, q = src + y * ow
                            for i in 0..<ow { d[i] += q[i] }
                        }
                    }
                }
            }
        }
    }

    /// `y[OC][B·OH·OW] = W · col + bias`; `col` receives the unfolded input.
    public static func forward(_ s: ConvShape, batch: Int, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>,
                               y: UnsafeMutablePointer<Float>) {
        im2col(s, batch: batch, x: x, col: col)
        let n = batch * s.outHeight * s.outWidth
        Elementwise.fillRows(y, rows: s.outChannels, columns: n, values: bias)
        BLAS.gemm(m: s.outChannels, n: n, k: s.patch, a: weight, b: col, beta: 1, c: y)
    }

    /// Gradients of weight and bias (accumulated), and of the input when `dx` is given (overwritten).
    /// `col` must still hold the forward pass's unfolded input; `dcol` is scratch of the same size.
    public static func backward(_ s: ConvShape, batch: Int, dy: UnsafePointer<Float>, col: UnsafePointer<Float>,
                                weight: UnsafePointer<Float>, dWeight: UnsafeMutablePointer<Float>,
                                dBias: UnsafeMutablePointer<Float>, dcol: UnsafeMutablePointer<Float>,
                                dx: UnsafeMutablePointer<Float>?) {
        let n = batch * s.outHeight * s.outWidth
        BLAS.gemm(transB: true, m: s.outChannels, n: s.patch, k: n, a: dy, b: col, beta: 1, c: dWeight)
        Elementwise.sumRows(dy, rows: s.outChannels, columns: n, into: dBias)
        guard let dx else { return }
        BLAS.gemm(transA: true, m: s.patch, n: n, k: s.outChannels, a: weight, b: dy, c: dcol)
        dx.update(repeating: 0, count: s.inChannels * batch * s.height * s.width)
        col2im(s, batch: batch, col: dcol, dx: dx)
    }
}
