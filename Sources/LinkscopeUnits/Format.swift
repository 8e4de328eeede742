/// Human-readable, locale-independent formatting. Deterministic: the same value always prints the same.
public enum Format {
    /// A number with up to `significant` significant digits, no exponent for ordinary magnitudes.
    public static func number(_ v: Double, significant: Int = 4) -> String {
        if v == 0 { return "0" }
        if !v.isFinite { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        let magnitude = Int((abs(v)).log10Floor)
        let decimals = max(0, min(9, significant - 1 - magnitude))
        return fixed(v, decimals: decimals, trimZeros: true)
    }

    /// Fixed-point with `decimals` digits; `trimZeros` drops trailing zeros ("1.50" → "1.5").
    public static func fixed(_ v: Double, decimals: Int, trimZeros: Bool = false) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let negative = v < 0
        let scaled = (abs(v) * scale).rounded()
        if scaled >= 9.0e18 { return String(v) }
        let integer = Int64(scaled)
        let divisor = Int64(scale)
        var intPart = String(integer / divisor)
        var fracPart = ""
        if decimals > 0 {
            fracPart = String(integer % divisor)
            fracPart = String(repeating: "0", count: decimals - fracPart.count) + fracPart
            if trimZeros {
                while fracPart.hasSuffix("0") { fracPart.removeLast() }
            }
        }
        if negative && integer != 0 { intPart = "-" + intPart }
        return fracPart.isEmpty ? intPart : intPart + "." + fracPart
    }

    /// A byte count for reports: binary units for exact readable multiples ("4 MiB"), decimal otherwise
    /// ("4.81 MB"), plain bytes below 1 KB.
    public static func bytes(_ count: Int64) -> String {
        let v = Double(count)
        let binary: [(Int64, String)] = [(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        // Binary units only for exact, readable multiples ("4 MiB", "1536 KiB"), decimal otherwise.
        for (unit, name) in binary where count >= unit && count % unit == 0 && count / unit < 10_000 {
            return "\(count / unit) \(name)"
        }
        let decimal: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")]
        for (unit, name) in decimal where v >= unit {
            return number(v / unit) + " " + name
        }
        return "\(count) B"
    }

    /// A bandwidth in GB/s, MB/s or KB/s (decimal units, per direction).
    public static func bandwidth(_ bytesPerSecond: Double) -> String {
        if bytesPerSecond >= 1e9 || bytesPerSecond == 0 { return number(bytesPerSecond / 1e9) + " GB/s" }
        if bytesPerSecond >= 1e6 { return number(bytesPerSecond / 1e6) + " MB/s" }
        return number(bytesPerSecond / 1e3) + " KB/s"
    }

    /// Adaptive time units: ns, us, ms, s.
    public static func duration(_ seconds: Double) -> String {
        let a = abs(seconds)
        if a == 0 { return "0 s" }
        if a < 1e-6 { return number(seconds * 1e9) + " ns" }
        if a < 1e-3 { return number(seconds * 1e6) + " us" }
        if a < 1 { return number(seconds * 1e3) + " ms" }
        return number(seconds) + " s"
    }

    /// `fraction` × 100 with `decimals` decimals and a " %" suffix.
    public static func percent(_ fraction: Double, decimals: Int = 1) -> String {
        fixed(fraction * 100, decimals: decimals) + " %"
    }
}

extension Double {
    /// floor(log10(|x|)) computed without Foundation, for formatting.
    var log10Floor: Double {
        var x = abs(self)
        var e = 0.0
        if x == 0 { return 0 }
        while x >= 10 { x /= 10; e += 1 }
        while x < 1 { x *= 10; e -= 1 }
        return e
    }
}
