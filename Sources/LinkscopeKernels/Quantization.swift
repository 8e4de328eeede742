/// Gradient compression for communication: fp16 and int8 (per-block absmax scaling).
public enum Quantization {
    /// fp32 → fp16 (round to nearest even, saturating to ±65504 as IEEE does to ±inf beyond it).
    public static func toHalf(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float16>) {
        for i in 0..<count { y[i] = Float16(x[i]) }
    }

    public static func fromHalf(_ y: UnsafePointer<Float16>, count: Int, into x: UnsafeMutablePointer<Float>) {
        for i in 0..<count { x[i] = Float(y[i]) }
    }

    /// Elements per int8 scale.
    public static let int8Block = 256

    /// Number of scales `toInt8` writes for `count` elements.
    public static func int8Scales(count: Int) -> Int { (count + int8Block - 1) / int8Block }

    /// fp32 → int8 with one scale per block (`absmax/127`); the error per element is at most scale/2.
    public static func toInt8(_ x: UnsafePointer<Float>, count: Int, into q: UnsafeMutablePointer<Int8>,
                              scales: UnsafeMutablePointer<Float>) {
        var block = 0
        var start = 0
        while start < count {
            let end = min(start + int8Block, count)
            var amax: Float = 0
            for i in start..<end { amax = max(amax, abs(x[i])) }
            let scale = amax > 0 ? amax / 127 : 1
            scales[block] = scale
            let inv = 1 / scale
            for i in start..<end { q[i] = Int8(max(-127, min(127, (x[i] * inv).rounded()))) }
            block += 1
            start = end
        }
    }

    public static func fromInt8(_ q: UnsafePointer<Int8>, scales: UnsafePointer<Float>, count: Int,
                                into x: UnsafeMutablePointer<Float>) {
        for i in 0..<count { x[i] = Float(q[i]) * scales[i / int8Block] }
    }
}
