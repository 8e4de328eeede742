import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeSchedule

/// Gradient-sync schemes that run for real.
public enum SyncScheme: String, Sendable, CaseIterable {
    case ring, tree, naive, ps

    /// The collective algorithm the simulator compiles for it.
    public var algorithm: Algorithm {
        switch self {
        case .ring: return .ring
        case .tree: return .tree
        case .naive: return .naive
        case .ps: return .ps
        }
    }
}

/// Which buffer of a device a data action touches.
public enum BufferRole: Sendable, Hashable {
    /// A worker's gradient buffer: the input, reduced in place into the result.
    case gradients
    /// A copy of a worker's gradients taken before the collective (naive all-reduce reads peers' originals).
    case snapshot
    /// A parameter server's shard accumulator (sum of pushed gradients).
    case serverSum
    /// A parameter server's weights (pulled by workers after the server's update).
    case serverWeights
    /// A worker's weights (what a parameter-server pull overwrites).
    case weights
}

/// What one transfer of a compiled collective does to real memory: `dst[range] (+)= src[range]`.
public struct DataAction: Sendable, Hashable {
    public var task: Int
    public var from: Int
    public var to: Int
    public var source: BufferRole
    public var destination: BufferRole
    /// Element range (floats) in both buffers.
    public var range: Range<Int>
    public var accumulate: Bool
}

/// Why a compiled schedule cannot be executed on buffers.
public struct CollectivePlanError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// A collective compiled by `CollectiveCompiler` (the simulator's own DAG) with the data meaning of each
/// transfer, so that threads or MPI ranks execute exactly the schedule the fabric simulates.
///
/// The request is compiled in *elements* (one "byte" of the schedule = one float) so that every piece is
/// whole floats; the simulator compiles the same algorithm over `4 × elements` bytes. Each transfer's element
/// range follows from its tags (phase, step, chunk, channel) and the algorithm's layout, and its size is
/// checked against the transfer's own count, so a compiler change that moves data differently fails loudly.
public struct CollectivePlan: Sendable {
    public let scheme: SyncScheme
    public let workers: Int
    public let elements: Int
    /// Devices: workers are 0..<workers; parameter servers follow.
    public let servers: [Int]
    public let schedule: Schedule
    /// Per task: its data action (transfers), or nil (joins).
    public let actions: [DataAction?]
    /// Per task: the device whose thread executes it (the receiver of a transfer).
    public let executor: [Int]
    /// Per parameter-server shard: its element range, and the task after which the server updates it.
    public let shards: [Range<Int>]
    public let shardReadyTask: [Int]

    public init(scheme: SyncScheme, workers n: Int, elements: Int, servers k: Int = 1,
                chunkElements: Int = 1 << 16) throws {
        guard n >= 1 else { throw CollectivePlanError(description: "need at least one worker") }
        self.scheme = scheme
        self.workers = n
        self.elements = elements
        let serverDevices = scheme == .ps ? Array(n..<(n + max(1, k))) : []
        servers = serverDevices
        var request = CollectiveRequest(op: .allreduce, algorithm: scheme.algorithm, bytes: Int64(elements),
                                        participants: Array(0..<n), servers: serverDevices,
                                        chunkBytes: Int64(max(1, chunkElements)))
        request.serverShares = []
        var schedule = Schedule()
        if n > 1 || scheme == .ps {
            do { _ = try CollectiveCompiler.compile(request, into: &schedule) } catch {
                throw CollectivePlanError(description: "cannot compile \(scheme.rawValue): \(error)")
            }
        }
        self.schedule = schedule
        let shardSizes = Traffic.evenSplit(Int64(elements), parts: max(1, serverDevices.count)).map(Int.init)
        var shardRanges: [Range<Int>] = []
        var at = 0
        for s in shardSizes { shardRanges.append(at..<(at + s)); at += s }
        shards = scheme == .ps ? shardRanges : []

        // Chunk counts per (phase family, channel): the compiler cuts a message into ⌈size/chunk⌉ even pieces.
        var chunkCount: [Int: Int] = [:]
        for t in schedule.tasks {
            guard case .transfer = t.kind else { continue }
            let key = Int(t.tag.instance)
            chunkCount[key] = max(chunkCount[key] ?? 0, Int(t.tag.chunk) + 1)
        }
        var acts: [DataAction?] = []
        var exec: [Int] = []
        var ready = Array(repeating: -1, count: shards.count)
        for (id, t) in schedule.tasks.enumerated() {
            switch t.kind {
            case .transfer(let a, let b, let bytes, _):
                let from = Int(a), to = Int(b)
                let chunks = chunkCount[Int(t.tag.instance)] ?? 1
                let action = try Self.action(scheme: scheme, task: id, tag: t.tag, from: from, to: to, workers: n,
                                             elements: elements, chunks: chunks, shards: shardRanges)
                guard action.range.count == Int(bytes) else {
                    throw CollectivePlanError(description: "\(scheme.rawValue) task \(id): tags give \(action.range.count) "
                                              + "elements, the schedule moves \(bytes)")
                }
                acts.append(action)
                exec.append(to)
                if t.tag.phase == .push { ready[Int(t.tag.instance)] = max(ready[Int(t.tag.instance)], id) }
            case .delay:
                acts.append(nil)
                if t.tag.phase == .update, scheme == .ps {
                    let j = Int(t.tag.instance)
                    exec.append(serverDevices[j])
                    ready[j] = max(ready[j], id)
                } else {
                    exec.append(exec.last ?? 0)
                }
            case .compute:
                throw CollectivePlanError(description: "reduction tasks are not executed (compile with γ = 0)")
            }
        }
        actions = acts
        executor = exec
        shardReadyTask = ready
    }

    /// The element range and buffers of one transfer, from the algorithm's data layout.
    static func action(scheme: SyncScheme, task: Int, tag: TaskTag, from: Int, to: Int, workers n: Int,
                       elements: Int, chunks: Int, shards: [Range<Int>]) throws -> DataAction {
        func piece(_ whole: Range<Int>, _ c: Int, of parts: Int) -> Range<Int> {
            let sizes = Traffic.evenSplit(Int64(whole.count), parts: parts)
            let start = whole.lowerBound + sizes.prefix(c).reduce(0) { $0 + Int($1) }
            return start..<(start + Int(sizes[min(c, sizes.count - 1)]))
        }
        let all = 0..<elements
        let c = Int(tag.chunk)
        switch (scheme, tag.phase) {
        case (.ring, .reduceScatter), (.ring, .allGather):
            // Step t: position i sends segment (i − t + shift) mod N; all-gather steps follow N−1 reduce-scatter steps.
            let gather = tag.phase == .allGather
            let t = Int(tag.step) - (gather ? n - 1 : 0)
            let s = ((from - t + (gather ? 1 : 0)) % n + n) % n
            let segment = piece(all, s, of: n)
            return DataAction(task: task, from: from, to: to, source: .gradients, destination: .gradients,
                              range: piece(segment, c, of: chunks), accumulate: !gather)
        case (.tree, .reduce), (.tree, .broadcast):
            return DataAction(task: task, from: from, to: to, source: .gradients, destination: .gradients,
                              range: piece(all, c, of: chunks), accumulate: tag.phase == .reduce)
        case (.naive, .allToAll):
            return DataAction(task: task, from: from, to: to, source: .snapshot, destination: .gradients,
                              range: piece(all, c, of: chunks), accumulate: true)
        case (.ps, .push), (.ps, .pull):
            let j = Int(tag.instance)
            guard j < shards.count else { throw CollectivePlanError(description: "ps task \(task): no shard \(j)") }
            let push = tag.phase == .push
            return DataAction(task: task, from: from, to: to, source: push ? .gradients : .serverWeights,
                              destination: push ? .serverSum : .weights, range: piece(shards[j], c, of: chunks),
                              accumulate: push)
        default:
            throw CollectivePlanError(description: "\(scheme.rawValue) task \(task): unexpected phase \(tag.phase.name)")
        }
    }

    /// Tasks each device executes, in schedule order (a topological order, so executing them in this order
    /// on every device cannot deadlock: a wait always points to a lower task id).
    public func tasks(of device: Int) -> [Int] {
        executor.indices.filter { executor[$0] == device }
    }

    /// Bytes the schedule moves (4 per element).
    public var bytesMoved: Int64 { schedule.transferredBytes * 4 }
}
