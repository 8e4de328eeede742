/// Decoding and encoding of the Chakra protobuf messages (`et_def.proto`, package `ChakraProtoMsg`) with the
/// hand-written wire decoder, and the `.et` framing.
///
/// Field numbers: `GlobalMetadata { version = 1; attr = 2 }`; `Node { id 1, name 2, type 3, ctrl_deps 4,
/// data_deps 5, start_time_micros 6, duration_micros 7, inputs 8, outputs 9, attr 10 }`; `IOInfo { values 1,
/// shapes 2, types 3 }`; `AttributeProto { name 1, doc_string 2, oneof value: double_val 3, double_list 4,
/// float_val 5, float_list 6, int32_val 7, int32_list 8, int64_val 9, int64_list 10, uint32_val 11,
/// uint32_list 12, uint64_val 13, uint64_list 14, sint32_val 15, sint32_list 16, sint64_val 17, sint64_list 18,
/// fixed32_val 19, fixed32_list 20, fixed64_val 21, fixed64_list 22, sfixed32_val 23, sfixed32_list 24,
/// sfixed64_val 25, sfixed64_list 26, bool_val 27, bool_list 28, string_val 29, string_list 30, bytes_val 31,
/// bytes_list 32 }`; every `XxxList { repeated xxx values = 1; }`.
public enum ChakraProtobuf {
    /// Reads a whole `.et` file: the first frame is `GlobalMetadata`, every following one a `Node`.
    /// - Throws: `ReplayError` with the byte offset of the first bad frame or field.
    public static func decodeFile(_ bytes: [UInt8], file: String, rank: Int? = nil) throws(ReplayError) -> ChakraGraph {
        guard !bytes.isEmpty else { throw ReplayError.malformedChakra(file: file, position: 0, problem: "empty file: no GlobalMetadata message") }
        var outer = ProtoReader(bytes)
        var version = ""
        var metadata: [ChakraAttribute] = []
        var nodes: [ChakraNode] = []
        var first = true
        while !outer.isAtEnd {
            let frameStart = outer.position
            let range: Range<Int>
            do { range = try outer.readLengthDelimited() } catch {
                throw ReplayError.malformedChakra(file: file, position: frameStart, problem: "truncated frame: \(error.message)")
            }
            do {
                if first {
                    (version, metadata) = try decodeMetadata(outer.reader(for: range))
                    first = false
                } else {
                    nodes.append(try decodeNode(outer.reader(for: range), offset: frameStart))
                }
            } catch {
                throw ReplayError.malformedChakra(file: file, position: error.position ?? 0,
                                  problem: "\(first ? "GlobalMetadata" : "node #\(nodes.count)") (frame at byte \(frameStart)): \(error.message)")
            }
        }
        let r = rank ?? metadataRank(metadata) ?? ChakraReader.rank(fromFileName: file) ?? 0
        return ChakraGraph(file: file, rank: r, format: .protobuf, version: version, metadata: metadata, nodes: nodes)
    }

    /// A `rank` attribute of the metadata, when a producer wrote one (the PyTorch converter does not).
    static func metadataRank(_ attrs: [ChakraAttribute]) -> Int? {
        for a in attrs where a.name == "rank" {
            if let v = a.value?.int64, v >= 0, v < 1 << 24 { return Int(v) }
        }
        return nil
    }

    /// A `GlobalMetadata` message: schema version and attributes.
    public static func decodeMetadata(_ reader: ProtoReader) throws(ReplayError) -> (version: String, attributes: [ChakraAttribute]) {
        var r = reader
        var version = ""
        var attrs: [ChakraAttribute] = []
        while let f = try r.next() {
            switch (f.field, f.value) {
            case (1, .bytes(let b)): version = r.string(b)
            case (2, .bytes(let b)): attrs.append(try decodeAttribute(r.reader(for: b)))
            default: break  // unknown field or unexpected wire type: skipped
            }
        }
        return (version, attrs)
    }

    /// A `Node` message; `offset` is its frame's byte offset in the file.
    public static func decodeNode(_ reader: ProtoReader, offset: Int) throws(ReplayError) -> ChakraNode {
        var r = reader
        var node = ChakraNode(id: 0, type: .invalid, offset: offset)
        while let f = try r.next() {
            switch (f.field, f.value) {
            case (1, .varint(let v)): node.id = v
            case (2, .bytes(let b)): node.name = r.string(b)
            case (3, .varint(let v)): node.type = ChakraNodeType(rawValue: Int(truncatingIfNeeded: v)) ?? .invalid
            case (4, .varint(let v)): node.ctrlDeps.append(v)
            case (4, .bytes(let b)): node.ctrlDeps += try r.packedVarints(b)
            case (5, .varint(let v)): node.dataDeps.append(v)
            case (5, .bytes(let b)): node.dataDeps += try r.packedVarints(b)
            case (6, .varint(let v)): node.startMicros = v
            case (7, .varint(let v)): node.durationMicros = v
            case (8, .bytes(let b)): node.inputs = try decodeIOInfo(r.reader(for: b))
            case (9, .bytes(let b)): node.outputs = try decodeIOInfo(r.reader(for: b))
            case (10, .bytes(let b)): node.attributes.append(try decodeAttribute(r.reader(for: b)))
            default: break
            }
        }
        return node
    }

    static func decodeIOInfo(_ reader: ProtoReader) throws(ReplayError) -> ChakraIOInfo {
        var r = reader
        var io = ChakraIOInfo()
        while let f = try r.next() {
            switch (f.field, f.value) {
            case (1, .bytes(let b)): io.values = r.string(b)
            case (2, .bytes(let b)): io.shapes = r.string(b)
            case (3, .bytes(let b)): io.types = r.string(b)
            default: break
            }
        }
        return io
    }

    /// An `AttributeProto` message.
    public static func decodeAttribute(_ reader: ProtoReader) throws(ReplayError) -> ChakraAttribute {
        var r = reader
        var attr = ChakraAttribute(name: "", value: nil)
        while let f = try r.next() {
            switch (f.field, f.value) {
            case (1, .bytes(let b)): attr.name = r.string(b)
            case (2, .bytes): break  // doc_string
            case (3, .fixed64(let v)): attr.value = .double(Double(bitPattern: v))
            case (5, .fixed32(let v)): attr.value = .double(Double(Float(bitPattern: v)))
            case (7, .varint(let v)): attr.value = .int(Int64(Int32(truncatingIfNeeded: v)))
            case (9, .varint(let v)): attr.value = .int(Int64(bitPattern: v))
            case (11, .varint(let v)): attr.value = .uint(UInt64(UInt32(truncatingIfNeeded: v)))
            case (13, .varint(let v)): attr.value = .uint(v)
            case (15, .varint(let v)): attr.value = .int(Int64(Int32(truncatingIfNeeded: ProtoReader.zigZag(v))))
            case (17, .varint(let v)): attr.value = .int(ProtoReader.zigZag(v))
            case (19, .fixed32(let v)): attr.value = .uint(UInt64(v))
            case (21, .fixed64(let v)): attr.value = .uint(v)
            case (23, .fixed32(let v)): attr.value = .int(Int64(Int32(bitPattern: v)))
            case (25, .fixed64(let v)): attr.value = .int(Int64(bitPattern: v))
            case (27, .varint(let v)): attr.value = .bool(v != 0)
            case (29, .bytes(let b)): attr.value = .string(r.string(b))
            case (31, .bytes(let b)): attr.value = .bytes(Array(r.bytes[b]))
            case (4, .bytes(let b)), (6, .bytes(let b)), (8, .bytes(let b)), (10, .bytes(let b)), (12, .bytes(let b)),
                 (14, .bytes(let b)), (16, .bytes(let b)), (18, .bytes(let b)), (20, .bytes(let b)), (22, .bytes(let b)),
                 (24, .bytes(let b)), (26, .bytes(let b)), (28, .bytes(let b)), (30, .bytes(let b)), (32, .bytes(let b)):
                attr.value = try decodeList(kind: f.field, r.reader(for: b))
            default: break
            }
        }
        return attr
    }

    /// An `XxxList { repeated xxx values = 1; }` of oneof field `kind`, packed or not.
    static func decodeList(kind: Int, _ reader: ProtoReader) throws(ReplayError) -> ChakraAttributeValue {
        var r = reader
        var ints: [Int64] = []
        var uints: [UInt64] = []
        var doubles: [Double] = []
        var bools: [Bool] = []
        var strings: [String] = []
        var blobs: [[UInt8]] = []
        func varint(_ v: UInt64) {
            switch kind {
            case 8: ints.append(Int64(Int32(truncatingIfNeeded: v)))
            case 10: ints.append(Int64(bitPattern: v))
            case 12: uints.append(UInt64(UInt32(truncatingIfNeeded: v)))
            case 14: uints.append(v)
            case 16: ints.append(Int64(Int32(truncatingIfNeeded: ProtoReader.zigZag(v))))
            case 18: ints.append(ProtoReader.zigZag(v))
            case 28: bools.append(v != 0)
            default: break
            }
        }
        func fixed64(_ v: UInt64) {
            switch kind {
            case 4: doubles.append(Double(bitPattern: v))
            case 22: uints.append(v)
            case 26: ints.append(Int64(bitPattern: v))
            default: break
            }
        }
        func fixed32(_ v: UInt32) {
            switch kind {
            case 6: doubles.append(Double(Float(bitPattern: v)))
            case 20: uints.append(UInt64(v))
            case 24: ints.append(Int64(Int32(bitPattern: v)))
            default: break
            }
        }
        let varintKinds: Set<Int> = [8, 10, 12, 14, 16, 18, 28]
        let fixed64Kinds: Set<Int> = [4, 22, 26]
        let fixed32Kinds: Set<Int> = [6, 20, 24]
        while let f = try r.next() {
            guard f.field == 1 else { continue }
            switch f.value {
            case .varint(let v): varint(v)
            case .fixed64(let v): fixed64(v)
            case .fixed32(let v): fixed32(v)
            case .bytes(let b):
                if kind == 30 {
                    strings.append(r.string(b))
                } else if kind == 32 {
                    blobs.append(Array(r.bytes[b]))
                } else if varintKinds.contains(kind) {
                    for v in try r.packedVarints(b) { varint(v) }
                } else if fixed64Kinds.contains(kind) {
                    for v in try r.packedFixed64(b) { fixed64(v) }
                } else if fixed32Kinds.contains(kind) {
                    for v in try r.packedFixed32(b) { fixed32(v) }
                }
            }
        }
        switch kind {
        case 4, 6: return .doubleList(doubles)
        case 8, 10, 16, 18, 24, 26: return .intList(ints)
        case 12, 14, 20, 22: return .uintList(uints)
        case 28: return .boolList(bools)
        case 30: return .stringList(strings)
        default: return .bytesList(blobs)
        }
    }

    // MARK: Encoding (fixtures, conversions)

    /// An attribute as an `AttributeProto` message.
    public static func encode(_ a: ChakraAttribute) -> ProtoWriter {
        var w = ProtoWriter()
        w.string(1, a.name)
        switch a.value {
        case .int(let v)?: w.int(9, v)
        case .uint(let v)?: w.uint(13, v)
        case .double(let v)?: w.double(3, v)
        case .bool(let v)?: w.bool(27, v)
        case .string(let v)?: w.string(29, v)
        case .bytes(let v)?: w.bytes(31, v)
        case .intList(let v)?:
            var l = ProtoWriter()
            l.packed(1, v.map { UInt64(bitPattern: $0) })
            w.message(10, l)
        case .uintList(let v)?:
            var l = ProtoWriter()
            l.packed(1, v)
            w.message(14, l)
        case .doubleList(let v)?:
            var l = ProtoWriter()
            var inner = ProtoWriter()
            for d in v { inner.fixed64(d.bitPattern) }
            l.bytes(1, inner.bytes)
            w.message(4, l)
        case .boolList(let v)?:
            var l = ProtoWriter()
            l.packed(1, v.map { $0 ? 1 : 0 })
            w.message(28, l)
        case .stringList(let v)?:
            var l = ProtoWriter()
            for s in v { l.string(1, s) }
            w.message(30, l)
        case .bytesList(let v)?:
            var l = ProtoWriter()
            for b in v { l.bytes(1, b) }
            w.message(32, l)
        case nil: break
        }
        return w
    }

    /// A node as a `Node` message.
    public static func encode(_ n: ChakraNode) -> ProtoWriter {
        var w = ProtoWriter()
        w.uint(1, n.id)
        if !n.name.isEmpty { w.string(2, n.name) }
        if n.type != .invalid { w.uint(3, UInt64(n.type.rawValue)) }
        if !n.ctrlDeps.isEmpty { w.packed(4, n.ctrlDeps) }
        if !n.dataDeps.isEmpty { w.packed(5, n.dataDeps) }
        if n.startMicros != 0 { w.uint(6, n.startMicros) }
        if n.durationMicros != 0 { w.uint(7, n.durationMicros) }
        for (field, io) in [(8, n.inputs), (9, n.outputs)] {
            guard let io else { continue }
            var m = ProtoWriter()
            m.string(1, io.values)
            m.string(2, io.shapes)
            m.string(3, io.types)
            w.message(field, m)
        }
        for a in n.attributes { w.message(10, encode(a)) }
        return w
    }

    /// A whole `.et` file for a graph: framed metadata, then framed nodes.
    public static func encodeFile(_ g: ChakraGraph) -> [UInt8] {
        var meta = ProtoWriter()
        meta.string(1, g.version)
        for a in g.metadata { meta.message(2, encode(a)) }
        var out = meta.framed
        for n in g.nodes { out += encode(n).framed }
        return out
    }
}
