import LinkscopeCostModel
import LinkscopeSchedule

/// How a collective runs under the NCCL-like model (docs/nccl-model.md): the algorithm and protocol picked,
/// the channels with their rings or trees, the protocol's wire format, the model's latency charged up
/// front, and per-channel pacing that holds each channel to the model's bandwidth (NCCL's per-channel caps
/// and protocol efficiencies) while the fabric still shares links max-min fairly.
public struct NCCLLowering: Sendable, Equatable {
    public var algorithm: NCCLAlgorithm
    public var proto: NCCLProtocol
    /// Seconds waited before the first transfer: the model's latency less the hop latency the fabric charges.
    public var startDelay: Double
    /// Per channel, the slot of one pipeline piece, seconds: a stream starts its next piece no earlier than this
    /// after the previous one started (0 = no pacing; the fabric alone sets the rate).
    public var pacing: [Double]
    /// Ring algorithm: one rank order per channel.
    public var rings: [[Int]]
    /// Tree algorithm: one parent array per channel (−1 at the root).
    public var trees: [[Int]]
    /// NVLS: the NVSwitch devices of the node and the share of a GPU's bytes each switch plane carries.
    public var switches: [Int]
    public var switchShares: [Double]

    public init(algorithm: NCCLAlgorithm, proto: NCCLProtocol, startDelay: Double = 0, pacing: [Double] = [],
                rings: [[Int]] = [], trees: [[Int]] = [], switches: [Int] = [], switchShares: [Double] = []) {
        self.algorithm = algorithm
        self.proto = proto
        self.startDelay = startDelay
        self.pacing = pacing
        self.rings = rings
        self.trees = trees
        self.switches = switches
        self.switchShares = switchShares
    }

    /// Channels the lowering runs.
    public var channels: Int {
        switch algorithm {
        case .ring: return max(1, rings.count)
        case .tree: return max(1, trees.count)
        case .nvls: return max(1, pacing.count)
        }
    }

    /// Wire bytes of a piece of `bytes` payload under the protocol's line format.
    public func wireBytes(_ bytes: Int64) -> Int64 {
        proto == .simple ? bytes : Int64((Double(bytes) * proto.wireFactor).rounded(.up))
    }
}

extension Emitter {
    /// Compiles the request's NCCL lowering: every channel carries an equal share of the payload.
    mutating func emitNCCL(_ l: NCCLLowering) throws(CollectiveError) {
        let op = request.op
        switch (l.algorithm, op) {
        case (.ring, .allreduce), (.ring, .allgather), (.ring, .reducescatter):
            for r in l.rings where r.sorted() != Array(0..<ranks) {
                throw .invalidRequest("NCCL ring \(r) is not a permutation of ranks 0..<\(ranks)")
            }
            let shares = Traffic.evenSplit(request.bytes, parts: l.rings.count)
            for (c, order) in l.rings.enumerated() {
                if op == .allreduce {
                    ringAllReduce(order: order, bytes: shares[c], channel: c, start: start)
                } else {
                    let n = ranks
                    let chunks = ringChunks(bytes: shares[c], ranks: n, steps: n - 1)
                    var pass = RingPass(bytes: shares[c], segments: n, chunks: chunks, start: start)
                    ringSteps(order: order, pass: &pass, steps: n - 1, shift: 0,
                              phase: op == .allgather ? .allGather : .reduceScatter, stepOffset: 0,
                              reduce: op == .reducescatter, channel: c)
                }
            }
        case (.ring, .broadcast), (.ring, .reduce):
            let shares = Traffic.evenSplit(request.bytes, parts: l.rings.count)
            for (c, ring) in l.rings.enumerated() {
                guard let at = ring.firstIndex(of: request.root) else {
                    throw .invalidRequest("NCCL ring \(ring) lacks the root \(request.root)")
                }
                let chain = Array(ring[at...] + ring[..<at])
                chainPass(chain, bytes: shares[c], reduce: op == .reduce, channel: c)
            }
        case (.tree, .allreduce):
            let shares = Traffic.evenSplit(request.bytes, parts: l.trees.count)
            for (c, parents) in l.trees.enumerated() {
                treeAllReduce(try RankTree(parent: parents), bytes: shares[c], channel: c)
            }
        case (.nvls, .allreduce), (.nvls, .allgather), (.nvls, .reducescatter):
            guard !l.switches.isEmpty, l.switchShares.count == l.switches.count else {
                throw .invalidRequest("NVLS needs the node's NVSwitch devices")
            }
            nvls(l, op: op)
        case (_, .alltoall): compileDirectAllToAll()
        case (_, .sendrecv): compileSendRecv()
        default:
            throw .invalidRequest("NCCL has no \(l.algorithm.rawValue) \(op.rawValue)")
        }
    }

    /// Pipelined chain from `chain[0]` (broadcast) or towards it (reduce), one channel.
    private mutating func chainPass(_ chain: [Int], bytes: Int64, reduce: Bool, channel: Int) {
        let n = chain.count
        let sizes = chunks(bytes, cap: Self.cap(transfersPerChunk: n))
        var at = Array(repeating: start, count: sizes.count)
        for h in 0..<(n - 1) {
            let (from, to) = reduce ? (chain[n - 1 - h], chain[n - 2 - h]) : (chain[h], chain[h + 1])
            for (c, b) in sizes.enumerated() {
                let got = send(from, to, bytes: b, after: at[c], phase: reduce ? .reduce : .broadcast, step: h,
                               chunk: c, channel: channel)
                at[c] = reduce ? self.reduce(at: to, bytes: b, after: got, phase: .reduce, step: h, chunk: c,
                                             channel: channel) : got
            }
        }
    }

    /// NVLink SHARP: GPUs write into the NVSwitch planes, the switch reduces (all-reduce, reduce-scatter) and
    /// multicasts the result back. All-reduce: every GPU sends the whole channel share up and receives it
    /// reduced; all-gather: each GPU sends its slice up, the switch multicasts it to all; reduce-scatter: every
    /// GPU sends every slice up, each reduced slice goes to its owner.
    private mutating func nvls(_ l: NCCLLowering, op: CollectiveOp) {
        let n = ranks
        let shares = Traffic.evenSplit(request.bytes, parts: l.channels)
        let switches = l.switches.map { Int32(truncatingIfNeeded: $0) }
        for c in 0..<l.channels {
            let slices = op == .allreduce ? [shares[c]] : Traffic.evenSplit(shares[c], parts: n)
            for (s, sliceBytes) in slices.enumerated() {
                let sizes = chunks(sliceBytes, cap: Self.cap(transfersPerChunk: 2 * n * switches.count * n))
                for (k, b) in sizes.enumerated() {
                    guard let planeBytes = Split.weighted(b, l.switchShares) else { continue }
                    for (p, sw) in switches.enumerated() where planeBytes[p] > 0 {
                        let senders = op == .allgather ? [s] : Array(0..<n)
                        var up: [TaskID] = []
                        for g in senders {
                            up += transfer(devices[g], sw, bytes: planeBytes[p], after: start, phase: .reduceScatter,
                                           step: 0, chunk: k, channel: c)
                        }
                        let reduced = join(up, phase: .reduceScatter, channel: c)
                        let receivers = op == .reducescatter ? [s] : Array(0..<n)
                        for g in receivers {
                            _ = transfer(sw, devices[g], bytes: planeBytes[p], after: reduced, phase: .allGather,
                                         step: 1, chunk: k, channel: c)
                        }
                    }
                }
            }
        }
    }
}

extension NCCLLowering {
    /// NCCL's double binary tree over `n` ranks (`ncclGetDtree`): two parent arrays, every rank interior in at
    /// most one of them.
    public static func doubleBinaryTree(ranks n: Int) -> (first: [Int], second: [Int]) {
        RankTree.doubleBinaryTreeParents(ranks: n)
    }

    /// Height of the tree given by `parents` (0 for one rank); nil when it is not a tree.
    public static func height(_ parents: [Int]) -> Int? {
        (try? RankTree(parent: parents))?.height
    }
}
