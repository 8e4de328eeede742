import LinkscopeReplay
import Testing

/// The hand-written proto3 wire decoder and the `.et` framing.
struct ChakraWireTests {
    func varint(_ bytes: [UInt8]) throws -> UInt64 {
        var r = ProtoReader(bytes)
        return try r.readVarint()
    }

    @Test func varintsUpToTenBytes() throws {
        #expect(try varint([0x00]) == 0)
        #expect(try varint([0x7F]) == 127)
        #expect(try varint([0xAC, 0x02]) == 300)
        #expect(try varint([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == 0xFFFF_FFFF)
        #expect(try varint([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) == UInt64.max)
        // -1 as int64 is the 10-byte varint of its bit pattern.
        var w = ProtoWriter()
        w.varint(UInt64(bitPattern: -1))
        #expect(w.bytes.count == 10)
        #expect(Int64(bitPattern: try varint(w.bytes)) == -1)
        // Round trip of assorted values.
        for v: UInt64 in [1, 128, 16_383, 16_384, 1 << 35, 1 << 63, UInt64.max - 1] {
            var e = ProtoWriter()
            e.varint(v)
            #expect(try varint(e.bytes) == v)
        }
    }

    @Test func varintErrorsCarryOffsets() throws {
        var r = ProtoReader([0x05, 0x80, 0x80])
        _ = try r.readVarint()
        #expect(throws: ReplayError.malformedWire(position: 1, problem: "truncated varint (2 bytes before the end)")) { try r.readVarint() }
        let eleven = [UInt8](repeating: 0xFF, count: 10) + [0x01]
        #expect(throws: ReplayError.malformedWire(position: 0, problem: "varint longer than 10 bytes")) { try varint(eleven) }
    }

    @Test func tagsAndWireTypes() throws {
        var r = ProtoReader([0x08, 0x96, 0x01, 0x11, 1, 0, 0, 0, 0, 0, 0, 0, 0x1A, 0x02, 0x68, 0x69, 0x25, 2, 0, 0, 0])
        let a = try #require(try r.next())
        #expect(a.field == 1 && a.value == .varint(150))
        let b = try #require(try r.next())
        #expect(b.field == 2 && b.value == .fixed64(1))
        let c = try #require(try r.next())
        #expect(c.field == 3 && c.value == .bytes(14..<16) && r.string(14..<16) == "hi")
        let d = try #require(try r.next())
        #expect(d.field == 4 && d.value == .fixed32(2))
        #expect(try r.next() == nil)
        var bad = ProtoReader([0x0E])  // wire type 6
        #expect(throws: ReplayError.self) { try bad.next() }
        var zero = ProtoReader([0x00, 0x00])  // field 0
        #expect(throws: ReplayError.malformedWire(position: 0, problem: "invalid field number 0")) { try zero.next() }
        #expect(ProtoReader.zigZag(1) == -1 && ProtoReader.zigZag(4) == 2 && ProtoReader.zigZag(UInt64.max) == Int64.min)
    }

    @Test func packedAndUnpackedDependencies() throws {
        let packed = ChakraFixture.node(id: 9, name: "n", type: 4, dataDeps: [1, 300, 1 << 40], ctrlDeps: [7], packed: true)
        let unpacked = ChakraFixture.node(id: 9, name: "n", type: 4, dataDeps: [1, 300, 1 << 40], ctrlDeps: [7], packed: false)
        #expect(packed.bytes != unpacked.bytes)
        for w in [packed, unpacked] {
            let n = try ChakraProtobuf.decodeNode(ProtoReader(w.bytes), offset: 0)
            #expect(n.id == 9 && n.type == .comp && n.name == "n")
            #expect(n.dataDeps == [1, 300, 1 << 40] && n.ctrlDeps == [7])
        }
        // Mixed: a packed run followed by an unpacked element appends.
        var mixed = ProtoWriter()
        mixed.packed(5, [1, 2])
        mixed.uint(5, 3)
        #expect(try ChakraProtobuf.decodeNode(ProtoReader(mixed.bytes), offset: 0).dataDeps == [1, 2, 3])
    }

    @Test func unknownFieldsAreSkipped() throws {
        var w = ProtoWriter()
        w.uint(1, 42)
        w.uint(99, 7)  // varint
        w.double(100, 2.5)  // fixed64
        w.string(101, "future")  // length-delimited
        w.float(102, 1)  // fixed32
        w.tag(103, .startGroup)  // a group with a nested field
        w.uint(1, 5)
        w.tag(103, .endGroup)
        w.string(2, "kept")
        w.uint(3, 7)
        w.string(1, "wrong wire type for id")  // known field, unexpected wire type: skipped
        let n = try ChakraProtobuf.decodeNode(ProtoReader(w.bytes), offset: 0)
        #expect(n.id == 42 && n.name == "kept" && n.type == .commColl)
    }

    @Test func attributesOfEveryKind() throws {
        func decode(_ build: (inout ProtoWriter) -> Void) throws -> ChakraAttributeValue? {
            var a = ProtoWriter()
            a.string(1, "x")
            build(&a)
            return try ChakraProtobuf.decodeAttribute(ProtoReader(a.bytes)).value
        }
        #expect(try decode { $0.int(9, -5) } == .int(-5))
        #expect(try decode { $0.int(7, -5) } == .int(-5))
        #expect(try decode { $0.uint(13, 1 << 62) } == .uint(1 << 62))
        #expect(try decode { $0.sint(17, -3) } == .int(-3))
        #expect(try decode { $0.double(3, 0.25) } == .double(0.25))
        #expect(try decode { $0.float(5, 0.5) } == .double(0.5))
        #expect(try decode { $0.bool(27, true) } == .bool(true))
        #expect(try decode { $0.string(29, "pg") } == .string("pg"))
        #expect(try decode { $0.tag(19, .fixed32); $0.fixed32(9) } == .uint(9))
        #expect(try decode { $0.tag(25, .fixed64); $0.fixed64(UInt64(bitPattern: -2)) } == .int(-2))
        var list = ProtoWriter()
        list.packed(1, [UInt64(bitPattern: -1), 2])
        #expect(try decode { $0.message(10, list) } == .intList([-1, 2]))
        var unpackedList = ProtoWriter()
        unpackedList.uint(1, 4)
        unpackedList.uint(1, 5)
        #expect(try decode { $0.message(14, unpackedList) } == .uintList([4, 5]))
        var strings = ProtoWriter()
        strings.string(1, "a")
        strings.string(1, "b")
        #expect(try decode { $0.message(30, strings) } == .stringList(["a", "b"]))
        var bytesList = ProtoWriter()
        bytesList.bytes(1, [1, 2])
        #expect(try decode { $0.message(32, bytesList) } == .bytesList([[1, 2]]))
        // The library encoder round-trips what it writes.
        for v: ChakraAttributeValue in [.int(-7), .uint(7), .double(1.5), .bool(false), .string("s"), .intList([3, -3]),
                                        .uintList([9]), .doubleList([0.5, 2]), .boolList([true, false]), .stringList(["p"]),
                                        .bytesList([[0, 255]])] {
            let w = ChakraProtobuf.encode(ChakraAttribute(name: "k", value: v))
            #expect(try ChakraProtobuf.decodeAttribute(ProtoReader(w.bytes)) == ChakraAttribute(name: "k", value: v))
        }
    }

    @Test func handEncodedFileDecodes() throws {
        let g = try ChakraReader.decode(ChakraFixture.allReduceET(rank: 1), file: "dir/chakra.1.et")
        #expect(g.rank == 1 && g.format == .protobuf && g.version == "0.0.4")
        #expect(g.metadata.map(\.name) == ["schema", "pid"])
        #expect(g.nodes.map(\.id) == [1, 2, 3])
        #expect(g.nodes.map(\.type) == [.comp, .commColl, .comp])
        #expect(g.nodes[0].durationMicros == 300 && !g.nodes[0].isCPUOp)
        let ar = g.nodes[1]
        #expect(ar.commType == .allReduce && ar.commSize == 64 << 20 && ar.pgName == "0" && ar.dataDeps == [1])
        #expect(g.nodes[2].ctrlDeps == [2])
        // The library encoder writes the same graph back to bytes that decode equal.
        let again = try ChakraReader.decode(ChakraProtobuf.encodeFile(g), file: "x.et", rank: 1)
        #expect(again.nodes.map { ChakraNode(id: $0.id, name: $0.name, type: $0.type, ctrlDeps: $0.ctrlDeps, dataDeps: $0.dataDeps,
                                             durationMicros: $0.durationMicros, attributes: $0.attributes) }
                == g.nodes.map { ChakraNode(id: $0.id, name: $0.name, type: $0.type, ctrlDeps: $0.ctrlDeps, dataDeps: $0.dataDeps,
                                            durationMicros: $0.durationMicros, attributes: $0.attributes) })
    }

    @Test func truncatedFramesAreRejectedWithTheirOffset() throws {
        let bytes = ChakraFixture.allReduceET(rank: 0)
        // Frame starts: walk the varint lengths.
        var starts: [Int] = []
        var i = 0
        while i < bytes.count {
            starts.append(i)
            var r = ProtoReader(bytes, range: i..<bytes.count)
            let n = try r.readVarint()
            i = r.position + Int(n)
        }
        #expect(starts.count == 4)
        let last = try #require(starts.last)
        do {
            _ = try ChakraReader.decode(Array(bytes.dropLast()), file: "chakra.0.et")
            Issue.record("a truncated file decoded")
        } catch {
            #expect(error.position == last && error.file == "chakra.0.et")
            #expect(error.message.hasPrefix("truncated frame"))
        }
        // A frame whose length prefix itself is cut.
        var w = ProtoWriter()
        w.varint(300)
        let cut = bytes + [w.bytes[0]]
        #expect(throws: ReplayError.malformedChakra(file: "a.et", position: bytes.count, problem: "truncated frame: truncated varint (1 byte before the end)")) {
            try ChakraReader.decode(cut, file: "a.et")
        }
        // A malformed field inside a node reports the field's offset and the frame.
        var bad = ProtoWriter()
        bad.uint(1, 5)
        bad.tag(2, .lengthDelimited)
        bad.varint(50)  // runs past the node
        let file = ChakraFixture.metadata().framed + bad.framed
        do {
            _ = try ChakraReader.decode(file, file: "b.et")
            Issue.record("a malformed node decoded")
        } catch {
            let frame = ChakraFixture.metadata().framed.count
            #expect(error.position == frame + 4, "the length of field 2, after the frame length, field 1 and the tag")
            #expect(error.message.contains("node #0") && error.message.contains("frame at byte \(frame)"))
        }
        #expect(throws: ReplayError.self) { try ChakraReader.decode([], file: "empty.et") }
    }

    @Test func rankFromFileName() {
        #expect(ChakraReader.rank(fromFileName: "traces/chakra.3.et") == 3)
        #expect(ChakraReader.rank(fromFileName: "rank12.json") == 12)
        #expect(ChakraReader.rank(fromFileName: "a100_run7/et_5.json") == 5)
        #expect(ChakraReader.rank(fromFileName: "model.et") == nil)
    }
}
