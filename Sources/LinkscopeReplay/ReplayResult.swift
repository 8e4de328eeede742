import LinkscopeCostModel
import LinkscopeTimeline

/// One replayed iteration: measured vs predicted. Times in seconds, from the iteration's (host) start to the
/// end of its last GPU activity, the maximum over the given ranks.
public struct IterationComparison: Sendable, Equatable {
    public var index: Int
    /// ProfilerStep name on the lowest given rank.
    public var name: String
    public var originalSeconds: Double
    public var predictedSeconds: Double
}

/// GPU time of one rank over the replayed iterations, seconds. Each category is the union of its activity
/// intervals; idle is the rest of [first iteration start, last GPU activity end].
public struct RankBreakdown: Sendable, Equatable {
    public var computeSeconds: Double
    public var memorySeconds: Double
    public var communicationSeconds: Double
    public var idleSeconds: Double
    public var spanSeconds: Double
}

/// One rank whose trace was given.
public struct RankComparison: Sendable, Equatable {
    public var rank: Int
    public var gpu: Int
    public var file: String
    /// Ranks without a trace that this rank stands for.
    public var mirrors: [Int]
    public var original: RankBreakdown
    public var predicted: RankBreakdown
}

/// One collective (matched across ranks). Original time is from the last member's start to the last member's
/// end (the part not spent waiting for late ranks); predicted likewise in the replay.
public struct CollectiveComparison: Sendable, Equatable {
    public var index: Int
    public var iteration: Int
    public var name: String
    public var op: String
    /// Algorithm simulated ("" when kept).
    public var algorithm: String
    public var bytes: Int64
    public var processGroup: String
    /// Global ranks of the process group.
    public var ranks: [Int]
    public var sequence: Int
    public var mode: ReplayCollectiveMode
    public var originalSeconds: Double
    public var predictedSeconds: Double
}

/// The outcome of `ReplayPlan.run`.
public struct ReplayResult: Sendable {
    public var topologyName: String
    public var algorithm: Algorithm
    public var linkEfficiency: Double
    /// GPU number of every rank of the job.
    public var gpus: [Int]
    public var worldSize: Int
    public var iterations: [IterationComparison]
    public var ranks: [RankComparison]
    public var mirrored: [(rank: Int, source: Int)]
    public var collectives: [CollectiveComparison]
    public var warnings: [String]
    /// The replayed window as measured and as predicted (ns from the first iteration start), one track per
    /// rank and stream; for `DashboardModel(timeline:)`.
    public var originalTimeline: Timeline
    public var predictedTimeline: Timeline
    /// Tasks and engine events of the simulation.
    public var tasks: Int
    public var events: Int

    public var meanOriginalIterationSeconds: Double {
        iterations.isEmpty ? 0 : iterations.reduce(0) { $0 + $1.originalSeconds } / Double(iterations.count)
    }
    public var meanPredictedIterationSeconds: Double {
        iterations.isEmpty ? 0 : iterations.reduce(0) { $0 + $1.predictedSeconds } / Double(iterations.count)
    }
    /// (predicted − original) / original of the mean iteration time.
    public var relativeError: Double {
        let o = meanOriginalIterationSeconds
        return o > 0 ? (meanPredictedIterationSeconds - o) / o : 0
    }
    public func count(_ mode: ReplayCollectiveMode) -> Int { collectives.filter { $0.mode == mode }.count }
}
