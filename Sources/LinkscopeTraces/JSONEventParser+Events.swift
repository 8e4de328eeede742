import LinkscopeJSON
import LinkscopeTimeline

/// The document and its events: `traceEvents` items decoded into the reused `RawEvent`.
extension JSONEventParser {
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
            guard try openContainer(closer: Self.objectEnd) else { break }
            repeat {
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
            } while try nextMember(closer: Self.objectEnd, expecting: "',' or '}'")
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

    mutating func parseEventArray(keepArgs: (String?) -> Bool, onEvent: (inout RawEvent, [String]) throws -> Void) throws {
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

    mutating func parseID() throws -> TraceID {
        switch try parseValue(depth: Self.maxDepth - 32) {
        case .int(let v): return .int(v)
        case .double(let d): return .int(d.isFinite && abs(d) < 9e18 ? Int64(d) : 0)
        case .string(let s): return .string(s)
        case .bool(let b): return .int(b ? 1 : 0)
        default: return .string("")
        }
    }

    mutating func parseEvent(keepArgs: (String?) -> Bool) throws {
        event.reset()
        guard try openContainer(closer: Self.objectEnd) else { return }
        var other: String?
        repeat {
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
                    if metadataArgsOnly && event.ph != UInt8(ascii: "M") && event.ph != UInt8(ascii: "C") && event.ph != 0 {
                        keep = false  // the typed fields (stream, correlation, …) are still read
                    } else if event.cat >= 0 {
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
        } while try nextMember(closer: Self.objectEnd, expecting: "',' or '}' in an event")
    }

    mutating func parseArgs(keep: Bool) throws {
        guard try openContainer(closer: Self.objectEnd) else { return }
        var other: String?
        repeat {
            let code = try parseKey(.args, other: &other, wantOther: keep)
            try expect(UInt8(ascii: ":"), "':'")
            switch code {
            case 0, 1, 2, 3:
                let v = try parseValue(depth: 2)
                switch code {
                case 0:  // stream
                    event.hasStream = true
                    event.stream = Self.pythonInt(v) ?? -1
                case 1:  // correlation
                    if let c = Self.wholeNumber(v) {
                        event.correlation = c
                        event.hasCorrelation = true
                    }
                case 2:  // External id
                    if case .int(let e) = v { event.externalID = e }
                default:  // bytes
                    if let n = Self.wholeNumber(v) { event.bytes = n }
                }
                if keep { event.args.append((Self.typedArgKeys[code], v)) }
            default:
                if keep {
                    event.args.append((other ?? "", try parseValue(depth: 2)))
                } else {
                    try skipValue()
                }
            }
        } while try nextMember(closer: Self.objectEnd, expecting: "',' or '}' in args")
    }

    /// The args keys `parseKey(.args, …)` reads into typed fields, by key code (0…3).
    static let typedArgKeys = ["stream", "correlation", "External id", "bytes"]

    /// An integer, or a finite float within Int64 truncated toward zero; nil for anything else.
    static func wholeNumber(_ v: JSONValue) -> Int64? {
        switch v {
        case .int(let i): return i
        case .double(let d): return d.isFinite && abs(d) < 9e18 ? Int64(d) : nil
        default: return nil
        }
    }

    /// Python's `int(x)` as HTA applies it to `args.stream`: integers as they are, floats truncated,
    /// strings holding an integer literal parsed, anything else nil (HTA's -1).
    static func pythonInt(_ v: JSONValue) -> Int64? {
        switch v {
        case .int, .double: return wholeNumber(v)
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
