import LinkscopeUnits

/// Index of a task in a `Schedule`.
public struct TaskID: Hashable, Comparable, Sendable {
    /// The task's position in `Schedule.tasks` (Int32 keeps millions of ids compact).
    public var rawValue: Int32
    /// The id of the task at `rawValue`.
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    /// The id of the task at `rawValue` (must fit Int32).
    public init(_ rawValue: Int) { self.rawValue = Int32(rawValue) }
    /// `rawValue` as an array index.
    public var index: Int { Int(rawValue) }
    /// Ids order by position: a task's dependencies always come before it.
    public static func < (a: TaskID, b: TaskID) -> Bool { a.rawValue < b.rawValue }
}

/// Which links a transfer may take (mirrors the topology's path preference without importing it).
public enum TransferPath: UInt8, Sendable, Hashable {
    case automatic
    case avoidNVLink
    case nvlinkOnly
}

/// What a task does. Devices are topology device indices.
public enum TaskKind: Sendable, Hashable {
    /// Move `bytes` from device `from` to device `to` over the fabric.
    case transfer(from: Int32, to: Int32, bytes: Int64, path: TransferPath)
    /// Occupy a compute lane of `device` for `seconds` (lane 0 = compute stream).
    case compute(device: Int32, seconds: Double, lane: UInt8)
    /// Wait `seconds` without occupying anything (fixed overheads).
    case delay(seconds: Double)
}

/// The phase of a collective a task belongs to, for timelines and reports.
public enum Phase: UInt8, Sendable, Hashable, CaseIterable {
    case none, reduceScatter, allGather, reduce, broadcast, gather, scatter, allToAll, sendRecv
    case push, pull, intraReduceScatter, interAllReduce, intraAllGather, forward, backward, update
    /// A pipeline stage's step: the tag's `chunk` holds the micro-batch, its instance field the model chunk.
    case stageForward, stageBackward
    /// The phase as reports and timelines print it; empty for `.none`.
    public var name: String {
        switch self {
        case .none: return ""
        case .reduceScatter: return "reduce-scatter"
        case .allGather: return "all-gather"
        case .reduce: return "reduce"
        case .broadcast: return "broadcast"
        case .gather: return "gather"
        case .scatter: return "scatter"
        case .allToAll: return "all-to-all"
        case .sendRecv: return "send/recv"
        case .push: return "push"
        case .pull: return "pull"
        case .intraReduceScatter: return "intra reduce-scatter"
        case .interAllReduce: return "inter all-reduce"
        case .intraAllGather: return "intra all-gather"
        case .forward: return "forward"
        case .backward: return "backward"
        case .update: return "update"
        case .stageForward: return "forward"
        case .stageBackward: return "backward"
        }
    }
}

/// Labels a task with where it comes from: collective, phase, step, chunk, and the tree/ring used.
public struct TaskTag: Sendable, Hashable {
    // Stored widest first, the one-byte phase last: 16 bytes instead of 20, and 48 per task instead of 56.
    /// The collective (or training job element) the task belongs to; -1 for none.
    public var collective: Int32
    /// Algorithm step (ring step, tree level) or training iteration.
    public var step: Int32
    /// Pipelined chunk of the message, or micro-batch for pipeline stages.
    public var chunk: Int32
    /// Which instance of the phase's repeated structure the task belongs to; its meaning depends on the phase:
    /// the ring or tree of a multi-ring / multi-tree collective, the model chunk of a pipeline stage step
    /// (`.stageForward`, `.stageBackward`), the rank of a training compute task (`.forward`, `.backward`,
    /// `.update`), the server shard of a parameter-server push or pull.
    public var instance: Int16
    /// The phase of the algorithm or training step.
    public var phase: Phase
    /// A tag; every field defaults to "none" (collective -1, phase `.none`, zeros).
    public init(collective: Int32 = -1, phase: Phase = .none, step: Int32 = 0, chunk: Int32 = 0, instance: Int16 = 0) {
        self.collective = collective
        self.phase = phase
        self.step = step
        self.chunk = chunk
        self.instance = instance
    }
}

/// One node of the task graph.
public struct Task: Sendable, Hashable {
    /// What the task does.
    public var kind: TaskKind
    /// Where the task comes from, for timelines and reports.
    public var tag: TaskTag
    /// Range of this task's dependencies in `Schedule.dependencyList`.
    public var dependencyStart: Int32
    /// Number of entries of `dependencyList` from `dependencyStart`.
    public var dependencyCount: Int32
    /// A transfer this task waits for only until its bytes are *served* (sent), not delivered: the
    /// previous piece on the same stream, so that a stream keeps pieces in order while its hop latency
    /// overlaps the next piece (as NCCL keeps several steps in flight). -1 when none.
    public var servedDependency: Int32 = -1
}

/// A DAG of transfers and computations. A task starts once all its dependencies have finished.
///
/// Collectives compile to schedules (chunked and pipelined where the real algorithm is); the fabric
/// runs them. Dependencies are stored flat (CSR) so that millions of tasks stay compact.
public struct Schedule: Sendable {
    /// Tasks in insertion order; `TaskID(i)` is `tasks[i]`.
    public private(set) var tasks: [Task] = []
    /// Every task's dependencies, back to back (each task's range is in the task).
    public private(set) var dependencyList: [TaskID] = []
    /// Rings compiled lazily, in placeholder order (see `RingProgram`); their transfers are not in `tasks`.
    public private(set) var ringPrograms: [RingProgram] = []

    /// An empty schedule.
    public init() {}

    /// Number of tasks.
    public var count: Int { tasks.count }
    /// No tasks at all.
    public var isEmpty: Bool { tasks.isEmpty }

    /// Adds a task that starts after every task in `dependencies`.
    /// - Complexity: O(number of dependencies).
    /// - Parameter served: a task this one waits for until its bytes are served, not delivered (see
    ///   `Task.servedDependency`); for tasks that are not transfers, served means finished.
    @discardableResult
    public mutating func add<S: Sequence>(_ kind: TaskKind, tag: TaskTag = TaskTag(), after dependencies: S,
                                          afterServed served: TaskID? = nil) -> TaskID
    where S.Element == TaskID {
        appendTask(kind, tag: tag, after: dependencies, afterServed: served)
    }

    /// The one implementation of `add`, specialised inside this module for each sequence type it is given.
    private mutating func appendTask<S: Sequence>(_ kind: TaskKind, tag: TaskTag, after dependencies: S,
                                                  afterServed served: TaskID?) -> TaskID
    where S.Element == TaskID {
        let start = Int32(dependencyList.count)
        for d in dependencies {
            precondition(d.index < tasks.count, "dependency on a later task")
            dependencyList.append(d)
        }
        if let served { precondition(served.index < tasks.count, "dependency on a later task") }
        let id = TaskID(tasks.count)
        tasks.append(Task(kind: kind, tag: tag, dependencyStart: start,
                          dependencyCount: Int32(dependencyList.count) - start,
                          servedDependency: served?.rawValue ?? -1))
        return id
    }

    /// Adds a task that starts after every task in `dependencies`: the array form the compilers call for
    /// millions of tasks, so that the loop is specialised here instead of running through the generic form's
    /// witness tables from another module.
    /// - Complexity: O(number of dependencies).
    @discardableResult
    public mutating func add(_ kind: TaskKind, tag: TaskTag = TaskTag(), after dependencies: [TaskID],
                             afterServed served: TaskID? = nil) -> TaskID {
        appendTask(kind, tag: tag, after: dependencies, afterServed: served)
    }

    /// Adds a task with no dependencies (it can start at time zero).
    /// - Complexity: O(1) amortised.
    @discardableResult
    public mutating func add(_ kind: TaskKind, tag: TaskTag = TaskTag()) -> TaskID {
        add(kind, tag: tag, after: EmptyCollection<TaskID>())
    }

    /// The tasks `id` waits for, in the order they were given.
    /// - Complexity: O(1) (a slice of `dependencyList`).
    public func dependencies(of id: TaskID) -> ArraySlice<TaskID> {
        let t = tasks[id.index]
        return dependencyList[Int(t.dependencyStart)..<Int(t.dependencyStart + t.dependencyCount)]
    }

    /// Reserves room for `n` tasks and `d` dependency entries in all (large compiled collectives).
    public mutating func reserveCapacity(tasks n: Int, dependencies d: Int) {
        tasks.reserveCapacity(n)
        dependencyList.reserveCapacity(d)
    }

    /// Room for `n` more tasks and `d` more dependencies, growing geometrically (at least doubling) so that
    /// repeated calls stay amortised O(1) per task.
    public mutating func reserveAdditional(tasks n: Int, dependencies d: Int) {
        if tasks.capacity < tasks.count + n { tasks.reserveCapacity(Swift.max(tasks.count + n, 2 * tasks.capacity)) }
        let needed = dependencyList.count + d
        if dependencyList.capacity < needed {
            dependencyList.reserveCapacity(Swift.max(needed, 2 * dependencyList.capacity))
        }
    }

    /// The task with this id.
    public subscript(id: TaskID) -> Task { tasks[id.index] }

    /// Records a ring program whose tasks were just added (`addRingProgram`).
    mutating func appendRingProgram(_ program: RingProgram) {
        precondition(program.placeholder.index < tasks.count, "a ring program's placeholder is one of its tasks")
        precondition(ringPrograms.last.map { $0.placeholder < program.placeholder } ?? true,
                     "ring programs are kept in placeholder order")
        ringPrograms.append(program)
    }

    /// Transfers the schedule makes: its transfer tasks plus those of its ring programs.
    public var transferCount: Int {
        tasks.reduce(0) { acc, t in
            if case .transfer = t.kind { return acc + 1 }
            return acc
        } + ringPrograms.reduce(0) { $0 + $1.transferCount }
    }

    /// Total bytes of all transfers, those of ring programs included.
    public var transferredBytes: Int64 {
        tasks.reduce(0) { acc, t in
            if case .transfer(_, _, let b, _) = t.kind { return acc + b }
            return acc
        } + ringPrograms.reduce(0) { $0 + $1.bytesSent().reduce(0, +) }
    }
}
