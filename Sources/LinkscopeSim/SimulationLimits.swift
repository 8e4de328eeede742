import LinkscopeCostModel
import LinkscopeScenario
import LinkscopeUnits

/// Sizes the simulator can account for exactly: byte counters are Int64, so the traffic a run moves (summed
/// over links, hops, collectives and iterations) must stay well below 2^63 B (9.2 EB). Scenarios beyond that
/// get a clear error before anything is compiled, instead of an arithmetic trap.
enum SimulationLimits {
    /// Most bytes a run may move in total, counted with a margin for hop counts (2^62 B ≈ 4.6 EB).
    static let maximumTrafficBytes = Double(Int64(1) << 62)
    /// Longest route, in hops, the estimate assumes (GPU → switch → NIC → leaf → spine → leaf → NIC → switch → GPU).
    static let hopBound = 8.0

    /// Upper bound of the link bytes one collective moves: every rank sends the message to everyone for the
    /// naive and direct algorithms, about twice the message otherwise, each byte over at most `hopBound` links.
    static func trafficBound(bytes: Int64, ranks: Int, algorithm: Algorithm) -> Double {
        let n = Double(max(1, ranks))
        let perRank = (algorithm == .naive || algorithm == .direct) ? n : 2
        return Double(bytes) * n * perRank * hopBound
    }

    /// Throws when `total` (bytes, a sum of `trafficBound`s) is beyond what the counters hold.
    static func check(total: Double, what: String) throws(SimulationError) {
        guard total <= maximumTrafficBytes else {
            throw .trafficBeyondCounters(what: what, bytes: total)
        }
    }

    /// Most tasks (transfers, computations, joins) one run may compile: a few seconds of simulation in a
    /// release build (3 M events/s, a few events per task).
    static let maximumTasks = 4_000_000

    /// Throws when `tasks` compiled so far exceed `maximumTasks`.
    static func check(tasks: Double, what: String) throws(SimulationError) {
        guard tasks <= Double(maximumTasks) else {
            throw .tooManyTasks(what: what, tasks: tasks, limit: maximumTasks)
        }
    }

    /// Tasks a training job adds at least: forward and backward per layer and GPU, and one send and one
    /// receive per GPU for the gradient sync, per iteration (a lower bound, known before planning).
    static func trainingTasks(_ scenario: Scenario) -> Double {
        guard let t = scenario.training, let m = scenario.model else { return 0 }
        return Double(t.iterations) * Double(scenario.gpus.count) * (Double(max(1, m.layers.count)) * 2 + 2)
    }

    static func exa(_ bytes: Double) -> String { Format.number(bytes / 1e18, significant: 3) }
}
