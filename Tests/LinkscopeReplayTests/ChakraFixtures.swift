import Foundation
import LinkscopeReplay

/// Hand-encoded Chakra fixtures. The `.et` bytes are written field by field with `ProtoWriter` following
/// `et_def.proto`'s field numbers (not with `ChakraProtobuf.encode`), so the decoder is checked against an
/// independent encoding.
enum ChakraFixture {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The 2-rank workload: COMP "fwd" (100 µs on rank 0, 300 µs on rank 1) → ALL_REDUCE of `bytes` on pg "0"
    /// → COMP "bwd" 50 µs.
    static let allReduceBytes: Int64 = 64 << 20
    static func fwdMicros(rank: Int) -> UInt64 { rank == 0 ? 100 : 300 }

    static func attr(_ name: String, int64 v: Int64) -> ProtoWriter {
        var a = ProtoWriter()
        a.string(1, name)
        a.int(9, v)
        return a
    }
    static func attr(_ name: String, string v: String) -> ProtoWriter {
        var a = ProtoWriter()
        a.string(1, name)
        a.string(29, v)
        return a
    }
    static func attr(_ name: String, bool v: Bool) -> ProtoWriter {
        var a = ProtoWriter()
        a.string(1, name)
        a.bool(27, v)
        return a
    }

    static func metadata() -> ProtoWriter {
        var m = ProtoWriter()
        m.string(1, "0.0.4")
        m.message(2, attr("schema", string: "1.0.2-chakra.0.0.4"))
        m.message(2, attr("pid", int64: 4242))
        return m
    }

    /// Node fields: id 1, name 2, type 3, ctrl_deps 4, data_deps 5, start 6, duration 7, attr 10.
    static func node(id: UInt64, name: String, type: Int, dataDeps: [UInt64] = [], ctrlDeps: [UInt64] = [],
                     packed: Bool = true, duration: UInt64 = 0, attrs: [ProtoWriter] = []) -> ProtoWriter {
        var n = ProtoWriter()
        n.uint(1, id)
        n.string(2, name)
        n.uint(3, UInt64(type))
        for (field, deps) in [(4, ctrlDeps), (5, dataDeps)] where !deps.isEmpty {
            if packed { n.packed(field, deps) } else { for d in deps { n.uint(field, d) } }
        }
        if duration > 0 { n.uint(7, duration) }
        for a in attrs { n.message(10, a) }
        return n
    }

    /// `chakra.<rank>.et` of the 2-rank all-reduce workload.
    static func allReduceET(rank: Int) -> [UInt8] {
        var out = metadata().framed
        out += node(id: 1, name: "fwd", type: 4, duration: fwdMicros(rank: rank), attrs: [attr("is_cpu_op", bool: false)]).framed
        out += node(id: 2, name: "nccl:all_reduce", type: 7, dataDeps: [1], packed: rank == 0,
                    attrs: [attr("comm_type", int64: 0), attr("comm_size", int64: allReduceBytes), attr("pg_name", string: "0")]).framed
        out += node(id: 3, name: "bwd", type: 4, ctrlDeps: [2], duration: 50).framed
        return out
    }

    /// The same workload as `chakra_jsonizer` writes it (MessageToJson: camelCase, 64-bit ints as strings).
    static func allReduceJsonizer(rank: Int) -> String {
        """
        {
          "version": "0.0.4",
          "attr": [
            {
              "name": "schema",
              "stringVal": "1.0.2-chakra.0.0.4"
            },
            {
              "name": "pid",
              "int64Val": "4242"
            }
          ]
        }{
          "id": "1",
          "name": "fwd",
          "type": "COMP_NODE",
          "durationMicros": "\(fwdMicros(rank: rank))",
          "attr": [
            {
              "name": "is_cpu_op",
              "boolVal": false
            }
          ]
        }{
          "id": "2",
          "name": "nccl:all_reduce",
          "type": "COMM_COLL_NODE",
          "dataDeps": [
            "1"
          ],
          "attr": [
            {
              "name": "comm_type",
              "int64Val": "0"
            },
            {
              "name": "comm_size",
              "int64Val": "\(allReduceBytes)"
            },
            {
              "name": "pg_name",
              "stringVal": "0"
            }
          ]
        }{
          "id": "3",
          "name": "bwd",
          "type": "COMP_NODE",
          "ctrlDeps": [
            "2"
          ],
          "durationMicros": "50"
        }
        """
    }

    /// The same workload as Chakra's C++ feeder JSON.
    static func allReduceFeeder(rank: Int) -> String {
        """
        {"workload_graph": [
          {"Id": 1, "Name": "fwd", "NodeType": 4, "ctrl_deps": [], "data_deps": [], "runtime": \(fwdMicros(rank: rank)), "is_cpu_op": false},
          {"Id": 2, "Name": "nccl:all_reduce", "NodeType": 7, "data_deps": [1], "runtime": 0, "is_cpu_op": false,
           "comm_type": 0, "comm_size": \(allReduceBytes), "pg_name": "0"},
          {"Id": 3, "Name": "bwd", "NodeType": 4, "ctrl_deps": [2], "data_deps": [], "runtime": 50, "is_cpu_op": false}
        ], "workload_name": "toy", "ngpus": 2}
        """
    }

    /// Graphs decoded from in-memory bytes.
    static func graphs(_ make: (Int) -> [UInt8], name: (Int) -> String, ranks: [Int] = [0, 1]) throws -> [ChakraGraph] {
        try ranks.map { try ChakraReader.decode(make($0), file: name($0)) }
    }
}
