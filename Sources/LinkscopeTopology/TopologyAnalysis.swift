import LinkscopeUnits

/// What the `topo` command reports for a GPU set (docs/output-formats.md "Topology JSON"): NVLink rings,
/// their packing, the best routed ring, and spanning-tree rates.
public struct TopologyAnalysis: Sendable {
    /// The GPU numbers analysed, in rank order (tree parent arrays index this list).
    public var gpus: [Int]
    /// `nvlink_rings`: distinct NVLink Hamiltonian cycles (GPU numbers); empty when none exists.
    public var nvlinkRings: [[Int]]
    /// Directed NVLink rings with rates for multi-ring all-reduce (docs/cost-model.md §6).
    public var ringPacking: RingPacking
    /// `ring_rate_gbps`: best single ring over any links (NVLink or PCIe/QPI/network fallback).
    public var ringRate: Bandwidth
    /// The ring achieving `ringRate` (GPU numbers), empty for fewer than 2 GPUs.
    public var bestRing: [Int]
    /// `tree_broadcast_rate_gbps`: broadcast rate from the best root (min-cut bound over NVLink).
    public var treeBroadcastRate: Bandwidth { broadcast.rate }
    /// Best broadcast root as a GPU number.
    public var broadcastRoot: Int? { broadcast.root.map { gpus[$0] } }
    /// Broadcast tree packing from the best root.
    public var broadcast: TreePacking
    /// `tree_allreduce_rate_gbps`: undirected tree packing rate (Nash-Williams bound).
    public var treeAllreduceRate: Bandwidth { allreduce.rate }
    /// All-reduce (undirected) tree packing.
    public var allreduce: TreePacking
}

extension Topology {
    /// Analyses GPU numbers `gpus` (nil = all GPUs).
    /// - Throws: `TopologyError.invalidOption` for an unknown or repeated GPU number.
    public func analyze(gpus requested: [Int]? = nil) throws(TopologyError) -> TopologyAnalysis {
        let gpus = requested ?? Array(0..<gpuCount)
        for (i, g) in gpus.enumerated() {
            guard g >= 0 && g < gpuCount else {
                throw .invalidOption(message: "GPU \(g) does not exist (the topology has \(gpuCount) GPUs)")
            }
            guard !gpus[..<i].contains(g) else { throw .invalidOption(message: "GPU \(g) is listed twice") }
        }
        let packing = ringPacking(gpus: gpus)
        let routed = bestRoutedRing(gpus: gpus)
        return TopologyAnalysis(
            gpus: gpus, nvlinkRings: nvlinkRings(gpus: gpus), ringPacking: packing,
            ringRate: routed?.rate ?? Bandwidth(bytesPerSecond: 0), bestRing: routed?.gpus ?? [],
            broadcast: broadcastTrees(gpus: gpus), allreduce: allreduceTrees(gpus: gpus))
    }
}
