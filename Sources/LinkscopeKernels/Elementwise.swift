#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bias, activation, pooling and layout kernels on raw buffers.
public enum Elementwise {
    /// Row r of `y[rows][columns]` set to `values[r]` everywhere (conv bias before the GEMM accumulates).
    public static func fillRows(_ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, values: UnsafePointer<Float>) {
        for r in 0..<rows { (y + r * columns).update(repeating: values[r], count: columns) }
    }

    /// Every row of `y[rows][columns]` set to `values[0..<columns]` (linear bias before the GEMM).
    public static func fillColumns(_ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                                   values: UnsafePointer<Float>) {
        for r in 0..<rows { (y + r * columns).update(from: values, count: columns) }
    }

    /// `out[r] += Σ_c x[r][c]` (conv bias gradient).
    public static func sumRows(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let p = x + r * columns
            var s: Float = 0
            for c in 0..<columns { s += p[c] }
            out[r] += s
        }
    }

    /// `out[c] += Σ_r x[r][c]` (linear bias gradient).
    public static func sumColumns(_ x: UnsafePointer<Float>, rows: Int, columns: Int,
                                  into out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let p = x + r * columns
            for c in 0..<columns { out[c] += p[c] }
        }
    }

    /// `x = max(x, 0)` in place.
    public static func relu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = max(x[i], 0) }
    }

    /// `dx = dy · [y > 0]` in place on `dy`, from the ReLU's output `y`.
    public static func reluBackward(y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dy[i] = y[i] > 0 ? dy[i] : 0 }
    }

    /// 2×2 max-pool, stride 2, over `planes` planes of `h × w` (even); `index` records each winner's offset.
    public static func maxPool2(_ x: UnsafePointer<Float>, planes: Int, height h: Int, width w: Int,
                                y: UnsafeMutablePointer<Float>, index: UnsafeMutablePointer<Int32>) {
        let oh = h / 2, ow = w / 2
        for p in 0..<planes {
            let src = x + p * h * w
            let dst = y + p * oh * ow, idx = index + p * oh * ow
            for r in 0..<oh {
                for c in 0..<ow {
                    let a = 2 * r * w + 2 * c
                    var best = a
                    var v = src[a]
                    if src[a + 1] > v { best = a + 1; v = src[a + 1] }
                    if src[a + w] > v { best = a + w; v = src[a + w] }
                    if src[a + w + 1] > v { best = a + w + 1; v = src[a + w + 1] }
                    dst[r * ow + c] = v
                    idx[r * ow + c] = Int32(p * h * w + best)
                }
            }
        }
    }

    /// Routes `dy` back to the winners recorded by `maxPool2`; `dx` (of `inputCount`) is overwritten.
    public static func maxPool2Backward(dy: UnsafePointer<Float>, index: UnsafePointer<Int32>, outputCount: Int,
                                        dx: UnsafeMutablePointer<Float>, inputCount: Int) {
        dx.update(repeating: 0, count: inputCount)
        for i in 0..<outputCount { dx[Int(index[i])] += dy[i] }
    }

    /// `[C][B][P]` → `[B][C·P]`: channel-major activations to per-sample feature rows (PyTorch's flatten order).
    public static func flatten(_ x: UnsafePointer<Float>, channels: Int, batch: Int, plane: Int,
                               y: UnsafeMutablePointer<Float>) {
        for c in 0..<channels {
            for b in 0..<batch {
                (y + (b * channels + c) * plane).update(from: x + (c * batch + b) * plane, count: plane)
            }
        }
    }

    /// Inverse of `flatten`.
    public static func unflatten(_ y: UnsafePointer<Float>, channels: Int, batch: Int, plane: Int,
                                 x: UnsafeMutablePointer<Float>) {
        for c in 0..<channels {
            for b in 0..<batch {
                (x + (c * batch + b) * plane).update(from: y + (b * channels + c) * plane, count: plane)
            }
        }
    }
}

/// Softmax cross-entropy over `batch` rows of `classes` logits.
public enum SoftmaxCrossEntropy {
    /// Mean loss and correct predictions; `dLogits` receives `(softmax − onehot) / batch`.
    public static func forwardBackward(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int,
                                       classes: Int, dLogits: UnsafeMutablePointer<Float>) -> (loss: Double, correct: Int) {
        var loss = 0.0
        var correct = 0
        let inv = 1 / Float(batch)
        for b in 0..<batch {
            let z = logits + b * classes, d = dLogits + b * classes
            var m = z[0], arg = 0
            for c in 1..<classes where z[c] > m { m = z[c]; arg = c }
            var sum: Float = 0
            for c in 0..<classes { d[c] = exp(z[c] - m); sum += d[c] }
            let label = Int(labels[b])
            if arg == label { correct += 1 }
            loss -= Double(log(d[label] / sum))
            for c in 0..<classes { d[c] = (d[c] / sum - (c == label ? 1 : 0)) * inv }
        }
        return (loss / Double(batch), correct)
    }
}

