import LinkscopeJSON
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON number as written: the exact integer when it has no fraction or exponent, the
/// correctly rounded Double, and the value times 1000 when that is exact (at most three decimals),
/// which turns trace microseconds into exact integer nanoseconds.
struct JSONNumber: Sendable, Equatable {
    var isInteger: Bool
    var int: Int64
    var double: Double
    /// value × 1000, exact when the literal has at most 3 decimals; otherwise rounded from `double`.
    var milli: Int64
}

/// One trace event as parsed: only the fields linkscope uses, typed; `args` kept when asked.
struct RawEvent {
    var ph: UInt8 = 0
    /// Interned in the parser's `StringTable`; -1 when absent.
    var name: Int32 = -1
    var cat: Int32 = -1
    var ts: JSONNumber?
    var dur: JSONNumber?
    var pid: TraceID = .int(0)
    var tid: TraceID = .int(0)
    /// HTA's stream normalisation: an integer, or -1 when missing or not a number.
    var stream: Int64 = -1
    var hasStream = false
    var correlation: Int64 = -1
    var hasCorrelation = false
    var externalID: Int64 = -1
    var bytes: Int64 = 0
    var args: [(String, JSONValue)] = []
    var id: TraceID?
    var bindingPoint: UInt8 = 0

    mutating func reset() {
        ph = 0
        name = -1
        cat = -1
        ts = nil
        dur = nil
        pid = .int(0)
        tid = .int(0)
        stream = -1
        hasStream = false
        correlation = -1
        hasCorrelation = false
        externalID = -1
        bytes = 0
        args.removeAll(keepingCapacity: true)
        id = nil
        bindingPoint = 0
    }
}

/// pid / tid as written: Kineto uses strings ("Spans", "") besides integers.
public enum TraceID: Sendable, Hashable {
    case int(Int64)
    case string(String)
}

/// What sits around `traceEvents` in the top-level object.
struct TraceHeader {
    var distributedInfo: JSONValue?
    var baseTimeNanoseconds: Int64?
    var displayTimeUnit: String?
    var otherData: JSONValue?
    var topLevelArray = false
    var sawTraceEvents = false
}

/// A byte-level, chunked, event-at-a-time parser for Chrome trace JSON. It never builds a tree of the
/// whole document: `traceEvents` items are decoded one by one into a reused `RawEvent`.
struct JSONEventParser {
    private var buf: [UInt8] = []
    private var pos = 0
    private var base = 0
    private let source: ChunkSource
    let file: String
    private var scratch: [UInt8] = []
    private var event = RawEvent()
    var table = StringTable()
    /// Per category id: 0 not asked yet, 1 keep args, 2 skip them.
    private var keepCache: [UInt8] = []
    static let maxDepth = 256

    init(source: ChunkSource, file: String) {
        self.source = source
        self.file = file
    }

    // MARK: Bytes

    private mutating func refill() throws -> Bool {
        let n = buf.count
        base += n
        let old = buf
        buf = []
        pos = 0
        if n > 0 { source.recycle(old) }
        while true {
            guard let next = try source.nextChunk() else { return false }
            if next.isEmpty { continue }
            buf = next
            return true
        }
    }

    @inline(__always)
    private mutating func peek() throws -> UInt8? {
        if pos < buf.count { return buf[pos] }
        return try refill() ? buf[pos] : nil
    }

    @inline(__always)
    private mutating func skipWhitespace() throws -> UInt8? {
        while true {
            let start = pos
            let (stop, byte) = buf.withUnsafeBufferPointer { p -> (Int, UInt8?) in
                var i = start
                while i < p.count {
                    let b = p[i]
                    if b != 0x20 && b != 0x0A && b != 0x0D && b != 0x09 { return (i, b) }
                    i += 1
                }
                return (i, nil)
            }
            pos = stop
            if let byte { return byte }
            if try !refill() { return nil }
        }
    }

    var offset: Int { base + pos }

    /// An error at the current offset. Line and column are filled in by `TraceReader`, which re-reads
    /// the input up to the offset (cheap on the error path, free on the happy path).
    func error(_ kind: TraceError.Kind, _ message: String) -> TraceError {
        TraceError(kind: kind, file: file, offset: base + pos, message: message)
    }

    private func unexpected(_ b: UInt8?, expecting what: String) -> TraceError {
        guard let b else { return error(.truncated, "unexpected end of input, expected \(what)") }
        let shown = (b >= 0x20 && b < 0x7F) ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
        return error(.syntax, "unexpected \(shown), expected \(what)")
    }

    private mutating func expect(_ c: UInt8, _ what: String) throws {
        let b = try skipWhitespace()
        guard b == c else { throw unexpected(b, expecting: what) }
        pos += 1
    }

    // MARK: Scalars

    mutating func parseString() throws -> String {
        guard try skipWhitespace() == UInt8(ascii: "\"") else { throw unexpected(try peek(), expecting: "a string") }
        pos += 1
        // Fast path: the whole string inside this chunk, without escapes.
        var i = pos
        let n = buf.count
        while i < n {
            let b = buf[i]
            if b == 0x22 {
                let s = buf.withUnsafeBufferPointer { p in
                    String(decoding: UnsafeBufferPointer(rebasing: p[pos..<i]), as: UTF8.self)
                }
                pos = i + 1
                return s
            }
            if b == 0x5C || b < 0x20 { break }
            i += 1
        }
        return try parseStringSlow()
    }

    /// A string value interned in `table`, without building a `String` when it was seen before.
    mutating func parseStringID() throws -> Int32 {
        guard try skipWhitespace() == UInt8(ascii: "\"") else { throw unexpected(try peek(), expecting: "a string") }
        let start = pos + 1
        let end: Int? = buf.withUnsafeBufferPointer { p in
            var i = start
            while i < p.count {
                let b = p[i]
                if b == 0x22 { return i }
                if b == 0x5C || b < 0x20 { return nil }
                i += 1
            }
            return nil
        }
        if let end {
            let id = buf.withUnsafeBufferPointer { p in table.intern(UnsafeBufferPointer(rebasing: p[start..<end])) }
            pos = end + 1
            return id
        }
        pos += 1
        return table.intern(try parseStringSlow())
    }

    enum KeySet { case event, args }

    @inline(__always)
    static func equals(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ word: StaticString) -> Bool {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        var j = 0
        while j < w.count {
            if p[start + j] != w[j] { return false }
            j += 1
        }
        return true
    }

    /// Event keys: ph 0, name 1, cat 2, ts 3, dur 4, pid 5, tid 6, id 7, bp 8, args 9.
    /// Arg keys: stream 0, correlation 1, External id 2, bytes 3. Anything else is -1.
    @inline(__always)
    static func keyCode(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ len: Int, _ set: KeySet) -> Int {
        switch set {
        case .event:
            switch len {
            case 2:
                if equals(p, start, "ph") { return 0 }
                if equals(p, start, "ts") { return 3 }
                if equals(p, start, "id") { return 7 }
                if equals(p, start, "bp") { return 8 }
            case 3:
                if equals(p, start, "cat") { return 2 }
                if equals(p, start, "dur") { return 4 }
                if equals(p, start, "pid") { return 5 }
                if equals(p, start, "tid") { return 6 }
            case 4:
                if equals(p, start, "name") { return 1 }
                if equals(p, start, "args") { return 9 }
            default: break
            }
        case .args:
            switch len {
            case 6: if equals(p, start, "stream") { return 0 }
            case 11:
                if equals(p, start, "correlation") { return 1 }
                if equals(p, start, "External id") { return 2 }
            case 5: if equals(p, start, "bytes") { return 3 }
            default: break
            }
        }
        return -1
    }

    /// Reads an object key and returns its code in `set` without building a `String`; when the key is
    /// not a known one and `wantOther` is set, the key comes back in `other`.
    private mutating func parseKey(_ set: KeySet, other: inout String?, wantOther: Bool) throws -> Int {
        guard try skipWhitespace() == UInt8(ascii: "\"") else { throw unexpected(try peek(), expecting: "a key") }
        let start = pos + 1
        let found: (Int, Int)? = buf.withUnsafeBufferPointer { p in
            var i = start
            while i < p.count {
                let b = p[i]
                if b == 0x22 { return (Self.keyCode(p, start, i - start, set), i) }
                if b == 0x5C || b < 0x20 { return nil }
                i += 1
            }
            return nil
        }
        if let (k, end) = found, k >= 0 || !wantOther {
            pos = end + 1
            other = nil
            return k
        }
        let key = try parseString()
        other = key
        var k = key
        return k.withUTF8 { Self.keyCode($0, 0, $0.count, set) }
    }

    private mutating func parseStringSlow() throws -> String {
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard let b = try peek() else { throw error(.truncated, "unterminated string") }
            pos += 1
            switch b {
            case 0x22:
                return String(decoding: scratch, as: UTF8.self)
            case 0x5C:
                guard let e = try peek() else { throw error(.truncated, "unterminated escape") }
                pos += 1
                switch e {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        // A surrogate pair needs the low half.
                        if try peek() == 0x5C {
                            pos += 1
                            guard try peek() == UInt8(ascii: "u") else { throw error(.syntax, "invalid surrogate pair") }
                            pos += 1
                            let low = try parseHex4()
                            if low >= 0xDC00 && low < 0xE000 {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                scalar = 0xFFFD
                            }
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        scalar = 0xFFFD
                    }
                    let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    scratch.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    pos -= 1
                    throw error(.syntax, "invalid escape in string")
                }
            default:
                if b < 0x20 {
                    pos -= 1
                    throw error(.syntax, "control character in string")
                }
                scratch.append(b)
            }
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let h = try peek() else { throw error(.truncated, "unterminated \\u escape") }
            let d: UInt32
            switch h {
            case 0x30...0x39: d = UInt32(h - 0x30)
            case 0x41...0x46: d = UInt32(h - 0x41 + 10)
            case 0x61...0x66: d = UInt32(h - 0x61 + 10)
            default: throw error(.syntax, "invalid hex digit in \\u escape")
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }

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

    private mutating func finishNumber(_ intPart: Int64, _ fracMilli: Int64, _ fracDigits: Int, _ roundUp: Bool,
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

    private mutating func parseLiteral(_ word: StaticString, _ value: JSONValue) throws -> JSONValue {
        let bytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for c in bytes {
            guard let b = try peek() else { throw error(.truncated, "unexpected end of input in literal") }
            guard b == c else { throw error(.syntax, "invalid literal") }
            pos += 1
        }
        return value
    }

    // MARK: Values

    /// Any JSON value as a `JSONValue` tree (used for small things: args, distributedInfo, otherData).
    mutating func parseValue(depth: Int = 0) throws -> JSONValue {
        guard depth < Self.maxDepth else { throw error(.syntax, "nesting deeper than \(Self.maxDepth)") }
        guard let b = try skipWhitespace() else { throw error(.truncated, "unexpected end of input, expected a value") }
        switch b {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"):
            pos += 1
            var fields: [(String, JSONValue)] = []
            if try skipWhitespace() == UInt8(ascii: "}") {
                pos += 1
                return .object(fields)
            }
            while true {
                let key = try parseString()
                try expect(UInt8(ascii: ":"), "':'")
                fields.append((key, try parseValue(depth: depth + 1)))
                let c = try skipWhitespace()
                pos += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "}") { return .object(fields) }
                pos -= 1
                throw unexpected(c, expecting: "',' or '}'")
            }
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSONValue] = []
            if try skipWhitespace() == UInt8(ascii: "]") {
                pos += 1
                return .array(items)
            }
            while true {
                items.append(try parseValue(depth: depth + 1))
                let c = try skipWhitespace()
                pos += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "]") { return .array(items) }
                pos -= 1
                throw unexpected(c, expecting: "',' or ']'")
            }
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let n = try parseNumber()
            return n.isInteger ? .int(n.int) : .double(n.double)
        default:
            throw unexpected(b, expecting: "a value")
        }
    }

    /// Skips any value without building it (strings are still validated).
    mutating func skipValue(depth: Int = 0) throws {
        guard depth < Self.maxDepth else { throw error(.syntax, "nesting deeper than \(Self.maxDepth)") }
        guard let b = try skipWhitespace() else { throw error(.truncated, "unexpected end of input, expected a value") }
        switch b {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"):
            pos += 1
            if try skipWhitespace() == UInt8(ascii: "}") {
                pos += 1
                return
            }
            while true {
                try skipString(requireQuote: true)
                try expect(UInt8(ascii: ":"), "':'")
                try skipValue(depth: depth + 1)
                let c = try skipWhitespace()
                pos += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "}") { return }
                pos -= 1
                throw unexpected(c, expecting: "',' or '}'")
            }
        case UInt8(ascii: "["):
            pos += 1
            if try skipWhitespace() == UInt8(ascii: "]") {
                pos += 1
                return
            }
            while true {
                try skipValue(depth: depth + 1)
                let c = try skipWhitespace()
                pos += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "]") { return }
                pos -= 1
                throw unexpected(c, expecting: "',' or ']'")
            }
        case UInt8(ascii: "t"): _ = try parseLiteral("true", .null)
        case UInt8(ascii: "f"): _ = try parseLiteral("false", .null)
        case UInt8(ascii: "n"): _ = try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw unexpected(b, expecting: "a value")
        }
    }

    private mutating func skipString(requireQuote: Bool = true) throws {
        guard try skipWhitespace() == UInt8(ascii: "\"") else { throw unexpected(try peek(), expecting: "a string") }
        pos += 1
        while true {
            // Fast scan inside the chunk for the closing quote; escapes and control bytes go the slow way.
            let start = pos
            let stop = buf.withUnsafeBufferPointer { p -> Int in
                var i = start
                while i < p.count {
                    let b = p[i]
                    if b == 0x22 || b == 0x5C || b < 0x20 { return i }
                    i += 1
                }
                return i
            }
            pos = stop
            if pos >= buf.count {
                if try !refill() { throw error(.truncated, "unterminated string") }
                continue
            }
            let b = buf[pos]
            pos += 1
            if b == 0x22 { return }
            if b == 0x5C {
                guard try peek() != nil else { throw error(.truncated, "unterminated escape") }
                pos += 1
            } else if b < 0x20 {
                pos -= 1
                throw error(.syntax, "control character in string")
            }
        }
    }

    // MARK: Events

    /// Parses the whole document, calling `onEvent` for every item of `traceEvents` (or of the
    /// top-level array). `keepArgs(cat)` decides whether an event's full `args` are kept.
    mutating func parse(keepArgs: (String?) -> Bool, onEvent: (inout RawEvent, [String]) throws -> Void) throws -> TraceHeader {
        var header = TraceHeader()
        let first = try skipWhitespace()
        switch first {
        case UInt8(ascii: "["):
            header.topLevelArray = true
            header.sawTraceEvents = true
            try parseEventArray(keepArgs: keepArgs, onEvent: onEvent)
        case UInt8(ascii: "{"):
            pos += 1
            if try skipWhitespace() == UInt8(ascii: "}") {
                pos += 1
                break
            }
            while true {
                let key = try parseString()
                try expect(UInt8(ascii: ":"), "':'")
                switch key {
                case "traceEvents":
                    if try skipWhitespace() == UInt8(ascii: "[") {
                        header.sawTraceEvents = true
                        try parseEventArray(keepArgs: keepArgs, onEvent: onEvent)
                    } else {
                        throw error(.notATrace, "traceEvents is not an array")
                    }
                case "distributedInfo": header.distributedInfo = try parseValue()
                case "otherData": header.otherData = try parseValue()
                case "displayTimeUnit":
                    if case .string(let s) = try parseValue() { header.displayTimeUnit = s }
                case "baseTimeNanoseconds":
                    switch try parseValue() {
                    case .int(let v): header.baseTimeNanoseconds = v
                    case .double(let d) where d.isFinite && abs(d) < 9e18: header.baseTimeNanoseconds = Int64(d)
                    default: break
                    }
                default: try skipValue()
                }
                let c = try skipWhitespace()
                pos += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "}") { break }
                pos -= 1
                throw unexpected(c, expecting: "',' or '}'")
            }
        case nil:
            throw error(.truncated, "empty input")
        default:
            throw error(.notATrace, "a trace must be a JSON array or an object with traceEvents")
        }
        if let extra = try skipWhitespace() {
            throw unexpected(extra, expecting: "end of input")
        }
        return header
    }

    private mutating func parseEventArray(keepArgs: (String?) -> Bool, onEvent: (inout RawEvent, [String]) throws -> Void) throws {
        try expect(UInt8(ascii: "["), "'['")
        if try skipWhitespace() == UInt8(ascii: "]") {
            pos += 1
            return
        }
        while true {
            if try skipWhitespace() == UInt8(ascii: "{") {
                try parseEvent(keepArgs: keepArgs)
                try onEvent(&event, table.strings)
            } else {
                try skipValue()  // tolerate non-object items
            }
            let c = try skipWhitespace()
            pos += 1
            if c == UInt8(ascii: ",") {
                // Tolerate a trailing comma before ']' (some writers emit one).
                if try skipWhitespace() == UInt8(ascii: "]") {
                    pos += 1
                    return
                }
                continue
            }
            if c == UInt8(ascii: "]") { return }
            pos -= 1
            throw unexpected(c, expecting: "',' or ']' between events")
        }
    }

    private mutating func parseID() throws -> TraceID {
        switch try parseValue(depth: Self.maxDepth - 32) {
        case .int(let v): return .int(v)
        case .double(let d): return .int(d.isFinite && abs(d) < 9e18 ? Int64(d) : 0)
        case .string(let s): return .string(s)
        case .bool(let b): return .int(b ? 1 : 0)
        default: return .string("")
        }
    }

    private mutating func parseEvent(keepArgs: (String?) -> Bool) throws {
        event.reset()
        pos += 1  // '{'
        if try skipWhitespace() == UInt8(ascii: "}") {
            pos += 1
            return
        }
        var other: String?
        while true {
            let key = try parseKey(.event, other: &other, wantOther: false)
            try expect(UInt8(ascii: ":"), "':'")
            let b = try skipWhitespace()
            let isNumber = b == UInt8(ascii: "-") || (b.map { $0 >= 0x30 && $0 <= 0x39 } ?? false)
            switch key {
            case 0:  // ph
                if b == UInt8(ascii: "\"") {
                    let id = try parseStringID()
                    event.ph = table.strings[Int(id)].utf8.first ?? 0
                } else { try skipValue() }
            case 1:  // name
                if b == UInt8(ascii: "\"") { event.name = try parseStringID() } else {
                    event.name = table.intern(try parseValue().serialized(pretty: false))
                }
            case 2:  // cat
                if b == UInt8(ascii: "\"") { event.cat = try parseStringID() } else { try skipValue() }
            case 3:  // ts
                if isNumber { event.ts = try parseNumber() } else { try skipValue() }
            case 4:  // dur
                if isNumber { event.dur = try parseNumber() } else { try skipValue() }
            case 5: event.pid = try parseID()
            case 6: event.tid = try parseID()
            case 7: event.id = try parseID()
            case 8:  // bp
                if b == UInt8(ascii: "\"") { event.bindingPoint = try parseString().utf8.first ?? 0 } else { try skipValue() }
            case 9:  // args
                if b == UInt8(ascii: "{") {
                    var keep = true
                    if event.cat >= 0 {
                        let i = Int(event.cat)
                        if keepCache.count <= i { keepCache.append(contentsOf: repeatElement(0, count: i + 1 - keepCache.count)) }
                        if keepCache[i] == 0 { keepCache[i] = keepArgs(table.strings[i]) ? 1 : 2 }
                        keep = keepCache[i] == 1
                    } else {
                        keep = keepArgs(nil)
                    }
                    try parseArgs(keep: keep)
                } else { try skipValue() }
            default:
                try skipValue()
            }
            let c = try skipWhitespace()
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { return }
            pos -= 1
            throw unexpected(c, expecting: "',' or '}' in an event")
        }
    }

    private mutating func parseArgs(keep: Bool) throws {
        pos += 1  // '{'
        if try skipWhitespace() == UInt8(ascii: "}") {
            pos += 1
            return
        }
        var other: String?
        while true {
            let code = try parseKey(.args, other: &other, wantOther: keep)
            try expect(UInt8(ascii: ":"), "':'")
            switch code {
            case 0, 1, 2, 3:
                let key = ["stream", "correlation", "External id", "bytes"][code]
                let v = try parseValue(depth: 2)
                switch key {
                case "stream":
                    event.hasStream = true
                    event.stream = Self.pythonInt(v) ?? -1
                case "correlation":
                    if case .int(let c) = v {
                        event.correlation = c
                        event.hasCorrelation = true
                    } else if case .double(let d) = v, d.isFinite, abs(d) < 9e18 {
                        event.correlation = Int64(d)
                        event.hasCorrelation = true
                    }
                case "External id":
                    if case .int(let e) = v { event.externalID = e }
                default:
                    if case .int(let n) = v { event.bytes = n } else if case .double(let d) = v, d.isFinite, abs(d) < 9e18 {
                        event.bytes = Int64(d)
                    }
                }
                if keep { event.args.append((key, v)) }
            default:
                if keep {
                    event.args.append((other ?? "", try parseValue(depth: 2)))
                } else {
                    try skipValue()
                }
            }
            let c = try skipWhitespace()
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { return }
            pos -= 1
            throw unexpected(c, expecting: "',' or '}' in args")
        }
    }

    /// Python's `int(x)` as HTA applies it to `args.stream`: integers as they are, floats truncated,
    /// strings holding an integer literal parsed, anything else nil (HTA's -1).
    static func pythonInt(_ v: JSONValue) -> Int64? {
        switch v {
        case .int(let i): return i
        case .double(let d): return d.isFinite && abs(d) < 9e18 ? Int64(d) : nil
        case .bool(let b): return b ? 1 : 0
        case .string(let s):
            let t = s.trimmingSpaces().replacingUnderscores()
            return Int64(t.hasPrefix("+") ? String(t.dropFirst()) : t)
        default: return nil
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
    func replacingUnderscores() -> String {
        // Python allows single underscores between digits ("1_000").
        guard contains("_") else { return self }
        if hasPrefix("_") || hasSuffix("_") || contains("__") { return "x" }
        return String(filter { $0 != "_" })
    }
}
