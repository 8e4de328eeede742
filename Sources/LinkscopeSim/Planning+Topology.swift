import LinkscopeCollectives
import LinkscopeTopology
import LinkscopeUnits

/// Topology facts the collective planner needs: rings, trees, node groups and bottlenecks.
/// Isolated here so the planner reads like the algorithms it sets up.
struct TopologyPlanner {
    let topology: Topology
    let linkEfficiency: Double
    /// Memoised path figures and per-source route searches: formula bandwidths look at thousands of
    /// pairs on large clusters. A reference so the planner stays a plain value; used by one thread.
    private let cache = PathCache()

    init(topology: Topology, linkEfficiency: Double) {
        self.topology = topology
        self.linkEfficiency = linkEfficiency
    }

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

    /// Bandwidth (bytes/s, after efficiency) and latency of the path a → b as the fabric uses it: the
    /// route's bottleneck, or inside an NVSwitch node the sum over every switch plane (the fabric splits
    /// such transfers, see `LinkscopeFabric.RouteTable`).
    func pathFigures(from a: Int, to b: Int, preference: PathPreference = .automatic) -> (bandwidth: Double, latency: Double)? {
        guard a != b else { return (.infinity, 0) }
        let key = PathCache.Key(from: a, to: b, preference: preference)
        if let known = cache.figures[key] { return known }
        let figures = computeFigures(from: a, to: b, preference: preference)
        cache.figures[key] = figures
        return figures
    }

    private func computeFigures(from a: Int, to b: Int, preference: PathPreference) -> (bandwidth: Double, latency: Double)? {
        var table = cache.tables.removeValue(forKey: preference) ?? RouteTable(topology, preference: preference)
        let found = table.route(from: a, to: b)
        cache.tables[preference] = table
        guard let route = found else { return nil }
        let latency = route.reduce(0.0) { $0 + topology.links[$1].latency.value }
        func width(_ r: [Int]) -> Double {
            r.map { topology.links[$0].bandwidth.bytesPerSecond * linkEfficiency }.min() ?? .infinity
        }
        let node = topology.devices[a].node
        let crossesSwitch = route.contains { topology.devices[topology.links[$0].to].kind == .nvswitch }
        if crossesSwitch && route.allSatisfy({ topology.devices[topology.links[$0].to].node == node }) {
            let planes = topology.routeSplit(from: a, to: b, preference: preference)
            if planes.count > 1 { return (planes.reduce(0) { $0 + width($1.links) }, latency) }
        }
        return (width(route), latency)
    }

    /// Ring bandwidth B_ring,eff = Σ over rings of each ring's slowest hop (formulas.md §6), and the largest
    /// hop latency. `rings` are rank orders over `participants` (device indices); `closed` false measures
    /// chains (broadcast/reduce pipelines need no closing hop).
    func ringFigures(rings: [[Int]], participants: [Int], closed: Bool = true,
                     preference: PathPreference = .automatic) -> (bandwidth: Double, latency: Double) {
        var total = 0.0
        var latency = 0.0
        for ring in rings where ring.count > 1 {
            var slowest = Double.infinity
            for i in 0..<(closed ? ring.count : ring.count - 1) {
                let a = participants[ring[i]]
                let b = participants[ring[(i + 1) % ring.count]]
                if let f = pathFigures(from: a, to: b, preference: preference) {
                    slowest = min(slowest, f.bandwidth)
                    latency = max(latency, f.latency)
                }
            }
            if slowest.isFinite { total += slowest }
        }
        return (total, latency)
    }
}

/// Storage behind `TopologyPlanner`'s memoisation (lookups only, never iterated).
final class PathCache {
    struct Key: Hashable {
        var from: Int
        var to: Int
        var preference: PathPreference
    }
    var figures: [Key: (bandwidth: Double, latency: Double)?] = [:]
    var tables: [PathPreference: RouteTable] = [:]
}
