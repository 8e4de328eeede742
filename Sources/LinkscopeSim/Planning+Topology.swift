import LinkscopeCollectives
import LinkscopeTopology
import LinkscopeUnits

/// Topology facts the collective planner needs: rings, trees, node groups and bottlenecks.
/// Isolated here so the planner reads like the algorithms it sets up.
struct TopologyPlanner {
    let topology: Topology
    let linkEfficiency: Double

    /// Rings over `gpus` as permutations of rank indices, weighted by their rates.
    /// NVLink ring packing when the set has NVLink Hamiltonian cycles (several rings, like NCCL's
    /// channels); otherwise the best single ring over any links (PCIe/QPI fallback, formulas.md §6).
    /// Sets spanning several nodes keep rank order (node-contiguous), since no NVLink cycle crosses nodes.
    func rings(for gpus: [Int]) -> (rings: [[Int]], weights: [Double]) {
        let identity = (rings: [Array(0..<gpus.count)], weights: [1.0])
        guard gpus.count > 2 else { return identity }
        let nodes = Set(gpus.map { topology.node(ofGPU: $0) })
        guard nodes.count == 1 else { return identity }
        func ranks(_ order: [Int]) -> [Int] { order.compactMap { gpus.firstIndex(of: $0) } }
        let packing = topology.ringPacking(gpus: gpus)
        if !packing.rings.isEmpty {
            return (packing.rings.map { ranks($0.gpus) }, packing.rings.map { $0.rate.bytesPerSecond })
        }
        if let best = topology.bestRoutedRing(gpus: gpus), best.gpus.count == gpus.count {
            return ([ranks(best.gpus)], [1])
        }
        return identity
    }

    /// Packed spanning trees over `gpus` (rank indices, weights = tree rates in bytes/s): undirected
    /// trees for all-reduce, arborescences from `root` (a rank) otherwise (formulas.md §10).
    func trees(for gpus: [Int], root: Int?) throws(SimulationError) -> [WeightedTree] {
        let packing = root == nil ? topology.allreduceTrees(gpus: gpus) : topology.broadcastTrees(gpus: gpus, root: root)
        let trees = packing.trees.filter { $0.rate.bytesPerSecond > 0 }
        guard !trees.isEmpty else {
            throw .invalid("spanning-trees needs GPUs joined by NVLink; GPUs \(gpus) have no NVLink spanning tree"
                           + " (use ring or hierarchical across nodes)")
        }
        return trees.map { WeightedTree(parent: $0.parent, weight: $0.rate.bytesPerSecond) }
    }

    /// Rank indices grouped by node, in node order.
    func groups(for gpus: [Int]) -> [[Int]] {
        var byNode: [(node: Int, ranks: [Int])] = []
        for (rank, g) in gpus.enumerated() {
            let node = topology.node(ofGPU: g)
            if let i = byNode.firstIndex(where: { $0.node == node }) {
                byNode[i].ranks.append(rank)
            } else {
                byNode.append((node, [rank]))
            }
        }
        return byNode.sorted { $0.node < $1.node }.map { $0.ranks }
    }

    /// Bottleneck bandwidth (bytes/s, after efficiency) and latency of the route a → b.
    func pathFigures(from a: Int, to b: Int) -> (bandwidth: Double, latency: Double)? {
        guard a != b else { return (.infinity, 0) }
        guard let route = topology.route(from: a, to: b) else { return nil }
        var bw = Double.infinity
        var lat = 0.0
        for l in route {
            bw = min(bw, topology.links[l].bandwidth.bytesPerSecond * linkEfficiency)
            lat += topology.links[l].latency.value
        }
        return (bw, lat)
    }
}
