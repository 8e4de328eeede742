import LinkscopeCostModel
import LinkscopeTimeline
import LinkscopeTraces
import LinkscopeUnits

/// Knobs of the replay model.
public struct ReplayOptions: Sendable {
    /// Drop the last (incomplete) ProfilerStep, as `TraceAnalysis` does (HTA semantics).
    public var dropLastProfilerStep: Bool
    /// Keep the original cross-stream order (happened-before) as dependencies.
    public var crossStreamDependencies: Bool
    /// Pipelining granularity of re-simulated collectives.
    public var chunkBytes: Int64

    /// Options; the defaults follow `analyze` (last ProfilerStep dropped).
    public init(dropLastProfilerStep: Bool = true, crossStreamDependencies: Bool = true, chunkBytes: Int64 = 4 << 20) {
        self.dropLastProfilerStep = dropLastProfilerStep
        self.crossStreamDependencies = crossStreamDependencies
        self.chunkBytes = chunkBytes
    }
}

/// What a replayed GPU activity is.
public enum ReplayActivityKind: String, Sendable {
    case compute, memory, communication

    /// The class of GPU time in the per-rank breakdown.
    var activityKind: ActivityKind {
        switch self {
        case .compute: return .compute
        case .memory: return .memory
        case .communication: return .communication
        }
    }

    var category: SpanCategory {
        switch self {
        case .compute: return .compute
        case .memory: return .memory
        case .communication: return .communication
        }
    }
}

/// How a collective is replayed.
public enum ReplayCollectiveMode: String, Sendable {
    /// Op and size known: compiled by `CollectiveCompiler` and simulated on the fabric.
    case resimulated = "re-simulated"
    /// No size in the trace: the measured duration is kept as a fixed-time task.
    case keptSizeUnknown = "kept, size unknown"
    /// Op not modelled (send/recv without a peer, barrier, unknown names): measured duration kept.
    case keptUnsupported = "kept, unsupported op"
}

/// One GPU activity (kernel, memcpy, memset) of one rank in the replay window. Times in ns, relative to
/// the rank's first replayed iteration start.
struct Activity: Sendable {
    var name: String
    var kind: ReplayActivityKind
    var iteration: Int
    var stream: Int64
    var lane: UInt8
    var start: Int64
    var duration: Int64
    /// Earliest start allowed by the host (launching runtime call, else the original start).
    var launch: Int64
    var bytes: Int64
    /// Index into `ReplayPlan.collectives`, -1 for compute and memory.
    var collective: Int
    /// Activities of the same rank this one waits for (previous on its stream, happened-before on others).
    var dependencies: [Int]
    var end: Int64 { start + duration }
}

/// One rank whose trace was given.
struct RankPlan: Sendable {
    var rank: Int
    var file: String
    var streams: [Int64]
    /// Activities in original start order.
    var activities: [Activity]
    /// Iteration starts relative to the first one (ns); host-driven lower bounds.
    var iterationOffsets: [Int64]
    /// ProfilerStep names of the replayed iterations.
    var iterationNames: [String]
}

/// A collective matched across the given ranks of its process group.
struct PlannedCollective: Sendable {
    var name: String
    var opName: String
    var op: CollectiveOp?
    var bytes: Int64
    var processGroup: String
    var groupRanks: [Int]
    var sequence: Int
    var mode: ReplayCollectiveMode
    /// (index into `ReplayPlan.ranks`, activity index) of every given member.
    var members: [(rank: Int, activity: Int)]
    var iteration: Int
}
