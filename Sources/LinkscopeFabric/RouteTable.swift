import LinkscopeSchedule
import LinkscopeTopology

/// Routes of a run, resolved once per (from, to, path) and shared by every transfer that uses them.
///
/// A transfer resolves to a *route set*: usually one route, but inside an NVSwitch node the bytes
/// are split over every switch plane (`Topology.routeSplit`), as NCCL's channels spread a pair
/// over all switches (DGX A100: 6 × 50 GB/s = 300 GB/s; a single plane would cap it at 50).
/// Each route is stored twice: as an `[Int32]` array, and flattened for the hot loops of the
/// fair-share solver. `setLinks` holds each set's links concatenated, for `ExecutionResult.taskRoutes`.
struct RouteTable {
    private struct Key: Hashable {
        var from: Int32
        var to: Int32
        var path: TransferPath
    }

    private var cache: [Key: Int32] = [:]
    /// Per-source shortest-path searches of the topology, one table per path preference, so that many
    /// destinations from one source cost one search.
    private var searches: [PathPreference: LinkscopeTopology.RouteTable] = [:]
    /// Link indices of route `r`.
    private(set) var links: [[Int32]] = []
    /// Flattened links: route `r` is `flat[start[r]..<start[r + 1]]`.
    private(set) var flat: [Int32] = []
    private(set) var start: [Int32] = [0]
    /// Sum of hop latencies of route `r`, seconds.
    private(set) var latency: [Double] = []

    /// Route set `s` is routes `setRoutes[setStart[s]..<setStart[s + 1]]` with `setFractions` alike.
    private(set) var setStart: [Int32] = [0]
    private(set) var setRoutes: [Int32] = []
    private(set) var setFractions: [Double] = []
    private(set) var setLinks: [[Int32]] = []

    var count: Int { links.count }

    /// Route ids and shares of route set `s`. - Complexity: O(1).
    @inline(__always)
    func parts(_ s: Int32) -> Range<Int> { Int(setStart[Int(s)])..<Int(setStart[Int(s) + 1]) }

    /// Route-set id for a transfer, resolving and caching it on first use.
    /// - Throws: `FabricError.noRoute` when the topology has no path with that preference.
    /// - Complexity: O(1) expected when cached, else one `Topology.route` call (plus one
    ///   `routeSplit` when the route crosses an NVSwitch).
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
        var table = searches.removeValue(forKey: preference) ?? LinkscopeTopology.RouteTable(topology, preference: preference)
        let found = table.route(from: Int(from), to: Int(to))
        defer { searches[preference] = table }
        guard let route = found, route.allSatisfy({ $0 >= 0 && $0 < topology.links.count })
        else { throw .noRoute(from: Int(from), to: Int(to)) }
        var parts: [(links: [Int], fraction: Double)] = [(route, 1)]
        let node = topology.devices[Int(from)].node
        let crossesSwitch = route.contains { topology.devices[topology.links[$0].to].kind == .nvswitch }
        let staysInNode = route.allSatisfy { topology.devices[topology.links[$0].to].node == node }
        if crossesSwitch && staysInNode {
            let split = table.routeSplit(from: Int(from), to: Int(to))
            if split.count > 1 { parts = split.map { ($0.links, $0.fraction) } }
        }
        let id = Int32(setLinks.count)
        var all: [Int32] = []
        for part in parts {
            let hops = part.links.map { Int32($0) }
            setRoutes.append(Int32(links.count))
            setFractions.append(part.fraction)
            links.append(hops)
            flat.append(contentsOf: hops)
            start.append(Int32(flat.count))
            latency.append(part.links.reduce(0.0) { $0 + topology.links[$1].latency.value })
            all += hops
        }
        setStart.append(Int32(setRoutes.count))
        setLinks.append(all)
        cache[key] = id
        return id
    }

    /// Splits `bytes` over the parts of set `s` by their fractions, exactly: every part gets its
    /// floor, the remainder goes to the last, so the pieces always sum to `bytes`.
    func split(_ bytes: Int64, over s: Int32) -> [Int64] {
        let range = parts(s)
        if range.count == 1 { return [bytes] }
        var out: [Int64] = []
        var left = bytes
        for k in range.dropLast() {
            let piece = min(left, Int64((Double(bytes) * setFractions[k]).rounded(.down)))
            out.append(piece)
            left -= piece
        }
        out.append(left)
        return out
    }

    /// Range of route `r` in `flat`. - Complexity: O(1).
    @inline(__always)
    func hops(_ r: Int32) -> Range<Int> { Int(start[Int(r)])..<Int(start[Int(r) + 1]) }
}
