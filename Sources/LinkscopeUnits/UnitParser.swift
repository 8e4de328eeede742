/// What went wrong when reading a quantity such as "25 GB/s".
public enum UnitError: Error, Equatable, Sendable {
    /// A bare number where a unit is required ("25" instead of "25 GB/s").
    case missingUnit(text: String, expected: [String])
    /// The unit is not one of the allowed ones for this quantity.
    case unknownUnit(text: String, unit: String, expected: [String])
    /// The number part is not a number.
    case notANumber(text: String)
    /// Zero or negative where a positive quantity is required.
    case notPositive(text: String)
    /// A fractional byte count ("1.5 B") or one too large for 64 bits.
    case notWholeBytes(text: String)

    /// The reason, as printed after `FIELD: error: `.
    public var message: String {
        switch self {
        case .missingUnit(let text, let expected):
            return "'\(text)' has no unit; write it with one of \(expected.joined(separator: ", "))"
        case .unknownUnit(let text, let unit, let expected):
            return "unknown unit '\(unit)' in '\(text)'; expected one of \(expected.joined(separator: ", "))"
        case .notANumber(let text):
            return "'\(text)' is not a number with a unit"
        case .notPositive(let text):
            return "'\(text)' must be greater than zero"
        case .notWholeBytes(let text):
            return "'\(text)' is not a whole number of bytes"
        }
    }
}

/// Exact parsing of quantities with explicit units (docs/scenario-reference.md: "a bare number is an error").
public enum UnitParser {
    /// Units a size may carry (decimal and binary).
    public static let sizeUnits = ["B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB"]
    /// Units a bandwidth may carry (per direction).
    public static let bandwidthUnits = ["GB/s", "Gb/s", "GiB/s", "MB/s", "Mb/s", "MiB/s", "TB/s", "Tb/s"]
    /// Units a duration may carry.
    public static let timeUnits = ["ns", "us", "µs", "ms", "s"]
    /// Units a compute rate may carry.
    public static let computeUnits = ["TFLOP/s", "GFLOP/s", "PFLOP/s"]
    /// Units a FLOP count may carry.
    public static let flopUnits = ["FLOP", "KFLOP", "MFLOP", "GFLOP", "TFLOP", "PFLOP"]

    /// Splits "25 GB/s" / "25GB/s" into (25, "GB/s"). The number keeps its exact decimal text.
    static func split(_ text: String) throws(UnitError) -> (number: String, unit: String) {
        let trimmed = text.trimmingSpaces
        var numberEnd = trimmed.startIndex
        for i in trimmed.indices {
            let c = trimmed[i]
            if c.isNumber || c == "." || c == "-" || c == "+" || c == "e" || c == "E" || c == "_" {
                // "e" only counts as part of a number when followed by a digit or sign (1e9), not "eB".
                if c == "e" || c == "E" {
                    let next = trimmed.index(after: i)
                    guard next < trimmed.endIndex, trimmed[next].isNumber || trimmed[next] == "-"
                        || trimmed[next] == "+"
                    else { break }
                }
                numberEnd = trimmed.index(after: i)
            } else {
                break
            }
        }
        let number = String(trimmed[trimmed.startIndex..<numberEnd]).replacingUnderscores
        let unit = String(trimmed[numberEnd...]).trimmingSpaces
        guard !number.isEmpty, Double(number) != nil else { throw .notANumber(text: text) }
        return (number, unit)
    }

    /// Sizes: B, KB, MB, GB, TB (powers of 1000) and KiB, MiB, GiB, TiB (powers of 1024).
    public static func bytes(_ text: String, allowZero: Bool = false) throws(UnitError) -> Bytes {
        let (number, unit) = try split(text)
        guard !unit.isEmpty else { throw .missingUnit(text: text, expected: sizeUnits) }
        let factor: Int64
        switch unit {
        case "B": factor = 1
        case "KB", "kB": factor = 1_000
        case "MB": factor = 1_000_000
        case "GB": factor = 1_000_000_000
        case "TB": factor = 1_000_000_000_000
        case "KiB": factor = 1 << 10
        case "MiB": factor = 1 << 20
        case "GiB": factor = 1 << 30
        case "TiB": factor = 1 << 40
        default: throw .unknownUnit(text: text, unit: unit, expected: sizeUnits)
        }
        let bytes = try exactProduct(number, factor, text: text)
        if bytes < 0 || (!allowZero && bytes == 0) { throw .notPositive(text: text) }
        return Bytes(bytes)
    }

    /// Bandwidth per direction: GB/s (1e9 B/s), Gb/s (1e9 bit/s), GiB/s (2^30 B/s), and MB/s, TB/s kin.
    public static func bandwidth(_ text: String) throws(UnitError) -> Bandwidth {
        let (number, unit) = try split(text)
        guard !unit.isEmpty else { throw .missingUnit(text: text, expected: bandwidthUnits) }
        guard let v = Double(number) else { throw .notANumber(text: text) }
        let bps: Double
        switch unit {
        case "GB/s": bps = v * 1e9
        case "Gb/s", "Gbps": bps = v * 1e9 / 8
        case "GiB/s": bps = v * 1_073_741_824
        case "MB/s": bps = v * 1e6
        case "Mb/s": bps = v * 1e6 / 8
        case "MiB/s": bps = v * 1_048_576
        case "TB/s": bps = v * 1e12
        case "Tb/s": bps = v * 1e12 / 8
        default: throw .unknownUnit(text: text, unit: unit, expected: bandwidthUnits)
        }
        guard bps > 0, bps.isFinite else { throw .notPositive(text: text) }
        return Bandwidth(bytesPerSecond: bps)
    }

    /// Time: ns, us (or µs), ms, s. Zero is allowed (a zero-latency link).
    public static func seconds(_ text: String, allowZero: Bool = true) throws(UnitError) -> Seconds {
        let (number, unit) = try split(text)
        guard !unit.isEmpty else { throw .missingUnit(text: text, expected: timeUnits) }
        guard let v = Double(number) else { throw .notANumber(text: text) }
        let s: Double
        switch unit {
        case "ns": s = v * 1e-9
        case "us", "µs": s = v * 1e-6
        case "ms": s = v * 1e-3
        case "s": s = v
        default: throw .unknownUnit(text: text, unit: unit, expected: timeUnits)
        }
        if s < 0 || (!allowZero && s == 0) || !s.isFinite { throw .notPositive(text: text) }
        return Seconds(s)
    }

    /// Compute throughput: TFLOP/s, GFLOP/s, PFLOP/s.
    public static func flopRate(_ text: String) throws(UnitError) -> FlopRate {
        let (number, unit) = try split(text)
        guard !unit.isEmpty else { throw .missingUnit(text: text, expected: computeUnits) }
        guard let v = Double(number) else { throw .notANumber(text: text) }
        let f: Double
        switch unit {
        case "TFLOP/s", "TFLOPS": f = v * 1e12
        case "GFLOP/s", "GFLOPS": f = v * 1e9
        case "PFLOP/s", "PFLOPS": f = v * 1e15
        default: throw .unknownUnit(text: text, unit: unit, expected: computeUnits)
        }
        guard f > 0, f.isFinite else { throw .notPositive(text: text) }
        return FlopRate(flopsPerSecond: f)
    }

    /// An amount of work: FLOP, KFLOP, MFLOP, GFLOP, TFLOP, PFLOP (powers of 1000).
    public static func flops(_ text: String) throws(UnitError) -> Double {
        let (number, unit) = try split(text)
        guard !unit.isEmpty else { throw .missingUnit(text: text, expected: flopUnits) }
        guard let v = Double(number) else { throw .notANumber(text: text) }
        let scale: Double
        switch unit {
        case "FLOP": scale = 1
        case "KFLOP": scale = 1e3
        case "MFLOP": scale = 1e6
        case "GFLOP": scale = 1e9
        case "TFLOP": scale = 1e12
        case "PFLOP": scale = 1e15
        default: throw .unknownUnit(text: text, unit: unit, expected: flopUnits)
        }
        guard v >= 0, v.isFinite else { throw .notPositive(text: text) }
        return v * scale
    }

    /// number × factor without going through Double, so "1.5 GB" is exactly 1,500,000,000.
    static func exactProduct(_ number: String, _ factor: Int64, text: String) throws(UnitError) -> Int64 {
        if number.contains("e") || number.contains("E") {
            guard let v = Double(number) else { throw .notANumber(text: text) }
            let product = v * Double(factor)
            guard product.rounded() == product, abs(product) < 9.2e18 else { throw .notWholeBytes(text: text) }
            return Int64(product)
        }
        var digits = number
        var negative = false
        if digits.hasPrefix("-") { negative = true; digits.removeFirst() }
        if digits.hasPrefix("+") { digits.removeFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw .notANumber(text: text) }
        let whole = parts[0].isEmpty ? "0" : String(parts[0])
        let frac = parts.count == 2 ? String(parts[1]) : ""
        guard let wholeValue = Int64(whole) else { throw .notWholeBytes(text: text) }
        var (result, overflow) = wholeValue.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw .notWholeBytes(text: text) }
        if !frac.isEmpty {
            guard let fracValue = Int64(frac), frac.count <= 18 else { throw .notANumber(text: text) }
            var denominator: Int64 = 1
            for _ in 0..<frac.count { denominator *= 10 }
            let (numerator, o2) = fracValue.multipliedReportingOverflow(by: factor)
            guard !o2, numerator % denominator == 0 else { throw .notWholeBytes(text: text) }
            (result, overflow) = result.addingReportingOverflow(numerator / denominator)
            guard !overflow else { throw .notWholeBytes(text: text) }
        }
        return negative ? -result : result
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
    var replacingUnderscores: String { String(filter { $0 != "_" }) }
}
