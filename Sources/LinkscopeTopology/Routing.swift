/// Which links a transfer may use.
public enum PathPreference: UInt8, Sendable, Hashable {
    /// The router's choice: fewest hops, NVLink preferred, PCIe / inter-socket as fallback.
    case automatic
    /// Never NVLink (hybrid PCIe+NVLink's PCIe share, formulas.md §11).
    case avoidNVLink
    /// NVLink only; nil route when none exists.
    case nvlinkOnly
}

extension Topology {
    /// Deterministic route between two devices as link indices, or nil when unreachable.
    /// PLACEHOLDER: breadth-first, fewest hops; replaced by the topology work.
    public func route(from a: Int, to b: Int, preference: PathPreference = .automatic) -> [Int]? {
        if a == b { return [] }
        var previous = Array(repeating: -1, count: devices.count)
        var seen = Array(repeating: false, count: devices.count)
        var queue = [a]
        seen[a] = true
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for l in outgoing[v] {
                let link = links[l]
                if preference == .avoidNVLink && link.kind == .nvlink { continue }
                if preference == .nvlinkOnly && link.kind != .nvlink { continue }
                if !seen[link.to] {
                    seen[link.to] = true
                    previous[link.to] = l
                    queue.append(link.to)
                }
            }
        }
        guard seen[b] else { return nil }
        var path: [Int] = []
        var v = b
        while v != a {
            let l = previous[v]
            path.append(l)
            v = links[l].from
        }
        return path.reversed()
    }
}
