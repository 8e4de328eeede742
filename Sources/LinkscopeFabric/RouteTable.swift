import LinkscopeSchedule
import LinkscopeTopology

/// Routes of a run, resolved once per (from, to, path) and shared by every transfer that uses them.
///
/// Each route is stored twice: as an `[Int32]` array handed out in `ExecutionResult.taskRoutes`
/// (copies share one buffer), and flattened for the hot loops of the fair-share solver.
struct RouteTable {
    private struct Key: Hashable {
        var from: Int32
        var to: Int32
        var path: TransferPath
    }

    private var cache: [Key: Int32] = [:]
    /// Link indices of route `r`.
    private(set) var links: [[Int32]] = []
    /// Flattened links: route `r` is `flat[start[r]..<start[r + 1]]`.
    private(set) var flat: [Int32] = []
    private(set) var start: [Int32] = [0]
    /// Sum of hop latencies of route `r`, seconds.
    private(set) var latency: [Double] = []

    var count: Int { links.count }

    /// Route id for a transfer, resolving and caching it on first use.
    /// - Throws: `FabricError.noRoute` when the topology has no path with that preference.
    /// - Complexity: O(1) expected when cached, else one `Topology.route` call.
    mutating func resolve(from: Int32, to: Int32, path: TransferPath,
                          in topology: Topology) throws(FabricError) -> Int32 {
        let key = Key(from: from, to: to, path: path)
        if let id = cache[key] { return id }
        let preference: PathPreference
        switch path {
        case .automatic: preference = .automatic
        case .avoidNVLink: preference = .avoidNVLink
        case .nvlinkOnly: preference = .nvlinkOnly
        }
        guard let route = topology.route(from: Int(from), to: Int(to), preference: preference),
              route.allSatisfy({ $0 >= 0 && $0 < topology.links.count })
        else { throw .noRoute(from: Int(from), to: Int(to)) }
        let id = Int32(links.count)
        let hops = route.map { Int32($0) }
        links.append(hops)
        flat.append(contentsOf: hops)
        start.append(Int32(flat.count))
        latency.append(route.reduce(0.0) { $0 + topology.links[$1].latency.value })
        cache[key] = id
        return id
    }

    /// Range of route `r` in `flat`. - Complexity: O(1).
    @inline(__always)
    func hops(_ r: Int32) -> Range<Int> { Int(start[Int(r)])..<Int(start[Int(r) + 1]) }
}
