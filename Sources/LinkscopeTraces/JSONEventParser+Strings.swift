import LinkscopeTimeline

/// Strings and object keys: fast in-chunk scans, escapes and interning.
extension JSONEventParser {
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
    mutating func parseKey(_ set: KeySet, other: inout String?, wantOther: Bool) throws -> Int {
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

    mutating func parseStringSlow() throws -> String {
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

    mutating func parseHex4() throws -> UInt32 {
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


    mutating func skipString(requireQuote: Bool = true) throws {
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
}
