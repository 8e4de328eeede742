import LinkscopeCostModel
import LinkscopeSchedule
import LinkscopeUnits

/// A spanning tree over ranks with the rate share it carries (spanning-tree packing, docs/cost-model.md §10).
public struct WeightedTree: Sendable, Equatable {
    /// `parent[r]` is the parent rank of rank `r` (indices into `participants`); -1 at the root.
    public var parent: [Int]
    /// Relative weight; tree i carries `bytes · weight_i / Σ weights`.
    public var weight: Double
    public init(parent: [Int], weight: Double) {
        self.parent = parent
        self.weight = weight
    }
    public var root: Int { parent.firstIndex(of: -1) ?? 0 }
}

/// Everything a collective algorithm needs to compile itself into transfers.
///
/// Size conventions follow nccl-tests (docs/cost-model.md §9): `bytes` is the buffer size for allreduce,
/// broadcast, reduce and sendrecv; the **total** gathered size for allgather and gather; the total
/// input per rank for reducescatter and scatter; the total sent per rank for alltoall.
public struct CollectiveRequest: Sendable {
    public var op: CollectiveOp
    public var algorithm: Algorithm
    public var bytes: Int64
    /// Device indices of the ranks, in rank order.
    public var participants: [Int]
    /// Root rank (index into `participants`) for rooted operations.
    public var root: Int
    /// Rings as permutations of rank indices (ring algorithms); empty = participant order.
    public var rings: [[Int]]
    /// Relative share of the payload per ring (e.g. ring bottleneck rates); empty = equal shares.
    public var ringWeights: [Double] = []
    /// Packed spanning trees (spanning-trees algorithm).
    public var trees: [WeightedTree]
    /// Rank indices per node (hierarchical); empty = one group.
    public var groups: [[Int]]
    /// Parameter-server devices (ps), and the fraction of the model each holds (sums to 1).
    public var servers: [Int]
    public var serverShares: [Double]
    /// Pipelining granularity; transfers larger than this are cut into chunks.
    public var chunkBytes: Int64
    /// Share of the payload sent over PCIe by hybrid-pcie (docs/cost-model.md §11), 0...1.
    public var pcieShare: Double
    /// Seconds per byte of reduction arithmetic (γ); 0 = free.
    public var reductionSecondsPerByte: Double
    /// Written into every task's tag.
    public var collectiveID: Int32
    /// The NCCL-like lowering (channels, protocol, pacing); nil = the idealised algorithm named by `algorithm`.
    public var nccl: NCCLLowering? = nil
    /// Compile plain rings as `RingProgram`s that the fabric expands while it runs, not as one task per transfer
    /// (same transfers and times; for runs that need no per-transfer record, such as timelines or Chakra graphs).
    public var lazyRings = false

    public init(op: CollectiveOp, algorithm: Algorithm, bytes: Int64, participants: [Int], root: Int = 0,
                rings: [[Int]] = [], trees: [WeightedTree] = [], groups: [[Int]] = [], servers: [Int] = [],
                serverShares: [Double] = [], chunkBytes: Int64 = 4 << 20, pcieShare: Double = 0,
                reductionSecondsPerByte: Double = 0, collectiveID: Int32 = 0) {
        self.op = op
        self.algorithm = algorithm
        self.bytes = bytes
        self.participants = participants
        self.root = root
        self.rings = rings
        self.trees = trees
        self.groups = groups
        self.servers = servers
        self.serverShares = serverShares
        self.chunkBytes = chunkBytes
        self.pcieShare = pcieShare
        self.reductionSecondsPerByte = reductionSecondsPerByte
        self.collectiveID = collectiveID
    }
}

/// Why a collective cannot be compiled.
public enum CollectiveError: Error, Equatable, Sendable {
    /// The algorithm does not implement this operation.
    case unsupported(op: CollectiveOp, algorithm: Algorithm)
    /// A request field is inconsistent (message says which).
    case invalidRequest(String)
}

