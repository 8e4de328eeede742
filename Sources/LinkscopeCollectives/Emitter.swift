import LinkscopeCostModel
import LinkscopeSchedule

/// Most transfers one compiled collective may add before chunk counts are reduced (keeps a 1 GiB all-reduce over
/// 1024 GPUs at a few million tasks).
let transferBudget = 4_000_000

/// Appends one collective's tasks to a schedule. Owns the schedule while compiling (swapped in and out by
/// `CollectiveCompiler.compile`) so algorithms are plain mutating methods.
struct Emitter {
    var schedule: Schedule
    let request: CollectiveRequest
    /// Device of each rank.
    let devices: [Int32]
    /// Tasks the collective starts after.
    let start: [TaskID]
    /// Reduction cost in seconds per byte (γ).
    let gamma: Double
    /// Last transfer issued on each stream (from, to, channel, path): a stream sends its pieces in order,
    /// as an NCCL channel's connection does, so chunk k+1 starts once chunk k's bytes are served (its hop
    /// latency overlaps chunk k+1, as NCCL keeps several steps in flight). Without this, a
    /// message cut into C chunks would be C concurrent flows: it would take C shares of a contended link
    /// and a pipelined tree would degenerate into store-and-forward. Algorithms emit each stream's
    /// pieces in time order (step, then chunk). Looked up only, never iterated (determinism).
    var lastOnStream: [StreamKey: TaskID] = [:]
    /// Write-back cache in front of `lastOnStream`, one entry per sending device: a device sends to the same
    /// peer on the same channel many times in a row (a ring step after step), so the dictionary is hashed only
    /// when a device changes stream. An entry's value supersedes the dictionary's for its key; it is written
    /// back when another key of the same device replaces it.
    var streamCache: [StreamCacheEntry] = []
    /// NCCL pacing: the slot delay of the last piece on each stream (see `transfer`).
    var paceOnStream: [StreamKey: TaskID] = [:]
    /// Sinks that ring programs stand for beyond their one placeholder each: `finish` joins the sinks exactly
    /// when the eager ring's would be joined, so both forms run the same tasks and count the same events.
    var programSinks = 0
    /// Tasks that end nothing although nothing depends on them: the gates and placeholders of ring programs
    /// with outputs (their outputs carry the ring's completion). Looked up only.
    var notSinks: Set<TaskID> = []
    var ranks: Int { devices.count }

    struct StreamKey: Hashable {
        var from: Int32
        var to: Int32
        var channel: Int
        var path: TransferPath
    }

    struct StreamCacheEntry {
        var key: StreamKey
        var task: TaskID
        var valid: Bool
    }

    /// Devices below this index use `streamCache`; others (never in practice) only the dictionary.
    static let streamCacheDevices = 1 << 16

    /// The last transfer issued on `key`'s stream, if any.
    func lastTask(on key: StreamKey) -> TaskID? {
        let f = Int(key.from)
        if f < streamCache.count, streamCache[f].valid, streamCache[f].key == key { return streamCache[f].task }
        return lastOnStream[key]
    }

    /// Records `id` as the last transfer on `key`'s stream.
    mutating func setLastTask(_ id: TaskID, on key: StreamKey) {
        let f = Int(key.from)
        guard f < Self.streamCacheDevices else {
            lastOnStream[key] = id
            return
        }
        if f >= streamCache.count {
            let empty = StreamCacheEntry(key: key, task: id, valid: false)
            streamCache.append(contentsOf: repeatElement(empty, count: f + 1 - streamCache.count))
        }
        let old = streamCache[f]
        if old.valid && old.key != key { lastOnStream[old.key] = old.task }
        streamCache[f] = StreamCacheEntry(key: key, task: id, valid: true)
    }

    init(schedule: Schedule, request: CollectiveRequest, start: [TaskID]) {
        self.schedule = schedule
        self.request = request
        self.devices = request.participants.map { Int32(truncatingIfNeeded: $0) }
        self.start = start
        self.gamma = max(0, request.reductionSecondsPerByte)
    }

    func tag(_ phase: Phase, step: Int, chunk: Int, channel: Int) -> TaskTag {
        TaskTag(collective: request.collectiveID, phase: phase, step: Int32(truncatingIfNeeded: step),
                chunk: Int32(truncatingIfNeeded: chunk), instance: Int16(truncatingIfNeeded: channel))
    }

    /// Moves `bytes` from rank `from` to rank `to` after `deps`; returns the tasks that mark its arrival.
    /// A transfer of nothing, or between ranks on the same device, costs nothing and adds no task: the
    /// dependencies pass through (and it moves no network bytes).
    mutating func send(_ from: Int, _ to: Int, bytes: Int64, after deps: [TaskID], phase: Phase, step: Int,
                       chunk: Int = 0, channel: Int = 0, path: TransferPath = .automatic) -> [TaskID] {
        transfer(devices[from], devices[to], bytes: bytes, after: deps, phase: phase, step: step, chunk: chunk,
                 channel: channel, path: path)
    }

    /// `send` between devices (parameter servers need not be ranks).
    mutating func transfer(_ a: Int32, _ b: Int32, bytes: Int64, after deps: [TaskID], phase: Phase, step: Int,
                           chunk: Int = 0, channel: Int = 0, path: TransferPath = .automatic) -> [TaskID] {
        guard let id = transferTask(a, b, bytes: bytes, after: deps, phase: phase, step: step, chunk: chunk,
                                    channel: channel, path: path) else { return deps }
        return [id]
    }

    /// `transfer` returning the transfer's task itself, nil when nothing moves (no array to allocate).
    mutating func transferTask(_ a: Int32, _ b: Int32, bytes: Int64, after deps: [TaskID], phase: Phase, step: Int,
                               chunk: Int = 0, channel: Int = 0, path: TransferPath = .automatic) -> TaskID? {
        guard bytes > 0, a != b else { return nil }
        let key = StreamKey(from: a, to: b, channel: channel, path: path)
        let previous = lastTask(on: key).flatMap { deps.contains($0) ? nil : $0 }
        let wire = request.nccl?.wireBytes(bytes) ?? bytes
        // NCCL pacing: a stream starts a piece at most once per slot of `pacing` seconds (a delay
        // that starts with the piece gates the next one), holding the channel to its modelled rate.
        var deps = deps
        var pace = 0.0
        if let pacing = request.nccl?.pacing, channel < pacing.count, pacing[channel] > 0 {
            pace = pacing[channel]
            if let gate = paceOnStream[key] { deps = Self.unique(deps + [gate]) }
        }
        let id = schedule.add(.transfer(from: a, to: b, bytes: wire, path: path),
                              tag: tag(phase, step: step, chunk: chunk, channel: channel), after: deps,
                              afterServed: previous)
        setLastTask(id, on: key)
        if pace > 0 {
            // Tagged with no collective: a slot gate is not part of the collective's time or its sinks.
            paceOnStream[key] = schedule.add(.delay(seconds: pace), tag: TaskTag(), after: deps, afterServed: previous)
        }
        return id
    }

    /// Reduction of `bytes` received at `rank` (γ > 0 only); returns what later work must wait for.
    mutating func reduce(at rank: Int, bytes: Int64, after deps: [TaskID], phase: Phase, step: Int, chunk: Int = 0,
                         channel: Int = 0) -> [TaskID] {
        reduce(device: devices[rank], bytes: bytes, after: deps, phase: phase, step: step, chunk: chunk,
               channel: channel)
    }

    /// Reduction of `bytes` on `device`'s compute lane 0, `bytes·γ` seconds (γ > 0 only).
    mutating func reduce(device: Int32, bytes: Int64, after deps: [TaskID], phase: Phase, step: Int,
                         chunk: Int = 0, channel: Int = 0) -> [TaskID] {
        guard gamma > 0, bytes > 0 else { return deps }
        let id = schedule.add(.compute(device: device, seconds: Double(bytes) * gamma, lane: 0),
                              tag: tag(phase, step: step, chunk: chunk, channel: channel), after: deps)
        return [id]
    }

    /// Collapses a long dependency list into one zero-length delay so that fan-in stays O(n), not O(n²).
    mutating func join(_ deps: [TaskID], phase: Phase, step: Int = 0, channel: Int = 0) -> [TaskID] {
        let unique = Self.unique(deps)
        guard unique.count > 8 else { return unique }
        let id = schedule.add(.delay(seconds: 0), tag: tag(phase, step: step, chunk: 0, channel: channel),
                              after: unique)
        return [id]
    }

    /// Sorted, duplicate-free copy (deterministic).
    static func unique(_ ids: [TaskID]) -> [TaskID] {
        var out = ids.sorted()
        var w = 0
        for i in out.indices where i == 0 || out[i] != out[i - 1] {
            out[w] = out[i]
            w += 1
        }
        out.removeLast(out.count - w)
        return out
    }

    /// Pipeline chunks for a message of `bytes`: `⌈bytes/chunkBytes⌉` pieces, at most `cap`, split floor/ceil.
    func chunks(_ bytes: Int64, cap: Int = Int.max) -> [Int64] {
        Traffic.evenSplit(bytes, parts: chunkCount(bytes, cap: cap))
    }

    /// Chunk count for `bytes` under the request's `chunkBytes`, capped at `cap` (≥ 1).
    func chunkCount(_ bytes: Int64, cap: Int = Int.max) -> Int {
        let c = max(request.chunkBytes, 1)
        let wanted = bytes <= 0 ? 1 : Int((bytes + c - 1) / c)
        return max(1, min(wanted, cap))
    }

    /// Chunk cap so that `transfersPerChunk × chunks` stays within the transfer budget.
    static func cap(transfersPerChunk: Int) -> Int { max(1, transferBudget / max(transfersPerChunk, 1)) }
}

/// Exact splits of byte counts.
enum Split {
    /// Splits `total` by `weights` (largest remainder, ties to the lower index); sums exactly to `total`.
    static func weighted(_ total: Int64, _ weights: [Double]) -> [Int64]? {
        guard !weights.isEmpty, weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return nil }
        let exact = weights.map { Double(total) * $0 / sum }
        var parts = exact.map { Int64($0.rounded(.down)) }
        var left = total - parts.reduce(0, +)
        let order = exact.indices.sorted { a, b in
            let ra = exact[a] - Double(parts[a]), rb = exact[b] - Double(parts[b])
            return ra != rb ? ra > rb : a < b
        }
        var k = 0
        while left > 0, !order.isEmpty {
            parts[order[k % order.count]] += 1
            left -= 1
            k += 1
        }
        while left < 0, !order.isEmpty {  // rounding overshoot (cannot happen with floor, kept for safety)
            let i = order[order.count - 1 - (k % order.count)]
            if parts[i] > 0 { parts[i] -= 1; left += 1 }
            k += 1
        }
        return parts
    }
}
