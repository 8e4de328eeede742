import LinkscopeEngine
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits

/// PLACEHOLDER: runs a schedule on a topology with max-min fair link sharing (replaced by the
/// engine/fabric work). This stand-in runs tasks in topological order, each alone at its bottleneck.
public struct FabricSimulator: Sendable {
    public let topology: Topology
    public let options: FabricOptions

    public init(topology: Topology, options: FabricOptions = FabricOptions()) {
        self.topology = topology
        self.options = options
    }

    public func run(_ schedule: Schedule) throws(FabricError) -> ExecutionResult {
        var start = Array(repeating: 0.0, count: schedule.count)
        var end = Array(repeating: 0.0, count: schedule.count)
        var routes = Array(repeating: [Int32](), count: schedule.count)
        var linkBytes = Array(repeating: Int64(0), count: topology.links.count)
        var linkBusy = Array(repeating: 0.0, count: topology.links.count)
        for i in 0..<schedule.count {
            let id = TaskID(i)
            let ready = schedule.dependencies(of: id).map { end[$0.index] }.max() ?? 0
            start[i] = ready
            switch schedule[id].kind {
            case .transfer(let from, let to, let bytes, let path):
                let pref: PathPreference = path == .avoidNVLink ? .avoidNVLink : (path == .nvlinkOnly ? .nvlinkOnly : .automatic)
                guard let r = topology.route(from: Int(from), to: Int(to), preference: pref) else {
                    throw .noRoute(from: Int(from), to: Int(to))
                }
                routes[i] = r.map { Int32($0) }
                let bw = r.map { topology.links[$0].bandwidth.bytesPerSecond * options.linkEfficiency }.min() ?? .infinity
                let lat = r.reduce(0.0) { $0 + topology.links[$1].latency.value }
                let d = Double(bytes) / bw
                end[i] = ready + lat + (d.isFinite ? d : 0)
                for l in r {
                    linkBytes[l] += bytes
                    linkBusy[l] += d.isFinite ? d : 0
                }
            case .compute(_, let s, _):
                end[i] = ready + s
            case .delay(let s):
                end[i] = ready + s
            }
        }
        return ExecutionResult(taskStart: start, taskEnd: end, taskRoutes: routes, linkBytes: linkBytes,
                               linkBusy: linkBusy, linkHistory: nil, events: schedule.count * 2,
                               makespan: end.max() ?? 0)
    }
}
