import LinkscopeCostModel
import LinkscopeTimeline

/// One replayed iteration: measured vs predicted. Times in seconds, from the iteration's (host) start to the
/// end of its last GPU activity, the maximum over the given ranks.
public struct IterationComparison: Sendable, Equatable {
    /// Position among the replayed iterations, from 0.
    public var index: Int
    /// ProfilerStep name on the lowest given rank.
    public var name: String
    /// Measured iteration time.
    public var originalSeconds: Double
    /// Replayed iteration time on the chosen topology.
    public var predictedSeconds: Double
}

/// GPU time of one rank over the replayed iterations, seconds. Each category is the union of its activity
/// intervals; idle is the rest of [first iteration start, last GPU activity end].
public struct RankBreakdown: Sendable, Equatable {
    /// Union of the compute kernels' intervals.
    public var computeSeconds: Double
    /// Union of memcpy / memset (and memory kernels').
    public var memorySeconds: Double
    /// Union of the communication intervals (waiting for peers included).
    public var communicationSeconds: Double
    /// The span minus the union of all GPU activity.
    public var idleSeconds: Double
    /// From the first iteration start to the last GPU activity end.
    public var spanSeconds: Double
}

/// One rank whose trace was given.
public struct RankComparison: Sendable, Equatable {
    /// The rank in the job.
    public var rank: Int
    /// The GPU it was replayed on.
    public var gpu: Int
    /// The trace or graph file it came from.
    public var file: String
    /// Ranks without a trace that this rank stands for.
    public var mirrors: [Int]
    /// As measured.
    public var original: RankBreakdown
    /// As replayed.
    public var predicted: RankBreakdown
}

/// One collective (matched across ranks). Original time is from the last member's start to the last member's
/// end (the part not spent waiting for late ranks); predicted likewise in the replay.
public struct CollectiveComparison: Sendable, Equatable {
    /// Position in the matched collectives, from 0.
    public var index: Int
    /// The iteration it belongs to.
    public var iteration: Int
    /// Kernel or node name of its lowest given member.
    public var name: String
    /// The op (`allreduce`, …) or, when not modelled, the name the trace gives.
    public var op: String
    /// Algorithm simulated ("" when kept).
    public var algorithm: String
    /// Size as `CollectiveRequest.bytes` (nccl-tests convention), or the transfer size.
    public var bytes: Int64
    /// The process group's key (`pg NAME`, `ranks 0,1`, or `default`).
    public var processGroup: String
    /// Global ranks of the process group.
    public var ranks: [Int]
    /// Position within its process group.
    public var sequence: Int
    /// Re-simulated, or kept at its measured time (and why).
    public var mode: ReplayCollectiveMode
    /// Measured time.
    public var originalSeconds: Double
    /// Replayed time.
    public var predictedSeconds: Double
}

/// The outcome of `ReplayPlan.run`.
public struct ReplayResult: Sendable {
    /// The topology replayed on.
    public var topologyName: String
    /// Algorithm of the re-simulated collectives.
    public var algorithm: Algorithm
    /// Fraction of link bandwidth reached.
    public var linkEfficiency: Double
    /// GPU number of every rank of the job.
    public var gpus: [Int]
    /// Ranks of the job, given or mirrored.
    public var worldSize: Int
    /// Per replayed iteration.
    public var iterations: [IterationComparison]
    /// Per given rank.
    public var ranks: [RankComparison]
    /// Ranks without input and the given rank that stands for each.
    public var mirrored: [(rank: Int, source: Int)]
    /// Per matched collective or transfer.
    public var collectives: [CollectiveComparison]
    /// What the model had to assume, in the order found.
    public var warnings: [String]
    /// The replayed window as measured and as predicted (ns from the first iteration start), one track per
    /// rank and stream; for `DashboardModel(timeline:)`.
    public var originalTimeline: Timeline
    /// The replay on the chosen topology, on the same tracks.
    public var predictedTimeline: Timeline
    /// Tasks and engine events of the simulation.
    public var tasks: Int
    /// Engine events of the simulation.
    public var events: Int

    /// Mean measured iteration time.
    public var meanOriginalIterationSeconds: Double {
        iterations.isEmpty ? 0 : iterations.reduce(0) { $0 + $1.originalSeconds } / Double(iterations.count)
    }
    /// Mean replayed iteration time.
    public var meanPredictedIterationSeconds: Double {
        iterations.isEmpty ? 0 : iterations.reduce(0) { $0 + $1.predictedSeconds } / Double(iterations.count)
    }
    /// (predicted − original) / original of the mean iteration time.
    public var relativeError: Double {
        let o = meanOriginalIterationSeconds
        return o > 0 ? (meanPredictedIterationSeconds - o) / o : 0
    }
    /// Collectives replayed in `mode`.
    public func count(_ mode: ReplayCollectiveMode) -> Int { collectives.filter { $0.mode == mode }.count }
}
