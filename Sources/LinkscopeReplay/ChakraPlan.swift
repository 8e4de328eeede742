import LinkscopeCostModel
import LinkscopeTimeline

/// Knobs of the Chakra replay model.
public struct ChakraReplayOptions: Sendable {
    /// Ranks of the job; nil = the largest rank seen (file or send/recv peer) + 1. Ranks without a file are
    /// mirrored.
    public var worldSize: Int?
    /// Pipelining granularity of re-simulated collectives.
    public var chunkBytes: Int64
    /// A rank's collectives of one process group run in graph order (one NCCL stream per communicator), on
    /// top of the graph's own dependencies.
    public var serializeCommunication: Bool

    /// Options; by default the world size comes from the files.
    public init(worldSize: Int? = nil, chunkBytes: Int64 = 4 << 20, serializeCommunication: Bool = true) {
        self.worldSize = worldSize
        self.chunkBytes = chunkBytes
        self.serializeCommunication = serializeCommunication
    }
}

/// What a Chakra node occupies in the replay.
enum ChakraWork: Sendable, Hashable {
    /// COMP on the GPU: lane 0 of the rank's GPU.
    case gpuCompute
    /// MEM_LOAD / MEM_STORE: lane 1 (copy engine), measured duration (0 when absent).
    case memory
    /// COMP with `is_cpu_op`: lane 2 (host thread); delays its dependents, not counted as GPU time.
    case host
    /// COMM_COLL / COMM_SEND / COMM_RECV.
    case communication
    /// METADATA / INVALID: a zero-time pass-through.
    case none

    /// The class of GPU time in the per-rank breakdown; nil for host and pass-through nodes.
    var activityKind: ActivityKind? {
        switch self {
        case .gpuCompute: return .compute
        case .memory: return .memory
        case .communication: return .communication
        case .host, .none: return nil
        }
    }

    var category: SpanCategory? {
        switch self {
        case .gpuCompute: return .compute
        case .memory: return .memory
        case .host: return .other
        case .communication: return .communication
        case .none: return nil
        }
    }
}

/// One node, in the rank's (deterministic) topological order.
struct ChakraStep: Sendable {
    var node: Int
    var id: UInt64
    var name: String
    var work: ChakraWork
    /// Measured duration, ns.
    var duration: Int64
    /// Steps (indices in the same rank's order) this one waits for.
    var deps: [Int]
    /// Index into `ChakraPlan.comms`, -1 when not communication.
    var comm: Int
    var bytes: Int64
    /// start_time_micros in ns, nil when the trace has none.
    var originalStart: Int64?
}

struct ChakraRankPlan: Sendable {
    var rank: Int
    var file: String
    var format: ChakraFormat
    var steps: [ChakraStep]
    var hasTimes: Bool
}

/// A collective matched across ranks, or a send/recv pair.
struct ChakraComm: Sendable {
    var name: String
    var opName: String
    var op: CollectiveOp?
    /// `CollectiveRequest.bytes` (nccl-tests convention), or the transfer size of a send/recv.
    var bytes: Int64
    var processGroup: String
    /// Global ranks taking part (send/recv: [src, dst]).
    var ranks: [Int]
    var sequence: Int
    var mode: ReplayCollectiveMode
    var pointToPoint: (src: Int, dst: Int)?
    var root: Int
    /// (index into `ChakraPlan.ranks`, step) of every given member.
    var members: [(rank: Int, step: Int)]
    /// Measured time: last member start → last member end when the trace has start times, else the shortest
    /// member duration; ns.
    var measured: Int64
}

/// Chakra execution traces (one graph per rank) turned into a replayable model: per rank its nodes in a
/// deterministic topological order (Kahn's algorithm, ties by file order) with resolved dependencies, and
/// the communication matched across ranks. Build once, `run` on as many topologies as wanted.
///
/// Model:
/// - COMP nodes keep `duration_micros` on lane 0 of the rank's GPU (FIFO, one at a time); COMP nodes with
///   `is_cpu_op` run on a host lane (they delay dependents but are not GPU time); MEM_LOAD/MEM_STORE on lane 1
///   with their measured duration (0 when absent); METADATA/INVALID nodes take no time.
/// - Dependencies: ctrl_deps ∪ data_deps (ids not in the file are ignored with a warning); nodes without
///   dependencies start at time 0. The trace's start times are not used as lower bounds.
/// - COMM_COLL nodes: the k-th one of process group `pg_name` on every rank is one collective, compiled by
///   `CollectiveCompiler` over the group's GPUs once every member is ready (`comm_size` per
///   `ChakraCollectiveType.requestBytes`); unknown `comm_type` or no `comm_size` keep the measured duration.
///   A group's ranks are the given ranks that use it, plus the ranks without a file (mirrored) when every given
///   rank uses it.
/// - COMM_SEND/COMM_RECV: the k-th send (src → dst, tag) meets the k-th recv (src → dst, tag); the transfer of
///   `comm_size` bytes runs when both are ready (only the given side when the peer has no file).
/// - With `serializeCommunication`, a rank's collectives of one group run in order.
public struct ChakraPlan: Sendable {
    /// The options the plan was built with.
    public let options: ChakraReplayOptions
    /// Ranks of the job, given or mirrored.
    public let worldSize: Int
    /// Ranks whose graphs were given, ascending.
    public var givenRanks: [Int] { ranks.map(\.rank) }
    /// Ranks without a file and the given rank that stands for each.
    public let mirrored: [(rank: Int, source: Int)]
    /// What the model had to assume, in the order found.
    public let warnings: [String]
    /// Nodes over all given ranks.
    public var nodeCount: Int { ranks.reduce(0) { $0 + $1.steps.count } }
    /// Matched collectives and send/recv transfers.
    public var collectiveCount: Int { comms.filter { $0.pointToPoint == nil }.count }
    /// Matched send/recv transfers.
    public var pointToPointCount: Int { comms.filter { $0.pointToPoint != nil }.count }

    let ranks: [ChakraRankPlan]
    let comms: [ChakraComm]

    /// - Throws: `ReplayError` when no graph is given, ranks repeat, a graph has a dependency cycle, or
    ///   `options.worldSize` is smaller than a given rank.
    public init(graphs: [ChakraGraph], options: ChakraReplayOptions = ChakraReplayOptions()) throws(ReplayError) {
        self.options = options
        guard !graphs.isEmpty else { throw .noInput(kind: "Chakra trace") }
        let sorted = graphs.enumerated().sorted { $0.element.rank != $1.element.rank ? $0.element.rank < $1.element.rank : $0.offset < $1.offset }
            .map(\.element)
        for i in 1..<max(1, sorted.count) where sorted[i].rank == sorted[i - 1].rank {
            throw .duplicateRank(file: sorted[i].file, rank: sorted[i].rank, otherFile: sorted[i - 1].file)
        }
        if let g = sorted.first(where: { $0.rank < 0 }) { throw .negativeRank(file: g.file, rank: g.rank) }
        var warnings: [String] = []
        var plans: [ChakraRankPlan] = []
        for g in sorted { plans.append(try Self.rankPlan(g, warnings: &warnings)) }

        // World size: files, send/recv peers, the option.
        var world = (sorted.map(\.rank).max() ?? 0) + 1
        for g in sorted {
            for n in g.nodes where n.type == .commSend || n.type == .commRecv {
                for peer in [n.commSrc, n.commDst] { if let p = peer, p >= 0, p < 1 << 20 { world = max(world, p + 1) } }
            }
        }
        if let w = options.worldSize {
            guard w >= (sorted.map(\.rank).max() ?? 0) + 1 else {
                throw .worldSizeTooSmall(worldSize: w, highestRank: sorted.map(\.rank).max() ?? 0)
            }
            if w < world { warnings.append("send/recv peers up to rank \(world - 1) lie outside world size \(w)") }
            world = max(world, w)
        }
        self.worldSize = world
        let given = plans.map(\.rank)
        let missing = (0..<world).filter { !given.contains($0) }

        if options.serializeCommunication { Self.serialize(&plans, graphs: sorted) }

        // Collectives: order within the process group.
        var comms: [ChakraComm] = []
        var pgUsers: [(pg: String, ranks: [Int])] = []
        for (r, plan) in plans.enumerated() {
            let g = sorted[r]
            for step in plan.steps where g.nodes[step.node].type == .commColl {
                let pg = g.nodes[step.node].pgName.map { $0.isEmpty ? "default" : $0 } ?? "default"
                if let i = pgUsers.firstIndex(where: { $0.pg == pg }) {
                    if pgUsers[i].ranks.last != plan.rank { pgUsers[i].ranks.append(plan.rank) }
                } else {
                    pgUsers.append((pg, [plan.rank]))
                }
            }
        }
        func groupRanks(_ pg: String) -> [Int] {
            let users = pgUsers.first { $0.pg == pg }?.ranks ?? []
            return users.count == given.count ? Array(0..<world) : users
        }
        var index: [String: Int] = [:]  // lookup only
        var mismatched = 0
        for (r, plan) in plans.enumerated() {
            let g = sorted[r]
            var seqByGroup: [String: Int] = [:]  // lookup only
            for (s, step) in plan.steps.enumerated() where g.nodes[step.node].type == .commColl {
                let node = g.nodes[step.node]
                let pg = node.pgName.map { $0.isEmpty ? "default" : $0 } ?? "default"
                let seq = seqByGroup[pg, default: 0]
                seqByGroup[pg] = seq + 1
                let key = pg + "\u{0}" + String(seq)
                if let c = index[key] {
                    comms[c].members.append((r, s))
                    plans[r].steps[s].comm = c
                    if comms[c].opName != Self.opName(node) || comms[c].bytes != Self.collectiveBytes(node, ranks: comms[c].ranks.count) {
                        mismatched += 1
                    }
                    continue
                }
                let ranks = groupRanks(pg)
                let type = node.commType
                let bytes = Self.collectiveBytes(node, ranks: ranks.count)
                let mode: ReplayCollectiveMode
                if type == nil {
                    mode = .keptUnsupported
                } else if type != .barrier && (node.commSize ?? 0) <= 0 {
                    mode = .keptSizeUnknown
                } else {
                    mode = .resimulated
                }
                var root = 0
                if let rr = node.attribute("root")?.int64, let i = ranks.firstIndex(of: Int(clamping: rr)) { root = i }
                plans[r].steps[s].comm = comms.count
                index[key] = comms.count
                comms.append(ChakraComm(name: node.name, opName: Self.opName(node), op: type?.op, bytes: bytes, processGroup: pg,
                                        ranks: ranks, sequence: seq, mode: mode, pointToPoint: nil, root: root,
                                        members: [(r, s)], measured: 0))
            }
        }
        if mismatched > 0 {
            warnings.append("\(mismatched) collective(s) differ in comm_type or comm_size between ranks; the lowest rank's is used")
        }

        // Send/recv: the k-th send src→dst (tag) meets the k-th recv src→dst (tag).
        var sendIndex: [String: Int] = [:]  // lookup only
        var seqOf: [String: Int] = [:]  // lookup only
        var unmatched = 0
        var noPeer = 0
        for pass in [ChakraNodeType.commSend, .commRecv] {
            for (r, plan) in plans.enumerated() {
                let g = sorted[r]
                for (s, step) in plan.steps.enumerated() where g.nodes[step.node].type == pass {
                    let node = g.nodes[step.node]
                    let isSend = pass == .commSend
                    let src = isSend ? (node.commSrc ?? plan.rank) : node.commSrc
                    let dst = isSend ? node.commDst : (node.commDst ?? plan.rank)
                    let bytes = max(0, node.commSize ?? 0)
                    guard let src, let dst, src >= 0, dst >= 0, src < world, dst < world else {
                        noPeer += 1
                        plans[r].steps[s].comm = comms.count
                        comms.append(ChakraComm(name: node.name, opName: isSend ? "send" : "recv", op: nil, bytes: bytes,
                                                processGroup: node.pgName ?? "default", ranks: [plan.rank], sequence: 0,
                                                mode: .keptUnsupported, pointToPoint: nil, root: 0, members: [(r, s)], measured: 0))
                        continue
                    }
                    let base = "\(src),\(dst),\(node.commTag ?? 0)"
                    let kindKey = (isSend ? "s" : "r") + base
                    let k = seqOf[kindKey, default: 0]
                    seqOf[kindKey] = k + 1
                    let key = base + "#" + String(k)
                    if !isSend, let c = sendIndex[key] {
                        comms[c].members.append((r, s))
                        plans[r].steps[s].comm = c
                        sendIndex[key] = nil
                        continue
                    }
                    let peer = isSend ? dst : src
                    let peerGiven = given.contains(peer) && peer != plan.rank
                    let mode: ReplayCollectiveMode = bytes > 0 ? .resimulated : .keptSizeUnknown
                    plans[r].steps[s].comm = comms.count
                    if isSend { sendIndex[key] = comms.count }
                    if !isSend && peerGiven { unmatched += 1 }
                    comms.append(ChakraComm(name: node.name, opName: "sendrecv", op: .sendrecv, bytes: bytes,
                                            processGroup: node.pgName ?? "default", ranks: [src, dst], sequence: k,
                                            mode: !isSend && peerGiven ? .keptUnsupported : mode, pointToPoint: (src, dst),
                                            root: 0, members: [(r, s)], measured: 0))
                }
            }
        }
        // Sends whose given peer never posted the recv.
        for (_, c) in sendIndex.sorted(by: { $0.value < $1.value }) {
            if let p = comms[c].pointToPoint, given.contains(p.dst), p.dst != p.src {
                comms[c].mode = .keptUnsupported
                unmatched += 1
            }
        }
        if unmatched > 0 { warnings.append("\(unmatched) send/recv node(s) have no matching peer node: measured durations kept") }
        if noPeer > 0 { warnings.append("\(noPeer) send/recv node(s) lack comm_src/comm_dst: measured durations kept") }

        // Measured time of each communication.
        for c in comms.indices {
            let ms = comms[c].members.map { plans[$0.rank].steps[$0.step] }
            if ms.allSatisfy({ $0.originalStart != nil }) {
                let s = ms.compactMap(\.originalStart).max() ?? 0
                let e = ms.map { ($0.originalStart ?? 0) + $0.duration }.max() ?? 0
                comms[c].measured = max(0, e - s)
            } else {
                comms[c].measured = ms.map(\.duration).min() ?? 0
            }
        }

        // Mirroring.
        var mirrored: [(rank: Int, source: Int)] = []
        for r in missing {
            var source = given[0]
            for c in comms where c.ranks.contains(r) {
                if let s = c.ranks.first(where: { given.contains($0) }) { source = s; break }
            }
            mirrored.append((r, source))
        }
        if !mirrored.isEmpty {
            let sources = Array(Set(mirrored.map(\.source))).sorted()
            warnings.append("\(mirrored.count) of \(world) ranks have no Chakra file: mirrored from rank"
                            + (sources.count == 1 ? " " : "s ") + sources.map(String.init).joined(separator: ", ")
                            + " (identical work assumed; they join collectives of groups every given rank uses)")
        }
        let sizeUnknown = comms.filter { $0.mode == .keptSizeUnknown }.count
        if sizeUnknown > 0 { warnings.append("\(sizeUnknown) communication node(s) have no comm_size: measured durations kept") }
        let unsupported = comms.filter { $0.mode == .keptUnsupported && $0.pointToPoint == nil && $0.op == nil && $0.opName != "send" && $0.opName != "recv" }
        if !unsupported.isEmpty {
            warnings.append("\(unsupported.count) collective(s) with unknown comm_type: measured durations kept")
        }
        self.ranks = plans
        self.comms = comms
        self.mirrored = mirrored
        self.warnings = warnings
    }
}
