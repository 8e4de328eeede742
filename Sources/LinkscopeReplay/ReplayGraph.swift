import LinkscopeCostModel
import LinkscopeTimeline

/// The per-rank workload graph both replays run: a Kineto trace (`ReplayPlan`) and Chakra graphs
/// (`ChakraPlan`) each become one, and `ReplayRunner` turns it into a schedule, runs it on the fabric and
/// reads the times back.
struct ReplayGraph: Sendable {
    /// What a step occupies.
    enum Work: Sendable, Equatable {
        /// Measured time on a lane of the rank's GPU (lanes run their steps one at a time, FIFO).
        case compute(lane: UInt8, nanoseconds: Int64)
        /// A zero-time pass-through.
        case pass
        /// Member of communication `index` (into `communications`).
        case communication(Int)
    }

    /// When the host releases a step, besides its dependencies.
    enum Release: Sendable, Equatable {
        /// `wait` ns after the origin of the rank's iteration `iteration` (the trace's launch times).
        case launch(iteration: Int, wait: Int64)
        /// At time 0 when the step has no dependency (a graph without times).
        case whenFree
    }

    /// One step of a rank, in the rank's order.
    struct Step: Sendable {
        var work: Work
        /// Steps of the same rank this one waits for.
        var deps: [Int]
        var release: Release
        /// GPU time class in the breakdown; nil when the step is not GPU time (host, pass-through).
        var kind: ActivityKind?
        /// The predicted start is the end of the ready task (communication waits for its peers inside).
        var startsWhenReady: Bool
        // How the step is drawn on the timelines.
        var name: String
        /// Index into the rank's `tracks`; -1 when not drawn.
        var track: Int
        var category: SpanCategory?
        var bytes: Int64
        /// Detail fields before the collective's mode and index.
        var fields: [(String, String)]
    }

    /// A timeline lane of a rank.
    struct TrackSpec: Sendable {
        var lane: String
        var sortIndex: Int
        var tid: Int
        /// A host lane: no GPU.
        var host: Bool
    }

    /// One rank whose input was given.
    struct Rank: Sendable {
        var rank: Int
        var file: String
        var steps: [Step]
        /// Iteration origins from time 0, ns (none for graphs without iterations).
        var iterationOffsets: [Int64]
        var tracks: [TrackSpec]
    }

    /// A collective matched across ranks, or a point-to-point transfer.
    struct Communication: Sendable {
        /// (index into `ranks`, step) of every given member.
        var members: [(rank: Int, step: Int)]
        var mode: ReplayCollectiveMode
        var op: CollectiveOp?
        /// `CollectiveRequest.bytes`, or the transfer size of a send/recv.
        var bytes: Int64
        /// Global ranks of the group (send/recv: [src, dst]).
        var groupRanks: [Int]
        /// Root as an index into `groupRanks`.
        var root: Int
        var pointToPoint: (src: Int, dst: Int)?
        /// The fixed time kept when the communication is not re-simulated, ns.
        var keptNanoseconds: Int64
        // What the comparison table shows.
        var name: String
        var opLabel: String
        var processGroup: String
        var sequence: Int
        var iteration: Int
        var originalNanoseconds: Int64
    }

    var ranks: [Rank]
    var communications: [Communication]
    /// Ranks without input and the given rank that stands for each.
    var mirrored: [(rank: Int, source: Int)]
    var worldSize: Int
    var chunkBytes: Int64
    /// Timeline metadata `format`, when not a Kineto trace.
    var format: String?
    /// The warning when communications had to start without every member, after the count.
    var forcedStartWarning: String
}
