import LinkscopeCostModel
import LinkscopeSim

/// A simulated training workload as Chakra execution traces (one graph per rank), so that ASTRA-sim and
/// other Chakra consumers can take a linkscope workload as it is (`simulate --chakra-out DIR`).
///
/// Each rank's nodes form a chain (`ctrl_deps` on the previous node): COMP_NODE with `duration_micros`
/// (rounded to the microsecond), COMM_SEND_NODE / COMM_RECV_NODE with `comm_src`, `comm_dst`, `comm_size`,
/// `comm_tag`, and COMM_COLL_NODE with `comm_type`, `comm_size` (per-rank buffer for all-gather and
/// gather, the whole buffer otherwise), `pg_name` naming the group's ranks, and `root`.
public enum ChakraExport {
    /// The Chakra schema version written.
    public static let version = "0.0.4"

    /// One graph per rank of a workload, nodes chained in program order.
    public static func graphs(_ workload: [RankWorkload], name: String) -> [ChakraGraph] {
        workload.map { rank in
            var nodes: [ChakraNode] = []
            for (i, n) in rank.nodes.enumerated() {
                let id = UInt64(i)
                let deps = i > 0 ? [id - 1] : []
                switch n.kind {
                case .compute(let seconds):
                    nodes.append(ChakraNode(id: id, name: n.name, type: .comp, ctrlDeps: deps,
                                            durationMicros: UInt64(max(0, (seconds * 1e6).rounded()))))
                case .send(let to, let bytes, let tag):
                    nodes.append(ChakraNode(id: id, name: n.name, type: .commSend, ctrlDeps: deps,
                                            attributes: pointToPoint(src: rank.rank, dst: to, bytes: bytes, tag: tag)))
                case .receive(let from, let bytes, let tag):
                    nodes.append(ChakraNode(id: id, name: n.name, type: .commRecv, ctrlDeps: deps,
                                            attributes: pointToPoint(src: from, dst: rank.rank, bytes: bytes, tag: tag)))
                case .collective(let op, let bytes, let group, let root):
                    let type = collectiveType(op)
                    let size = (op == .allgather || op == .gather) ? bytes / Int64(max(group.count, 1)) : bytes
                    nodes.append(ChakraNode(id: id, name: n.name, type: .commColl, ctrlDeps: deps, attributes: [
                        ChakraAttribute(name: "comm_type", value: .int(Int64(type.rawValue))),
                        ChakraAttribute(name: "comm_size", value: .int(size)),
                        ChakraAttribute(name: "pg_name", value: .string("ranks " + group.map(String.init)
                            .joined(separator: ","))),
                        ChakraAttribute(name: "root", value: .int(Int64(root))),
                    ]))
                }
            }
            return ChakraGraph(file: "\(name).\(rank.rank).et", rank: rank.rank, format: .protobuf, version: version,
                               metadata: [ChakraAttribute(name: "rank", value: .int(Int64(rank.rank)))], nodes: nodes)
        }
    }

    static func pointToPoint(src: Int, dst: Int, bytes: Int64, tag: Int) -> [ChakraAttribute] {
        [ChakraAttribute(name: "comm_src", value: .int(Int64(src))), ChakraAttribute(name: "comm_dst", value: .int(Int64(dst))),
         ChakraAttribute(name: "comm_size", value: .int(bytes)), ChakraAttribute(name: "comm_tag", value: .int(Int64(tag)))]
    }

    static func collectiveType(_ op: CollectiveOp) -> ChakraCollectiveType {
        switch op {
        case .allreduce, .sendrecv: return .allReduce
        case .reduce: return .reduce
        case .allgather: return .allGather
        case .gather: return .gather
        case .scatter: return .scatter
        case .broadcast: return .broadcast
        case .alltoall: return .allToAll
        case .reducescatter: return .reduceScatter
        }
    }
}
