import LinkscopeUnits

/// Which links a transfer may use.
public enum PathPreference: UInt8, Sendable, Hashable {
    /// The router's choice: fewest hops, NVLink preferred, PCIe / inter-socket as fallback.
    case automatic
    /// Never NVLink (hybrid PCIe+NVLink's PCIe share, docs/cost-model.md §11).
    case avoidNVLink
    /// NVLink only; nil route when none exists.
    case nvlinkOnly
}

/// One of several equal-cost paths with the share of a flow it should carry.
public struct WeightedRoute: Sendable, Hashable {
    /// Link indices from source to destination.
    public var links: [Int]
    /// Share of the flow in (0, 1]; the shares of one `routeSplit` answer sum to 1.
    public var fraction: Double
}

extension Topology {
    /// Deterministic route between two devices as link indices, or nil when unreachable.
    ///
    /// Lexicographic Dijkstra over (GPU transits, non-NVLink hops, hops, latency): GPUs relay only
    /// when no other path exists, NVLink beats PCIe/QPI/network, then fewer hops, then lower latency.
    /// Equal-cost ties: among parallel NVSwitch planes the plane is `(from + to) mod planes`, among
    /// spines `(source node + destination node + source GPU) mod spines` (stable ECMP, never hashed), otherwise
    /// the lowest link index. A NIC on the GPU's own PCIe switch wins by the hop count.
    /// For many routes use `RouteTable`, which keeps each source's distances.
    /// - Complexity: O((V + E) log V) per call.
    public func route(from a: Int, to b: Int, preference: PathPreference = .automatic) -> [Int]? {
        guard a >= 0, b >= 0, a < devices.count, b < devices.count else { return nil }
        if a == b { return [] }
        let graph = RoutingGraph(self, preference: preference)
        let dist = graph.distances(from: a, until: b)
        return backtrack(graph, dist, from: a, to: b)
    }

    /// Splits a flow over all equal-cost paths (at most `limit`), each weighted by its bottleneck
    /// bandwidth. On an NVSwitch system this spreads a GPU pair over every switch plane
    /// (DGX A100: 6 × 50 GB/s = 300 GB/s) where a single `route` sees one plane.
    public func routeSplit(from a: Int, to b: Int, preference: PathPreference = .automatic,
                           limit: Int = 64) -> [WeightedRoute] {
        guard a >= 0, b >= 0, a < devices.count, b < devices.count else { return [] }
        if a == b { return [WeightedRoute(links: [], fraction: 1)] }
        let graph = RoutingGraph(self, preference: preference)
        return routeSplit(graph, graph.distances(from: a, until: b), from: a, to: b, limit: limit)
    }

    /// `routeSplit` on distances from `a` settled at least as far as `b`.
    func routeSplit(_ graph: RoutingGraph, _ dist: [UInt64], from a: Int, to b: Int, limit: Int) -> [WeightedRoute] {
        guard dist[b] != RoutingGraph.unreached else { return [] }
        var paths: [[Int]] = []
        var stack: [Int] = []
        func walk(_ v: Int) {
            if paths.count >= limit { return }
            if v == a {
                paths.append(stack.reversed())
                return
            }
            for l in incoming[v] where isOnShortestPath(graph, dist, link: l, source: a) {
                stack.append(l)
                walk(links[l].from)
                stack.removeLast()
            }
        }
        walk(b)
        let widths = paths.map { p in p.map { links[$0].bandwidth.bytesPerSecond }.min() ?? 0 }
        let total = widths.reduce(0, +)
        guard total > 0 else { return [] }
        return zip(paths, widths).map { WeightedRoute(links: $0, fraction: $1 / total) }
    }

    @inline(__always)
    func isOnShortestPath(_ graph: RoutingGraph, _ dist: [UInt64], link l: Int, source: Int) -> Bool {
        let c = graph.linkCost[l]
        if c == RoutingGraph.unreached { return false }
        let u = links[l].from
        let du = dist[u]
        if du == RoutingGraph.unreached { return false }
        return du &+ graph.step(l, source: source) == dist[links[l].to]
    }

    /// Walks back from `b` over links on shortest paths, choosing among ties (see `route`).
    func backtrack(_ graph: RoutingGraph, _ dist: [UInt64], from a: Int, to b: Int) -> [Int]? {
        guard dist[b] != RoutingGraph.unreached else { return nil }
        var path: [Int] = []
        var v = b
        var candidates: [Int] = []
        while v != a {
            candidates.removeAll(keepingCapacity: true)
            for l in incoming[v] where isOnShortestPath(graph, dist, link: l, source: a) { candidates.append(l) }
            guard let first = candidates.first else { return nil }
            var pick = first
            if candidates.count > 1 {
                switch devices[links[first].from].kind {
                case .nvswitch:
                    pick = candidates[(a + b) % candidates.count]
                case .nic:
                    // Rail affinity: GPU k of a pair sharing a PCIe switch takes the pair's k-th NIC.
                    let near = devices[links[first].from].node == devices[b].node ? b : a
                    pick = candidates[(devices[near].gpuIndex ?? 0) % candidates.count]
                case .networkSwitch:
                    // Stable ECMP over (source node, destination node, rail): flows of different rails
                    // between the same two nodes take different spines, as a flow hash would spread them.
                    let nodes = max(0, devices[a].node) + max(0, devices[b].node)
                    let rail = devices[a].gpuIndex ?? a
                    pick = candidates[(nodes + rail) % candidates.count]
                default: break
                }
            }
            path.append(pick)
            v = links[pick].from
        }
        return path.reversed()
    }
}

/// Routes many pairs quickly: keeps one resumable Dijkstra per source, settled only as far as
/// the destinations asked so far need, so a later route from the same source costs O(path length
/// × in-degree) once its destination is settled, and a nearby destination never explores the cluster.
///
/// A value type; `route` is `mutating` because it fills the cache. Results equal `Topology.route`.
public struct RouteTable: Sendable {
    /// The topology routes are found in.
    public let topology: Topology
    /// Which links routes may use.
    public let preference: PathPreference
    private let graph: RoutingGraph
    private var searches: [Int: ShortestPathSearch] = [:]
    /// Searches that allow GPU relays, made only for pairs the relay-free search cannot join.
    private var relaySearches: [Int: ShortestPathSearch] = [:]

    /// A table for `topology`; no search runs until the first `route`.
    public init(_ topology: Topology, preference: PathPreference = .automatic) {
        self.topology = topology
        self.preference = preference
        graph = RoutingGraph(topology, preference: preference)
    }

    /// Sources whose searches are kept for later destinations. Each search holds arrays over every device, so
    /// keeping one per source grows with the square of the cluster (16,384 GPUs: gigabytes); past this many the
    /// cache starts afresh. Routes do not depend on what is cached.
    static let cachedSources = 256

    private mutating func remember(_ search: ShortestPathSearch, from a: Int) {
        if searches.count >= Self.cachedSources { searches.removeAll(keepingCapacity: true) }
        searches[a] = search
    }

    private mutating func rememberRelay(_ search: ShortestPathSearch, from a: Int) {
        if relaySearches.count >= Self.cachedSources { relaySearches.removeAll(keepingCapacity: true) }
        relaySearches[a] = search
    }

    /// Route between device indices; see `Topology.route(from:to:preference:)`.
    public mutating func route(from a: Int, to b: Int) -> [Int]? {
        guard a >= 0, b >= 0, a < topology.devices.count, b < topology.devices.count else { return nil }
        if a == b { return [] }
        var search = searches.removeValue(forKey: a) ?? ShortestPathSearch(graph: graph, source: a, allowTransit: false)
        search.settle(b, graph: graph)
        let reached = search.dist[b] != RoutingGraph.unreached
        let path = reached ? topology.backtrack(graph, search.dist, from: a, to: b) : nil
        remember(search, from: a)
        if reached { return path }
        var relay = relaySearches.removeValue(forKey: a) ?? ShortestPathSearch(graph: graph, source: a, allowTransit: true)
        relay.settle(b, graph: graph)
        let relayed = topology.backtrack(graph, relay.dist, from: a, to: b)
        rememberRelay(relay, from: a)
        return relayed
    }

    /// All equal-cost paths, weighted; see `Topology.routeSplit`. Reuses the graph and each source's
    /// distances instead of building them per call. Results equal `Topology.routeSplit`.
    public mutating func routeSplit(from a: Int, to b: Int, limit: Int = 64) -> [WeightedRoute] {
        guard a >= 0, b >= 0, a < topology.devices.count, b < topology.devices.count else { return [] }
        if a == b { return [WeightedRoute(links: [], fraction: 1)] }
        var search = searches.removeValue(forKey: a) ?? ShortestPathSearch(graph: graph, source: a, allowTransit: false)
        search.settle(b, graph: graph)
        remember(search, from: a)
        if search.dist[b] != RoutingGraph.unreached {
            return topology.routeSplit(graph, search.dist, from: a, to: b, limit: limit)
        }
        var relay = relaySearches.removeValue(forKey: a) ?? ShortestPathSearch(graph: graph, source: a, allowTransit: true)
        relay.settle(b, graph: graph)
        rememberRelay(relay, from: a)
        return topology.routeSplit(graph, relay.dist, from: a, to: b, limit: limit)
    }

    /// Route between GPU numbers (`Device.gpuIndex`).
    public mutating func route(fromGPU a: Int, toGPU b: Int) -> [Int]? {
        guard let da = topology.device(ofGPU: a), let db = topology.device(ofGPU: b) else { return nil }
        return route(from: da, to: db)
    }

    /// Sources whose distances are cached.
    public var cachedSources: Int { searches.count }
}
