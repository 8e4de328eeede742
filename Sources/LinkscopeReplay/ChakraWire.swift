/// Protobuf wire types (proto3 uses 0, 1, 2 and 5; 3 and 4 are the deprecated groups).
public enum ProtoWireType: UInt8, Sendable {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
}

/// The payload of one field, before it is given a type: a varint, 8 or 4 raw little-endian bytes, or the byte
/// range of a length-delimited value (string, bytes, sub-message, packed repeated scalars) in the buffer.
public enum ProtoFieldValue: Sendable, Equatable {
    case varint(UInt64)
    case fixed64(UInt64)
    case fixed32(UInt32)
    case bytes(Range<Int>)
}

/// A hand-written proto3 wire decoder over a byte buffer (docs/trace-analysis.md §4.3): LEB128 varints of up to 10 bytes,
/// tags, wire types 0/1/2/5, packed and unpacked repeated scalars, unknown fields skipped by wire type
/// (groups included). Every offset it reports is an index into `bytes`, so sub-message readers report offsets
/// of the whole file. Never traps on malformed input.
public struct ProtoReader: Sendable {
    /// The whole buffer (offsets index it).
    public let bytes: [UInt8]
    /// The next byte to read.
    public private(set) var position: Int
    /// One past the last byte of this (sub-)message.
    public let end: Int

    /// A reader of `bytes[range]` (the whole buffer by default); `range` is clamped to the buffer.
    public init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        let r = range ?? 0..<bytes.count
        let lo = min(max(0, r.lowerBound), bytes.count)
        position = lo
        end = min(max(lo, r.upperBound), bytes.count)
    }

    /// True when the (sub-)message is consumed.
    public var isAtEnd: Bool { position >= end }

    /// A reader of a sub-range (a length-delimited value read from this reader).
    public func reader(for range: Range<Int>) -> ProtoReader { ProtoReader(bytes, range: range) }

    /// Reads a LEB128 varint of at most 10 bytes. Bits beyond 64 in the 10th byte are dropped, as protobuf does.
    public mutating func readVarint() throws(ReplayError) -> UInt64 {
        let start = position
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for i in 0..<10 {
            guard position < end else {
                throw ReplayError.malformedWire(position: start, problem: "truncated varint (\(i) byte\(i == 1 ? "" : "s") before the end)")
            }
            let b = bytes[position]
            position += 1
            value |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
        }
        throw ReplayError.malformedWire(position: start, problem: "varint longer than 10 bytes")
    }

    /// Reads a field key; field numbers must be in 1...2^29-1.
    public mutating func readTag() throws(ReplayError) -> (field: Int, wire: ProtoWireType) {
        let start = position
        let key = try readVarint()
        let field = key >> 3
        guard field >= 1, field <= 0x1FFF_FFFF else {
            throw ReplayError.malformedWire(position: start, problem: "invalid field number \(field)")
        }
        guard let wire = ProtoWireType(rawValue: UInt8(key & 7)) else {
            throw ReplayError.malformedWire(position: start, problem: "invalid wire type \(key & 7) for field \(field)")
        }
        return (Int(field), wire)
    }

    /// Eight little-endian bytes.
    public mutating func readFixed64() throws(ReplayError) -> UInt64 {
        guard end - position >= 8 else {
            throw ReplayError.malformedWire(position: position, problem: "truncated fixed64 (\(end - position) of 8 bytes)")
        }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return v
    }

    /// Four little-endian bytes.
    public mutating func readFixed32() throws(ReplayError) -> UInt32 {
        guard end - position >= 4 else {
            throw ReplayError.malformedWire(position: position, problem: "truncated fixed32 (\(end - position) of 4 bytes)")
        }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return v
    }

    /// Reads a length prefix and returns the range of the value, which must fit before `end`.
    public mutating func readLengthDelimited() throws(ReplayError) -> Range<Int> {
        let start = position
        let n = try readVarint()
        let left = end - position
        guard n <= UInt64(left) else {
            throw ReplayError.malformedWire(position: start, problem: "length \(n) runs past the end (\(left) bytes left)")
        }
        let r = position..<(position + Int(n))
        position = r.upperBound
        return r
    }

    /// Reads the value of a field of wire type `wire`. Groups are skipped and returned as their byte range.
    public mutating func readValue(_ wire: ProtoWireType, field: Int) throws(ReplayError) -> ProtoFieldValue {
        switch wire {
        case .varint: return .varint(try readVarint())
        case .fixed64: return .fixed64(try readFixed64())
        case .fixed32: return .fixed32(try readFixed32())
        case .lengthDelimited: return .bytes(try readLengthDelimited())
        case .startGroup:
            let start = position
            try skipGroup(field: field, depth: 0)
            return .bytes(start..<position)
        case .endGroup:
            throw ReplayError.malformedWire(position: position, problem: "unexpected end-group for field \(field)")
        }
    }

    /// Reads the next field: its number, wire type and value. nil at the end.
    public mutating func next() throws(ReplayError) -> (field: Int, wire: ProtoWireType, value: ProtoFieldValue, offset: Int)? {
        guard !isAtEnd else { return nil }
        let offset = position
        let (field, wire) = try readTag()
        let value = try readValue(wire, field: field)
        return (field, wire, value, offset)
    }

    private mutating func skipGroup(field: Int, depth: Int) throws(ReplayError) {
        guard depth < 64 else { throw ReplayError.malformedWire(position: position, problem: "groups nested too deeply") }
        while true {
            guard !isAtEnd else { throw ReplayError.malformedWire(position: position, problem: "unterminated group for field \(field)") }
            let (f, w) = try readTag()
            switch w {
            case .endGroup:
                guard f == field else {
                    throw ReplayError.malformedWire(position: position, problem: "end-group for field \(f) inside group \(field)")
                }
                return
            case .startGroup: try skipGroup(field: f, depth: depth + 1)
            default: _ = try readValue(w, field: f)
            }
        }
    }

    // MARK: Typed views of a value

    /// The UTF-8 text of a length-delimited value (invalid sequences become U+FFFD).
    public func string(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }

    /// The varints of a packed repeated field.
    public func packedVarints(_ r: Range<Int>) throws(ReplayError) -> [UInt64] {
        var sub = reader(for: r)
        var out: [UInt64] = []
        while !sub.isAtEnd { out.append(try sub.readVarint()) }
        return out
    }

    /// Packed repeated fixed64 values in `r`.
    public func packedFixed64(_ r: Range<Int>) throws(ReplayError) -> [UInt64] {
        guard r.count % 8 == 0 else {
            throw ReplayError.malformedWire(position: r.lowerBound, problem: "packed fixed64 of \(r.count) bytes is not a multiple of 8")
        }
        var sub = reader(for: r)
        var out: [UInt64] = []
        while !sub.isAtEnd { out.append(try sub.readFixed64()) }
        return out
    }

    /// Packed repeated fixed32 values in `r`.
    public func packedFixed32(_ r: Range<Int>) throws(ReplayError) -> [UInt32] {
        guard r.count % 4 == 0 else {
            throw ReplayError.malformedWire(position: r.lowerBound, problem: "packed fixed32 of \(r.count) bytes is not a multiple of 4")
        }
        var sub = reader(for: r)
        var out: [UInt32] = []
        while !sub.isAtEnd { out.append(try sub.readFixed32()) }
        return out
    }

    /// ZigZag decoding (sint32/sint64).
    public static func zigZag(_ v: UInt64) -> Int64 { Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))) }
}

/// A minimal protobuf writer: enough to build `.et` fixtures and round-trip tests.
public struct ProtoWriter: Sendable {
    /// The message so far.
    public private(set) var bytes: [UInt8] = []
    /// An empty message.
    public init() {}

    /// A LEB128 varint.
    public mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
    /// A field tag.
    public mutating func tag(_ field: Int, _ wire: ProtoWireType) { varint(UInt64(field) << 3 | UInt64(wire.rawValue)) }
    /// An unsigned varint field.
    public mutating func uint(_ field: Int, _ v: UInt64) { tag(field, .varint); varint(v) }
    /// A signed (two's complement) varint field.
    public mutating func int(_ field: Int, _ v: Int64) { tag(field, .varint); varint(UInt64(bitPattern: v)) }
    /// A zig-zag varint field.
    public mutating func sint(_ field: Int, _ v: Int64) {
        tag(field, .varint)
        varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }
    /// A bool field.
    public mutating func bool(_ field: Int, _ v: Bool) { uint(field, v ? 1 : 0) }
    /// A double field (fixed64).
    public mutating func double(_ field: Int, _ v: Double) { tag(field, .fixed64); fixed64(v.bitPattern) }
    /// A float field (fixed32).
    public mutating func float(_ field: Int, _ v: Float) { tag(field, .fixed32); fixed32(v.bitPattern) }
    /// Eight raw little-endian bytes.
    public mutating func fixed64(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    /// Four raw little-endian bytes.
    public mutating func fixed32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    /// A length-delimited bytes field.
    public mutating func bytes(_ field: Int, _ v: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }
    /// A string field (UTF-8).
    public mutating func string(_ field: Int, _ v: String) { bytes(field, Array(v.utf8)) }
    /// A sub-message field.
    public mutating func message(_ field: Int, _ m: ProtoWriter) { bytes(field, m.bytes) }
    /// A packed repeated varint field.
    public mutating func packed(_ field: Int, _ values: [UInt64]) {
        var inner = ProtoWriter()
        for v in values { inner.varint(v) }
        bytes(field, inner.bytes)
    }
    /// The message prefixed by its length as a varint (the `.et` framing).
    public var framed: [UInt8] {
        var w = ProtoWriter()
        w.varint(UInt64(bytes.count))
        return w.bytes + bytes
    }
}
