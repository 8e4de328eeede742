import LinkscopeTimeline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers: exact integers, correctly rounded doubles and exact milli-units.
extension JSONEventParser {
    mutating func parseNumber() throws -> JSONNumber {
        _ = try skipWhitespace()
        let start = pos
        if let (n, end) = buf.withUnsafeBufferPointer({ Self.scanNumber($0, start) }) {
            pos = end
            return n
        }
        scratch.removeAll(keepingCapacity: true)
        var intPart: Int64 = 0
        var fracMilli: Int64 = 0
        var fracDigits = 0
        var roundUp = false
        var negative = false
        var overflow = false
        var sawDot = false
        var sawExp = false
        var digits = 0
        if try peek() == UInt8(ascii: "-") {
            negative = true
            scratch.append(UInt8(ascii: "-"))
            pos += 1
        }
        while let b = try peek() {
            switch b {
            case 0x30...0x39:
                let d = Int64(b - 0x30)
                if sawExp {
                    // exponent digits: only collected
                } else if sawDot {
                    if fracDigits < 3 {
                        fracMilli = fracMilli * 10 + d
                    } else if fracDigits == 3 {
                        roundUp = d >= 5
                    }
                    fracDigits += 1
                } else {
                    let (m, o1) = intPart.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(d)
                    if o1 || o2 { overflow = true } else { intPart = a }
                    digits += 1
                }
            case UInt8(ascii: "."):
                if sawDot || sawExp || digits == 0 { throw error(.syntax, "malformed number") }
                sawDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                if sawExp || digits == 0 { throw error(.syntax, "malformed number") }
                sawExp = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard sawExp, let last = scratch.last, last == UInt8(ascii: "e") || last == UInt8(ascii: "E") else {
                    throw error(.syntax, "malformed number")
                }
            default:
                return try finishNumber(intPart, fracMilli, fracDigits, roundUp, negative, overflow, sawDot, sawExp, digits)
            }
            scratch.append(b)
            pos += 1
            if scratch.count > 400 { throw error(.syntax, "number too long") }
        }
        return try finishNumber(intPart, fracMilli, fracDigits, roundUp, negative, overflow, sawDot, sawExp, digits)
    }

    static let powersOfTen: [Double] = (0...22).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }
    static let intPowersOfTen: [UInt64] = (0...19).map { k in
        var v: UInt64 = 1
        for _ in 0..<k { v *= 10 }
        return v
    }

    /// Fast path for the common number shapes (`-?digits(.digits)?`, at most 18 digits, ending inside the
    /// chunk). Doubles come out correctly rounded (mantissa < 2^53 divided by an exact power of ten).
    /// nil sends the caller to the general path.
    @inline(__always)
    static func scanNumber(_ p: UnsafeBufferPointer<UInt8>, _ start: Int) -> (JSONNumber, Int)? {
        var i = start
        let n = p.count
        guard i < n else { return nil }
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        let intStart = i
        while i < n, p[i] &- 0x30 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
            digits += 1
            i += 1
        }
        guard i > intStart, digits <= 18 else { return nil }
        var frac = 0
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, p[i] &- 0x30 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                frac += 1
                digits += 1
                i += 1
            }
            guard frac > 0, digits <= 18 else { return nil }
        }
        guard i < n else { return nil }
        let c = p[i]
        if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
            || c == UInt8(ascii: ".") || (c &- 0x30 < 10) {
            return nil
        }
        let signed = negative ? -Int64(mantissa) : Int64(mantissa)
        if frac == 0 {
            let (m, o) = signed.multipliedReportingOverflow(by: 1000)
            return (JSONNumber(isInteger: true, int: signed, double: Double(signed), milli: o ? Int64.max : m), i)
        }
        guard mantissa < (1 << 53) else { return nil }
        var d = Double(mantissa) / powersOfTen[frac]
        if negative { d = -d }
        var milli: Int64
        if frac <= 3 {
            milli = Int64(mantissa * intPowersOfTen[3 - frac])
        } else {
            let q = mantissa / intPowersOfTen[frac - 3]
            let next = (mantissa / intPowersOfTen[frac - 4]) % 10
            milli = Int64(q + (next >= 5 ? 1 : 0))
        }
        if negative { milli = -milli }
        let intValue: Int64 = abs(d) < 9.2e18 ? Int64(d) : 0
        return (JSONNumber(isInteger: false, int: intValue, double: d, milli: milli), i)
    }

    mutating func finishNumber(_ intPart: Int64, _ fracMilli: Int64, _ fracDigits: Int, _ roundUp: Bool,
                                       _ negative: Bool, _ overflow: Bool, _ sawDot: Bool, _ sawExp: Bool,
                                       _ digits: Int) throws -> JSONNumber {
        guard digits > 0, let last = scratch.last, last >= 0x30 && last <= 0x39 else {
            throw error(scratch.isEmpty ? .syntax : .syntax, "malformed number")
        }
        if !sawDot && !sawExp && !overflow {
            let v = negative ? -intPart : intPart
            let (m, o) = v.multipliedReportingOverflow(by: 1000)
            return JSONNumber(isInteger: true, int: v, double: Double(v), milli: o ? Int64.max : m)
        }
        scratch.append(0)
        let d = scratch.withUnsafeBufferPointer { p -> Double in
            p.baseAddress.map { base in base.withMemoryRebound(to: CChar.self, capacity: p.count) { strtod($0, nil) } } ?? 0
        }
        var milli: Int64
        if !sawExp && !overflow {
            var f = fracMilli
            var k = fracDigits
            while k < 3 {
                f *= 10
                k += 1
            }
            let (m, o1) = intPart.multipliedReportingOverflow(by: 1000)
            let (a, o2) = m.addingReportingOverflow(f + (roundUp ? 1 : 0))
            milli = (o1 || o2) ? Int64.max : (negative ? -a : a)
        } else {
            let x = (d * 1000).rounded()
            milli = (x.isFinite && abs(x) < 9.2e18) ? Int64(x) : (x < 0 ? Int64.min : Int64.max)
        }
        let intValue: Int64 = (d.isFinite && abs(d) < 9.2e18) ? Int64(d) : 0
        return JSONNumber(isInteger: false, int: intValue, double: d, milli: milli)
    }
}
