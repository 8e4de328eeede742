import LinkscopeUnits

/// A compact, preference-filtered view of a topology for lexicographic shortest paths.
///
/// Path cost is the tuple (GPU transits, non-NVLink hops, hops, latency), compared
/// lexicographically and packed into one `UInt64` so that Dijkstra runs on plain integers and
/// equal costs compare exactly (no floating-point sums):
/// bits 54–63 GPU transits, 44–53 non-NVLink hops, 34–43 hops, 0–33 latency in 0.1 ns units.
/// Each field holds 1023 hops and a link latency is clamped to 1 ms, so sums never carry over.
struct RoutingGraph: Sendable {
    static let transitUnit: UInt64 = 1 << 54
    static let foreignUnit: UInt64 = 1 << 44
    static let hopUnit: UInt64 = 1 << 34
    static let unreached = UInt64.max

    let deviceCount: Int
    /// Outgoing allowed links per device in link-index order (CSR).
    let outStart: [Int32]
    let outLinks: [Int32]
    let linkFrom: [Int32]
    let linkTo: [Int32]
    /// Cost of a link without the transit term; `unreached` when the preference forbids it.
    let linkCost: [UInt64]
    let isGPU: [Bool]

    init(_ topology: Topology, preference: PathPreference) {
        deviceCount = topology.devices.count
        isGPU = topology.devices.map { $0.kind == .gpu }
        var from = [Int32](), to = [Int32](), cost = [UInt64]()
        from.reserveCapacity(topology.links.count)
        to.reserveCapacity(topology.links.count)
        cost.reserveCapacity(topology.links.count)
        for link in topology.links {
            from.append(Int32(link.from))
            to.append(Int32(link.to))
            let allowed: Bool
            switch preference {
            case .automatic: allowed = true
            case .avoidNVLink: allowed = link.kind != .nvlink
            case .nvlinkOnly: allowed = link.kind == .nvlink
            }
            guard allowed else {
                cost.append(Self.unreached)
                continue
            }
            let tenthsOfNs = min(max(link.latency.value, 0), 1e-3) * 1e10
            let latency = UInt64(tenthsOfNs.rounded())
            cost.append((link.kind == .nvlink ? 0 : Self.foreignUnit) + Self.hopUnit + latency)
        }
        var start = [Int32](repeating: 0, count: deviceCount + 1)
        var flat = [Int32]()
        flat.reserveCapacity(topology.links.count)
        for v in 0..<deviceCount {
            start[v] = Int32(flat.count)
            for l in topology.outgoing[v] where cost[l] != Self.unreached { flat.append(Int32(l)) }
        }
        start[deviceCount] = Int32(flat.count)
        outStart = start
        outLinks = flat
        linkFrom = from
        linkTo = to
        linkCost = cost
    }

    /// Cost of taking link `l` on a path that started at `source`: GPUs other than the source
    /// pay a transit, so a GPU relays only when nothing else connects the pair.
    @inline(__always)
    func step(_ l: Int, source: Int) -> UInt64 {
        let u = Int(linkFrom[l])
        return linkCost[l] &+ (isGPU[u] && u != source ? Self.transitUnit : 0)
    }

    /// Single-source lexicographic Dijkstra; stops once `target` is settled.
    /// - Complexity: O((V + E) log V).
    func distances(from source: Int, until target: Int? = nil) -> [UInt64] {
        var search = ShortestPathSearch(graph: self, source: source, allowTransit: false)
        search.settle(target, graph: self)
        if let t = target, search.dist[t] != Self.unreached { return search.dist }
        search = ShortestPathSearch(graph: self, source: source, allowTransit: true)
        search.settle(target, graph: self)
        return search.dist
    }
}

/// A resumable single-source Dijkstra: it settles vertices only as far as a query needs and
/// picks up where it stopped for the next destination. Predecessors on shortest paths are
/// settled before their successor (every link costs > 0), so a partial search answers exactly.
///
/// With `allowTransit == false` no GPU but the source is expanded. GPU transits are the most
/// significant cost field, so whenever that search reaches a destination its answer equals the
/// full search's; it skips every relay edge out of remote GPUs (a third of a DGX cluster's links).
struct ShortestPathSearch: Sendable {
    let source: Int
    let allowTransit: Bool
    private(set) var dist: [UInt64]
    private var settled: [Bool]
    private var heap = MinHeap()

    init(graph: RoutingGraph, source: Int, allowTransit: Bool) {
        self.source = source
        self.allowTransit = allowTransit
        dist = [UInt64](repeating: RoutingGraph.unreached, count: graph.deviceCount)
        settled = [Bool](repeating: false, count: graph.deviceCount)
        dist[source] = 0
        heap.push(0, source)
    }

    /// Runs until `target` is settled (or, for nil, until every reachable vertex is).
    mutating func settle(_ target: Int?, graph: RoutingGraph) {
        if let t = target, settled[t] { return }
        while let (d, u) = heap.pop() {
            if d != dist[u] || settled[u] { continue }
            settled[u] = true
            if !allowTransit && u != source && graph.isGPU[u] {
                if u == target { return }
                continue
            }
            for i in Int(graph.outStart[u])..<Int(graph.outStart[u + 1]) {
                let l = Int(graph.outLinks[i])
                let v = Int(graph.linkTo[l])
                let nd = d &+ graph.step(l, source: source)
                if nd < dist[v] {
                    dist[v] = nd
                    heap.push(nd, v)
                }
            }
            if u == target { return }
        }
    }
}

/// Binary min-heap of (cost, vertex), ties broken by vertex so pops are deterministic.
struct MinHeap: Sendable {
    private var keys: [UInt64] = []
    private var values: [Int] = []

    private func less(_ i: Int, _ j: Int) -> Bool {
        keys[i] != keys[j] ? keys[i] < keys[j] : values[i] < values[j]
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        keys.swapAt(i, j)
        values.swapAt(i, j)
    }

    mutating func push(_ key: UInt64, _ value: Int) {
        keys.append(key)
        values.append(value)
        var i = keys.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if !less(i, p) { break }
            swapAt(i, p)
            i = p
        }
    }

    mutating func pop() -> (UInt64, Int)? {
        guard let key = keys.first, let value = values.first else { return nil }
        let last = keys.count - 1
        swapAt(0, last)
        keys.removeLast()
        values.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < keys.count && less(l, m) { m = l }
            if r < keys.count && less(r, m) { m = r }
            if m == i { break }
            swapAt(i, m)
            i = m
        }
        return (key, value)
    }
}
