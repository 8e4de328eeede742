import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeScenario
import LinkscopePlanning
import LinkscopeSchedule

/// What a collective inside a job is, for reports and timelines.
struct CollectiveMeta {
    var name: String
    var op: CollectiveOp
    var algorithm: Algorithm
    /// GPU numbers taking part, in rank order.
    var gpus: [Int]
    var bytes: Int64
    var request: CollectiveRequest
    var concurrentGroup: String?
    /// True for the gradient sync of a training iteration (reported in the training summary).
    var isTrainingSync: Bool
    /// The NCCL-like model's plan, when the collective runs under it.
    var nccl: NCCLPlan? = nil
    /// Priced analytically (one delay) instead of as flows; its wire bytes, charged to links.
    var analyticalTraffic: Int64? = nil
}

/// One schedule run by the fabric on its own: a training run, or one collective (or one group of
/// concurrent collectives) of the `collectives:` section. Jobs run back to back on the timeline.
struct Job {
    var label: String
    var schedule = Schedule()
    var collectives: [CollectiveMeta] = []
    /// Devices whose compute lane work belongs to the job's GPUs.
    var iterations: Int = 0
    /// Collectives priced without flows (`TensorParallelPricing`), charged by `Accounting`.
    var analyticLoads: [AnalyticLoad] = []
    var analyticGroups: [AnalyticGroup] = []
    /// Tasks that copy another task's timing instead of being simulated (`FabricRun+Mirrors.swift`):
    /// the non-first ranks of analytically priced tensor groups (`TensorParallelPricing`).
    var mirrors: [(mirror: TaskID, of: TaskID)] = []

    /// Per task, the task it mirrors or -1; empty when nothing is mirrored.
    var mirrorOf: [Int32] {
        guard !mirrors.isEmpty else { return [] }
        var out = Array(repeating: Int32(-1), count: schedule.count)
        for (m, r) in mirrors { out[m.index] = Int32(r.index) }
        return out
    }
    /// Elastic training: the scenario this segment of the run trains (its GPUs and batch), and its compute.
    var segment: Scenario? = nil
    var costs: ComputeCosts? = nil
    /// `jobs:` merged into this schedule.
    var shared: SharedJobs? = nil
    /// Link bytes and busy seconds of analytically priced collectives (the fabric does not see them).
    var linkCharges: [(link: Int, bytes: Int64, busy: Double)] = []
}
