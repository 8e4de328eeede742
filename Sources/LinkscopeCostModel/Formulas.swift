import Foundation

/// Closed-form alpha-beta cost formulas (docs/cost-model.md). Pure functions, no state.
///
/// Units everywhere: sizes in bytes, `bandwidth` in bytes/s **per direction** (the bottleneck link of
/// the algorithm), `latency` (α) in seconds per message, `gamma` (γ) in seconds per reduced byte.
/// Size conventions follow nccl-tests (§9): `bytes` is the buffer for allreduce/broadcast/reduce/sendrecv,
/// the total gathered size for allgather/gather, the total input per rank for reducescatter/scatter,
/// the total sent per rank for alltoall.
///
/// The one entry the simulator calls is ``time(op:algorithm:ranks:bytes:bandwidth:latency:gamma:options:)``;
/// the per-algorithm functions live in the `CostFormulas+*.swift` facets.
public enum CostFormulas {
    /// `⌈log2 n⌉` for n ≥ 1 (0 for n ≤ 1).
    public static func ceilLog2(_ n: Int) -> Int {
        guard n > 1 else { return 0 }
        return Int.bitWidth - (n - 1).leadingZeroBitCount
    }

    /// `⌊log2 n⌋` for n ≥ 1 (0 for n ≤ 1).
    public static func floorLog2(_ n: Int) -> Int {
        guard n > 1 else { return 0 }
        return Int.bitWidth - 1 - n.leadingZeroBitCount
    }

    /// Whether `n` is a power of two (1 counts).
    public static func isPowerOfTwo(_ n: Int) -> Bool { n > 0 && n & (n - 1) == 0 }

    /// Largest power of two ≤ n (1 for n ≤ 1).
    public static func powerOfTwoFloor(_ n: Int) -> Int { n <= 1 ? 1 : 1 << floorLog2(n) }
}

/// Extra inputs some formulas need; `nil` fields fall back to the plain form or make `time` return nil.
public struct FormulaOptions: Sendable, Equatable {
    /// Pipelining chunk size in bytes; set → the pipelined tree/chain forms include the fill term.
    public var chunkBytes: Double?
    /// Two-tier parameters for `hierarchical` (§8).
    public var tiers: HierarchyTiers?
    /// Aggregate spanning-tree rate R in bytes/s (§10); default = `bandwidth`.
    public var treeRate: Double?
    /// Deepest tree depth for the spanning-tree fill term; default ⌈lg N⌉.
    public var treeDepth: Int?
    /// Parameter servers k (§3/§4); 1 = single PS.
    public var servers: Int
    /// Server NIC bandwidth B_ps in bytes/s; default = `bandwidth`.
    public var serverBandwidth: Double?
    /// Largest shard M_j in bytes (layer-wise sharding); default ⌈M/k⌉.
    public var largestShardBytes: Double?
    /// PCIe path for `hybrid-pcie` (§11): bandwidth (B/s) and latency (s). `bandwidth`/`latency` are NVLink's.
    public var pcieBandwidth: Double?
    /// PCIe path latency for `hybrid-pcie` (s).
    public var pcieLatency: Double?

    /// Options; every one defaults to the closed form's own default (see each property).
    public init(chunkBytes: Double? = nil, tiers: HierarchyTiers? = nil, treeRate: Double? = nil,
                treeDepth: Int? = nil, servers: Int = 1, serverBandwidth: Double? = nil,
                largestShardBytes: Double? = nil, pcieBandwidth: Double? = nil, pcieLatency: Double? = nil) {
        self.chunkBytes = chunkBytes
        self.tiers = tiers
        self.treeRate = treeRate
        self.treeDepth = treeDepth
        self.servers = servers
        self.serverBandwidth = serverBandwidth
        self.largestShardBytes = largestShardBytes
        self.pcieBandwidth = pcieBandwidth
        self.pcieLatency = pcieLatency
    }
}

/// Two tiers of a hierarchical collective (§8): p1 ranks per group on (α1, B1), p2 groups on (α2, B2).
public struct HierarchyTiers: Sendable, Equatable {
    /// p1: ranks per group.
    public var localRanks: Int
    /// α1: latency inside a group (s).
    public var localLatency: Double
    /// B1: bandwidth inside a group (bytes/s).
    public var localBandwidth: Double
    /// p2: number of groups.
    public var groups: Int
    /// α2: latency between groups (s).
    public var remoteLatency: Double
    /// B2: bandwidth between groups (bytes/s).
    public var remoteBandwidth: Double
    /// Two tiers; see the properties for each symbol.
    public init(localRanks: Int, localLatency: Double, localBandwidth: Double,
                groups: Int, remoteLatency: Double, remoteBandwidth: Double) {
        self.localRanks = localRanks
        self.localLatency = localLatency
        self.localBandwidth = localBandwidth
        self.groups = groups
        self.remoteLatency = remoteLatency
        self.remoteBandwidth = remoteBandwidth
    }
}
