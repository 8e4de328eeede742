import LinkscopeEngine
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits

/// Runs a task DAG on a topology: transfers share links max-min fairly, computations queue on
/// per-device lanes, delays just wait.
///
/// Semantics (see also `ExecutionResult`):
/// - A task starts when all its dependencies have finished (compute tasks may then queue on their
///   (device, lane), FIFO by ready time, then task id).
/// - A transfer is a flow from its start until its bytes are served. Its rate is its max-min fair
///   share of every link on its route, link capacity = bandwidth × `linkEfficiency`. It finishes
///   when its last byte is served plus the route's summed hop latency, so an isolated transfer takes
///   α + S/B (docs/cost-model.md §1). Latency does not occupy links.
/// - Zero-byte transfers take the route latency only; same-device transfers finish instantly.
/// - Rates are re-solved once per instant, after every event of that instant, and only for the
///   components of flows touched by flows starting or ending then.
/// - Negative or NaN durations count as zero; a non-positive or NaN `linkEfficiency` as 1.
/// - Deterministic: same-instant events keep scheduling order; nothing iterates a hash table.
public struct FabricSimulator: Sendable {
    public let topology: Topology
    public let options: FabricOptions

    public init(topology: Topology, options: FabricOptions = FabricOptions()) {
        self.topology = topology
        self.options = options
    }

    /// Executes `schedule` and records when every task started and ended.
    /// - Throws: `FabricError.unknownDevice` for a device index outside the topology,
    ///   `FabricError.noRoute` when a transfer's endpoints are not connected with its path
    ///   preference (the lowest task id wins when several are wrong; nothing runs then).
    /// - Complexity: O(T + D) memory for T tasks and D dependencies; time O(E log Q) for E events plus
    ///   the fair-share solves of touched components (see `FabricRun.solveTouchedComponents`).
    /// - Parameter mirrors: per task, the task whose timing it copies instead of being simulated (-1:
    ///   none), or empty for none; see `FabricRun+Mirrors.swift`.
    public func run(_ schedule: Schedule, mirrors: [Int32] = []) throws(FabricError) -> ExecutionResult {
        let deviceCount = topology.devices.count
        var routes = RouteTable()
        var aux = Array(repeating: Int32(-1), count: schedule.count)
        var laneIndex: [Int: Int32] = [:]  // lookup only, never iterated
        var recentTo = Array(repeating: Int32(-1), count: deviceCount)
        var recentPath = Array(repeating: TransferPath.automatic, count: deviceCount)
        var recentSet = Array(repeating: Int32(-1), count: deviceCount)
        for i in 0..<schedule.count {
            switch schedule.tasks[i].kind {
            case .transfer(let from, let to, _, let path):
                guard from >= 0 && Int(from) < deviceCount else { throw .unknownDevice(Int(from)) }
                guard to >= 0 && Int(to) < deviceCount else { throw .unknownDevice(Int(to)) }
                guard from != to else { break }
                // Collectives send from one device to the same peer again and again: remember each source's
                // last resolution so that the route cache's hash is computed only when the peer changes.
                let f = Int(from)
                if recentTo[f] == to && recentPath[f] == path {
                    aux[i] = recentSet[f]
                } else {
                    let set = try routes.resolve(from: from, to: to, path: path, in: topology)
                    aux[i] = set
                    (recentTo[f], recentPath[f], recentSet[f]) = (to, path, set)
                }
            case .compute(let device, _, let lane):
                guard device >= 0 && Int(device) < deviceCount else { throw .unknownDevice(Int(device)) }
                let key = Int(device) << 8 | Int(lane)
                if let id = laneIndex[key] {
                    aux[i] = id
                } else {
                    let id = Int32(laneIndex.count)
                    laneIndex[key] = id
                    aux[i] = id
                }
            case .delay:
                break
            }
        }
        // Ring programs: each position's route set to the next, resolved like a transfer's.
        var programRoutes: [[Int32]] = []
        for program in schedule.ringPrograms {
            let n = program.positions
            var sets: [Int32] = []
            sets.reserveCapacity(n)
            for i in 0..<n {
                let from = program.devices[i], to = program.devices[(i + 1) % n]
                guard from >= 0 && Int(from) < deviceCount else { throw .unknownDevice(Int(from)) }
                guard to >= 0 && Int(to) < deviceCount else { throw .unknownDevice(Int(to)) }
                sets.append(try routes.resolve(from: from, to: to, path: program.path, in: topology))
            }
            programRoutes.append(sets)
        }
        let e = options.linkEfficiency
        var state = FabricRun(schedule: schedule, routes: routes, aux: aux, laneCount: laneIndex.count,
                              topology: topology, efficiency: e > 0 && e.isFinite ? e : 1,
                              recordHistory: options.recordLinkHistory,
                              mirrorOf: mirrors.count == schedule.count ? mirrors : [],
                              rings: RingProgramState(programs: schedule.ringPrograms, routeSets: programRoutes,
                                                      taskCount: schedule.count, deviceCount: deviceCount,
                                                      keepsIntervals: Self.devicesWithTasks(schedule, deviceCount)))
        state.execute()

        // Route-set ids of transfers; lane ids of compute tasks are cleared below. Taken out of the run state
        // (and the local `aux` dropped) so that clearing them edits the one buffer instead of copying it.
        var routeSet = state.aux
        state.aux = []
        aux = []
        for i in 0..<schedule.count {
            if case .transfer = schedule.tasks[i].kind { continue }
            routeSet[i] = -1
        }
        var result = ExecutionResult(
            taskStart: state.taskStart, taskEnd: state.taskEnd, taskRoutes: [],
            linkBytes: state.linkBytes, linkBusy: state.linkBusy,
            linkHistory: options.recordLinkHistory ? state.history : nil,
            events: state.validEvents, makespan: state.taskEnd.max() ?? 0)
        result.taskRouteSet = routeSet
        result.routeSetLinks = state.routes.setLinks
        result.staleEvents = state.loop.processed - state.validEvents
        (result.programIntervals, result.programFoldedLength) = state.rings.deviceIntervals()
        return result
    }

    /// Devices that transfers or computations of the schedule's own tasks use (empty without ring programs).
    static func devicesWithTasks(_ schedule: Schedule, _ deviceCount: Int) -> [Bool] {
        guard !schedule.ringPrograms.isEmpty else { return [] }
        var used = Array(repeating: false, count: deviceCount)
        for task in schedule.tasks {
            switch task.kind {
            case .transfer(let from, let to, _, _):
                if from >= 0 && Int(from) < deviceCount { used[Int(from)] = true }
                if to >= 0 && Int(to) < deviceCount { used[Int(to)] = true }
            case .compute(let device, _, _):
                if device >= 0 && Int(device) < deviceCount { used[Int(device)] = true }
            case .delay:
                break
            }
        }
        return used
    }
}
