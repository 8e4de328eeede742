#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinkscopeUnits

/// A labelled 28×28 image data set generated in code (nothing can be downloaded): ten classes, each a
/// prototype of four Gaussian blobs drawn from the seed; a sample is its class's prototype shifted by up to
/// ±2 pixels, with random contrast and Gaussian pixel noise. Deterministic from (seed, sample index), so
/// every worker can draw its own shard of a global batch without coordination.
public struct SyntheticDigits: Sendable {
    public static let side = 28
    public static let classes = 10
    public let seed: UInt64
    /// `classes × 28 × 28` prototypes.
    let prototypes: [Float]

    public init(seed: UInt64 = 42) {
        self.seed = seed
        var rng = SplitMix64(seed: seed ^ 0xD161_75)
        var protos = [Float](repeating: 0, count: Self.classes * Self.side * Self.side)
        for c in 0..<Self.classes {
            for _ in 0..<4 {
                let cx = 6 + Double(rng.next() % 16), cy = 6 + Double(rng.next() % 16)
                let sigma = 1.5 + Double(rng.next() % 100) / 50
                for y in 0..<Self.side {
                    for x in 0..<Self.side {
                        let d2 = (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)
                        protos[(c * Self.side + y) * Self.side + x] += Float(exp(-d2 / (2 * sigma * sigma)))
                    }
                }
            }
        }
        prototypes = protos
    }

    /// Writes samples `first ..< first + count` into `images` (`count × 784`, sample-major) and `labels`.
    public func fill(first: Int, count: Int, images: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) {
        let side = Self.side
        for i in 0..<count {
            var rng = SplitMix64(seed: seed &+ UInt64(first + i) &* 0x9E37_79B9)
            let label = Int(rng.next() % UInt64(Self.classes))
            labels[i] = Int32(label)
            let dx = Int(rng.next() % 5) - 2, dy = Int(rng.next() % 5) - 2
            let contrast = Float(0.7 + Double(rng.next() % 600) / 1000)
            let img = images + i * side * side
            prototypes.withUnsafeBufferPointer { all in
                let base = label * side * side
                for y in 0..<side {
                    for x in 0..<side {
                        let sx = x - dx, sy = y - dy
                        let v: Float = (sx >= 0 && sx < side && sy >= 0 && sy < side) ? all[base + sy * side + sx] : 0
                        img[y * side + x] = contrast * v + 0.3 * Self.gaussian(&rng)
                    }
                }
            }
        }
    }

    /// Standard normal by Box-Muller.
    static func gaussian(_ rng: inout SplitMix64) -> Float {
        let u1 = max(Double(rng.next() >> 11) * 0x1p-53, 1e-12), u2 = Double(rng.next() >> 11) * 0x1p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
