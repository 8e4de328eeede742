/// Where a replayed job's ranks run: the GPU of each rank and the node count of the preset.
///
/// The rules are the same as `topo`'s: without `--nodes` a GPU list means one node, so a GPU the preset does
/// not have is an error rather than a silently added node; only a job larger than one node without a GPU list
/// grows the cluster, and the result says so in a note.
public struct ReplayPlacement: Sendable, Equatable {
    /// GPU of each rank, in rank order.
    public var gpus: [Int]
    /// Nodes of the preset to build.
    public var nodes: Int
    /// What was decided for the user (nil when nothing was inferred).
    public var note: String?

    /// Resolves `--gpus` / `--nodes` for a job of `worldSize` ranks on a preset of `gpusPerNode` GPUs per node.
    public static func resolve(preset: String, gpusPerNode: Int, worldSize: Int, gpus: [Int]?, nodes: Int?)
        throws(ReplayError) -> ReplayPlacement
    {
        let perNode = max(1, gpusPerNode)
        if let nodes, nodes < 1 { throw .invalidValue(field: "--nodes", value: nil, expected: "at least 1") }
        if let gpus {
            guard gpus.count == worldSize else {
                throw .gpuCount(field: "--gpus", ranks: worldSize, gpus: gpus.count)
            }
            let nodeCount = nodes ?? 1
            let available = perNode * nodeCount
            if let bad = gpus.first(where: { $0 < 0 || $0 >= available }) {
                throw .gpuOutOfRange(gpu: bad, preset: preset, nodes: nodeCount, available: available,
                                     suggestNodes: nodes == nil)
            }
            return ReplayPlacement(gpus: gpus, nodes: nodeCount, note: nil)
        }
        let needed = (worldSize + perNode - 1) / perNode
        if let nodes {
            guard worldSize <= perNode * nodes else {
                throw .tooFewNodes(ranks: worldSize, preset: preset, nodes: nodes, gpus: perNode * nodes)
            }
            return ReplayPlacement(gpus: Array(0..<worldSize), nodes: nodes, note: nil)
        }
        let note = needed > 1
            ? "\(worldSize) ranks do not fit one \(preset) node (\(perNode) GPUs): simulating \(needed) nodes "
                + "joined by the preset's fabric (--nodes, --gpus to change)"
            : nil
        return ReplayPlacement(gpus: Array(0..<worldSize), nodes: max(1, needed), note: note)
    }
}
