import LinkscopeUnits

/// A piece of a link's load history: between `start` and `end` the link carried `bytesPerSecond`
/// summed over its active flows.
public struct RateSegment: Sendable, Hashable {
    public var start: Double
    public var end: Double
    public var bytesPerSecond: Double
    public init(start: Double, end: Double, bytesPerSecond: Double) {
        self.start = start
        self.end = end
        self.bytesPerSecond = bytesPerSecond
    }
}

/// Everything that happened when a schedule ran. Times are seconds from the run's start.
public struct ExecutionResult: Sendable {
    /// When each task started (dependencies done, plus lane queueing for compute).
    public var taskStart: [Double]
    /// When each task finished (a transfer: last byte delivered, including path latency).
    public var taskEnd: [Double]
    /// Link indices each transfer crossed (empty for non-transfers and same-device transfers).
    /// Built on demand from the per-task route-set ids; `route(ofTask:)` reads one without building all.
    public var taskRoutes: [[Int32]] {
        taskRouteSet.map { $0 >= 0 ? routeSetLinks[Int($0)] : [] }
    }
    /// Per task, the route set it used (an index into `routeSetLinks`), -1 for none: one Int32 per task
    /// instead of an array per task.
    public var taskRouteSet: [Int32]
    /// Links of each route set (the links of all its parts, concatenated).
    public var routeSetLinks: [[Int32]]
    /// Bytes carried per directed link (exact integers: each transfer adds its bytes to every hop).
    public var linkBytes: [Int64]
    /// Seconds during which each link carried at least one flow.
    public var linkBusy: [Double]
    /// Link indices task `i` crossed (empty for non-transfers and same-device transfers). - Complexity: O(1).
    @inlinable public func route(ofTask i: Int) -> [Int32] {
        i < taskRouteSet.count && taskRouteSet[i] >= 0 ? routeSetLinks[Int(taskRouteSet[i])] : []
    }
    /// Per-link load history, present when requested in `FabricOptions.recordLinkHistory`.
    /// Segments are in time order, cover exactly the busy time, merge consecutive equal rates and
    /// omit idle gaps; they integrate to `linkBytes` less the bytes of mirrored transfers, which have no
    /// rate segments (`FabricSimulator.run(_:mirrors:)`).
    public var linkHistory: [[RateSegment]]?
    /// Events the engine processed.
    public var events: Int
    /// Time the last task finished.
    public var makespan: Double
    /// Outdated completion predictions the engine popped and skipped (rate changes reschedule
    /// flows; the old event stays queued). Not part of `events`.
    public var staleEvents: Int = 0
    /// Per device, when transfers of the schedule's ring programs (which have no task of their own) occupied it
    /// as sender or receiver: intervals merged where they overlap or touch. Empty without ring programs.
    public var programIntervals: [[(start: Double, end: Double)]] = []
    /// Per device, the length of program-transfer intervals folded away to bound memory on very large rings
    /// (only on devices without tasks of their own; disjoint from `programIntervals`). Empty without programs.
    public var programFoldedLength: [Double] = []

    public init(taskStart: [Double], taskEnd: [Double], taskRoutes: [[Int32]], linkBytes: [Int64],
                linkBusy: [Double], linkHistory: [[RateSegment]]?, events: Int, makespan: Double) {
        self.taskStart = taskStart
        self.taskEnd = taskEnd
        self.routeSetLinks = taskRoutes
        self.taskRouteSet = taskRoutes.indices.map { taskRoutes[$0].isEmpty ? -1 : Int32($0) }
        self.linkBytes = linkBytes
        self.linkBusy = linkBusy
        self.linkHistory = linkHistory
        self.events = events
        self.makespan = makespan
    }
}

/// Knobs of a fabric run.
public struct FabricOptions: Sendable {
    /// Record per-link rate segments (for heat maps); costs memory proportional to rate changes.
    public var recordLinkHistory: Bool
    /// Multiplies every link's bandwidth (protocol efficiency, docs/hardware.md §3); 1 = line rate.
    public var linkEfficiency: Double
    public init(recordLinkHistory: Bool = false, linkEfficiency: Double = 1) {
        self.recordLinkHistory = recordLinkHistory
        self.linkEfficiency = linkEfficiency
    }
}

/// Why a schedule cannot run.
public enum FabricError: Error, Equatable, Sendable {
    /// No path between two devices with the requested preference.
    case noRoute(from: Int, to: Int)
    /// A task names a device index outside the topology.
    case unknownDevice(Int)
}
