import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// Why a collective cannot be set up on a GPU set.
public enum PlanningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A GPU number the topology does not have.
    case unknownGPU(Int)
    /// Spanning-tree packing found no NVLink tree over these GPUs.
    case noSpanningTree(gpus: [Int])

    /// The message the CLI prints after `error:`.
    public var description: String {
        switch self {
        case .unknownGPU(let g): return "GPU \(g) is not in the topology"
        case .noSpanningTree(let gpus):
            return "spanning-trees needs GPUs joined by NVLink; GPUs \(gpus) have no NVLink spanning tree"
                + " (use ring or hierarchical across nodes)"
        }
    }
}

/// The topology facts collective algorithms need (rings, spanning trees, node groups) and the
/// bandwidths the formulas compare against, for the simulator and the trace replays alike.
public struct CollectiveTopology {
    /// The topology every ring, tree and path is found in.
    public let topology: Topology
    /// Fraction of line rate the path and ring figures assume (0 < e ≤ 1).
    public let linkEfficiency: Double
    /// Memoised rings, path figures and per-source route searches: large clusters ask for thousands
    /// of pairs. A reference so the planner stays a plain value; used by one thread at a time.
    private let cache = PathCache()

    /// Facts of `topology`, with bandwidth figures scaled by `linkEfficiency`.
    public init(topology: Topology, linkEfficiency: Double = 1) {
        self.topology = topology
        self.linkEfficiency = linkEfficiency
    }

    /// A request for `op` by `algorithm` over GPU numbers `gpus` (rank order), with the rings, trees or
    /// node groups that algorithm needs. Parameter-server placement and the hybrid PCIe share are the
    /// caller's (they depend on the workload, not only on the topology).
    /// - Throws: `PlanningError` for unknown GPUs or a spanning-tree request without NVLink trees.
    public func request(op: CollectiveOp, algorithm: Algorithm, bytes: Int64, gpus: [Int], rootRank: Int = 0,
                        chunkBytes: Int64, id: Int32) throws(PlanningError) -> CollectiveRequest {
        var participants: [Int] = []
        for g in gpus {
            guard let d = topology.device(ofGPU: g) else { throw .unknownGPU(g) }
            participants.append(d)
        }
        var req = CollectiveRequest(op: op, algorithm: algorithm, bytes: bytes, participants: participants,
                                    root: rootRank, chunkBytes: chunkBytes, collectiveID: id)
        switch algorithm {
        case .ring, .hybridPCIe:
            let r = rings(for: gpus)
            req.rings = r.rings
            req.ringWeights = r.weights
        case .spanningTrees:
            req.trees = try trees(for: gpus, root: op == .allreduce ? nil : rootRank)
        case .hierarchical:
            req.groups = groups(for: gpus)
        default:
            break
        }
        return req
    }

    /// Rings over `gpus` as permutations of rank indices, weighted by their rates.
    /// NVLink ring packing when the set has NVLink Hamiltonian cycles (several rings, like NCCL's
    /// channels); otherwise the best single ring over any links (PCIe/QPI fallback, docs/cost-model.md §6).
    /// Sets spanning several nodes keep rank order (node-contiguous), since no NVLink cycle crosses nodes.
    public func rings(for gpus: [Int]) -> (rings: [[Int]], weights: [Double]) {
        if let known = cache.rings[gpus] { return known }
        let found = packRings(gpus)
        cache.rings[gpus] = found
        return found
    }

    private func packRings(_ gpus: [Int]) -> (rings: [[Int]], weights: [Double]) {
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
    /// trees for all-reduce, arborescences from `root` (a rank) otherwise (docs/cost-model.md §10).
    public func trees(for gpus: [Int], root: Int?) throws(PlanningError) -> [WeightedTree] {
        let packing = root == nil ? topology.allreduceTrees(gpus: gpus) : topology.broadcastTrees(gpus: gpus, root: root)
        let trees = packing.trees.filter { $0.rate.bytesPerSecond > 0 }
        guard !trees.isEmpty else { throw .noSpanningTree(gpus: gpus) }
        return trees.map { WeightedTree(parent: $0.parent, weight: $0.rate.bytesPerSecond) }
    }

    /// Rank indices grouped by node, in node order.
    public func groups(for gpus: [Int]) -> [[Int]] {
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
    public func pathFigures(from a: Int, to b: Int, preference: PathPreference = .automatic) -> (bandwidth: Double, latency: Double)? {
        guard a != b else { return (.infinity, 0) }
        let key = PathCache.Key(from: a, to: b, preference: preference)
        if let known = cache.figures[key] { return known }
        let figures = computeFigures(from: a, to: b, preference: preference)
        cache.figures[key] = figures
        return figures
    }

    /// `Topology.routeSplit` on the cached route tables.
    public func routeSplit(from a: Int, to b: Int, preference: PathPreference = .automatic) -> [WeightedRoute] {
        withTable(preference) { $0.routeSplit(from: a, to: b) }
    }

    private func withTable<R>(_ preference: PathPreference, _ body: (inout RouteTable) -> R) -> R {
        var table = cache.tables.removeValue(forKey: preference) ?? RouteTable(topology, preference: preference)
        let result = body(&table)
        cache.tables[preference] = table
        return result
    }

    private func computeFigures(from a: Int, to b: Int, preference: PathPreference) -> (bandwidth: Double, latency: Double)? {
        guard let route = withTable(preference, { $0.route(from: a, to: b) }) else { return nil }
        let latency = route.reduce(0.0) { $0 + topology.links[$1].latency.value }
        func width(_ r: [Int]) -> Double {
            r.map { topology.links[$0].bandwidth.bytesPerSecond * linkEfficiency }.min() ?? .infinity
        }
        let node = topology.devices[a].node
        let crossesSwitch = route.contains { topology.devices[topology.links[$0].to].kind == .nvswitch }
        if crossesSwitch && route.allSatisfy({ topology.devices[topology.links[$0].to].node == node }) {
            let planes = routeSplit(from: a, to: b, preference: preference)
            if planes.count > 1 { return (planes.reduce(0) { $0 + width($1.links) }, latency) }
        }
        return (width(route), latency)
    }

    /// Ring bandwidth B_ring,eff = Σ over rings of each ring's slowest hop (docs/cost-model.md §6), and the largest
    /// hop latency. `rings` are rank orders over `participants` (device indices); `closed` false measures
    /// chains (broadcast/reduce pipelines need no closing hop).
    public func ringFigures(rings: [[Int]], participants: [Int], closed: Bool = true,
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

/// Storage behind `CollectiveTopology`'s memoisation (lookups only, never iterated).
final class PathCache {
    struct Key: Hashable {
        var from: Int
        var to: Int
        var preference: PathPreference
    }
    var figures: [Key: (bandwidth: Double, latency: Double)?] = [:]
    var tables: [PathPreference: RouteTable] = [:]
    var rings: [[Int]: (rings: [[Int]], weights: [Double])] = [:]
}
