import LinkscopeCostModel
import LinkscopePlanning
import LinkscopeUnits

/// Why a validated scenario still cannot be simulated (found only when planning or routing). Cases carry the
/// facts; `description` is the one rendering the CLI prints after `FILE:LINE:COL: error: `.
public enum SimulationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A collective cannot be compiled (unsupported op/algorithm pair, bad request).
    case collective(name: String, message: String)
    /// The fabric found no route between two devices.
    case noRoute(from: String, to: String, name: String)
    /// A job routed to a device index the topology does not have.
    case unknownDevice(job: String, index: Int)
    /// The topology facts a collective needs could not be worked out (e.g. no NVLink spanning tree).
    case planning(PlanningError)
    /// Parameter servers asked for: `requested`, where only `available` exist (`placement` is `gpus` or `hosts`).
    case serverCount(requested: Int, available: Int, placement: ServerPlacement)
    /// A scenario with neither collectives nor training.
    case nothingToSimulate
    /// A pipeline schedule that left micro-batches unscheduled (a bug in the schedule, not in the input).
    case pipelineDeadlock(schedule: String)
    /// `what` would move `bytes` in total, more than the Int64 traffic counters hold exactly.
    case trafficBeyondCounters(what: String, bytes: Double)
    /// `what` compiles to `tasks` tasks, more than `limit` per run.
    case tooManyTasks(what: String, tasks: Double, limit: Int)
    /// A workload export (Chakra) of a scenario with several jobs or elastic phases.
    case workloadNeedsOneTrainingJob
    /// An error caused by one entry of the scenario (a field path such as `collectives[2]` or `training.sync`),
    /// so that it can be reported at that entry's line and column.
    indirect case at(path: String, SimulationError)

    /// The scenario field the error is about, when it is about one.
    public var path: String? {
        if case .at(let path, _) = self { return path }
        return nil
    }

    public var description: String {
        switch self {
        case .collective(let name, let message): return "\(name): \(message)"
        case .noRoute(let from, let to, let name): return "\(name): no route from \(from) to \(to)"
        case .unknownDevice(let job, let index): return "\(job): unknown device index \(index)"
        case .planning(let error): return error.description
        case .serverCount(let k, let available, let placement):
            switch placement {
            case .gpus: return k < 1 ? "servers must be at least 1" : "\(k) servers but only \(available) GPUs"
            case .hosts:
                if k < 1 { return "servers must be at least 1" }
                return available == 0 ? "placement 'hosts' needs CPU devices in the topology"
                    : "\(k) host servers but the topology has \(available) CPUs"
            }
        case .nothingToSimulate: return "nothing to simulate: add `collectives` or `training`"
        case .pipelineDeadlock(let schedule): return "pipeline schedule \(schedule) deadlocked"
        case .trafficBeyondCounters(let what, let bytes):
            return "\(what) would move about \(SimulationLimits.exa(bytes)) EB over the links, more "
                + "than linkscope counts exactly (4.6 EB); use smaller sizes, fewer GPUs or fewer iterations"
        case .tooManyTasks(let what, let tasks, let limit):
            return "\(what) needs about \(Format.number(tasks / 1e6, significant: 3)) M tasks, more than the "
                + "simulator's limit of \(limit / 1_000_000) M per run; use fewer iterations, sizes or GPUs"
        case .workloadNeedsOneTrainingJob: return "a workload needs one training job (no 'jobs' or 'elastic')"
        case .at(_, let inner): return inner.description
        }
    }
}
