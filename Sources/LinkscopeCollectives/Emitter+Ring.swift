import LinkscopeCostModel
import LinkscopeSchedule

/// The ring engine shared by ring all-reduce, reduce-scatter, all-gather and the hierarchical phases.
///
/// A ring pass moves N segments around `order` (positions → ranks). Segment s is cut into `C` chunks; the
/// piece (s, c) is a dependency chain: each hop waits only for that piece's previous hop (and the reduction
/// at its receiver), so chunks pipeline and segments overlap with no global barrier.
struct RingPass {
    /// Segment sizes cut into chunks: `sizes[s][c]`.
    var sizes: [[Int64]]
    /// Per piece `s·C + c`: the tasks after which the piece is at its current holder.
    var state: [[TaskID]]
    var chunksPerSegment: Int

    /// Cuts `bytes` into `n` segments (floor/ceil) of `chunks` pieces each; every piece starts at `start`.
    init(bytes: Int64, segments n: Int, chunks: Int, start: [TaskID]) {
        sizes = Traffic.evenSplit(bytes, parts: n).map { Traffic.evenSplit($0, parts: chunks) }
        state = Array(repeating: start, count: n * chunks)
        chunksPerSegment = chunks
    }
}

extension Emitter {
    /// Chunks per segment for a ring pass of `steps` steps over `n` ranks carrying `bytes` in total.
    func ringChunks(bytes: Int64, ranks n: Int, steps: Int) -> Int {
        let largestSegment = n > 0 ? (bytes + Int64(n) - 1) / Int64(n) : bytes
        return chunkCount(largestSegment, cap: Self.cap(transfersPerChunk: n * max(steps, 1)))
    }

    /// Runs `steps` ring steps. At step t, position i sends segment `(i − t + shift) mod N` to position i+1;
    /// `reduce` adds the γ reduction at the receiver. Returns, per position, the arrivals of this pass when
    /// `collectArrivals` is set (empty lists otherwise).
    /// - Parameter localReady: per position, what its own contribution waits for (hierarchical phases).
    @discardableResult
    mutating func ringSteps(order: [Int], pass: inout RingPass, steps: Int, shift: Int, phase: Phase,
                            stepOffset: Int, reduce: Bool, channel: Int, path: TransferPath = .automatic,
                            localReady: [[TaskID]]? = nil, collectArrivals: Bool = false) -> [[TaskID]] {
        let n = order.count
        var arrivals = Array(repeating: [TaskID](), count: n)
        guard n > 1 else { return arrivals }
        let c = pass.chunksPerSegment
        // Without a reduction task or local inputs a hop depends only on the piece's previous hop: its task
        // replaces the piece's state in place, with no array allocated per transfer.
        let plain = localReady == nil && (!reduce || gamma <= 0)
        schedule.reserveAdditional(tasks: steps * c * n, dependencies: steps * c * n)
        for t in 0..<steps {
            for k in 0..<c {
                for i in 0..<n {
                    let s = ((i - t + shift) % n + n) % n
                    let bytes = pass.sizes[s][k]
                    let piece = s * c + k
                    if plain {
                        let j = (i + 1) % n
                        if let id = transferTask(devices[order[i]], devices[order[j]], bytes: bytes,
                                                 after: pass.state[piece], phase: phase, step: stepOffset + t,
                                                 chunk: k, channel: channel, path: path) {
                            pass.state[piece].removeAll(keepingCapacity: true)
                            pass.state[piece].append(id)
                            if collectArrivals { arrivals[j].append(id) }
                        }
                        continue
                    }
                    var deps = pass.state[piece]
                    if let ready = localReady?[i], !ready.isEmpty { deps = Self.unique(deps + ready) }
                    let j = (i + 1) % n
                    var got = send(order[i], order[j], bytes: bytes, after: deps, phase: phase,
                                   step: stepOffset + t, chunk: k, channel: channel, path: path)
                    if reduce {
                        var rdeps = got
                        if let ready = localReady?[j], !ready.isEmpty { rdeps = Self.unique(rdeps + ready) }
                        got = self.reduce(at: order[j], bytes: bytes, after: rdeps, phase: phase,
                                          step: stepOffset + t, chunk: k, channel: channel)
                    }
                    pass.state[piece] = got
                    if bytes > 0 && collectArrivals { arrivals[j].append(contentsOf: got) }
                }
            }
        }
        return arrivals
    }

    /// Ring all-reduce on one ring (docs/cost-model.md §6): reduce-scatter then all-gather, `2(N−1)` steps.
    mutating func ringAllReduce(order: [Int], bytes: Int64, channel: Int, start: [TaskID],
                                path: TransferPath = .automatic) {
        let n = order.count
        guard n > 1 else { return }
        let chunks = ringChunks(bytes: bytes, ranks: n, steps: 2 * (n - 1))
        var pass = RingPass(bytes: bytes, segments: n, chunks: chunks, start: start)
        if addRingProgram(order: order, pass: pass, steps: 2 * (n - 1), shift: 0, phase: .reduceScatter,
                          channel: channel, path: path) {
            return
        }
        ringSteps(order: order, pass: &pass, steps: n - 1, shift: 0, phase: .reduceScatter, stepOffset: 0,
                  reduce: true, channel: channel, path: path)
        ringSteps(order: order, pass: &pass, steps: n - 1, shift: 1, phase: .allGather, stepOffset: n - 1,
                  reduce: false, channel: channel, path: path)
    }

    /// The whole ring as one `RingProgram` when the request asks for lazy rings and the ring is plain: no
    /// reduction task, every piece non-empty, consecutive devices distinct, no NCCL pacing or wire format, and
    /// no earlier transfer on its streams. Returns false, adding nothing, otherwise (the caller emits the tasks).
    mutating func addRingProgram(order: [Int], pass: RingPass, steps: Int, shift: Int, phase: Phase, channel: Int,
                                 path: TransferPath) -> Bool {
        guard addRingProgram(order: order, pass: pass, steps: steps, shift: shift, phase: phase, channel: channel,
                             path: path, gates: [], outputIsJoin: []) != nil else { return false }
        // The eager ring ends in one sink per piece: the last hop of each.
        programSinks += order.count * pass.chunksPerSegment - 1
        return true
    }

    /// `addRingProgram` with per-position gates and outputs (see `Schedule.addRingProgram(_:tag:after:gates:
    /// outputIsJoin:)`); returns the outputs, or nil when the ring cannot be a program. Gates and the placeholder
    /// are not sinks of the collective: the outputs (or what follows them) are.
    mutating func addRingProgram(order: [Int], pass: RingPass, steps: Int, shift: Int, phase: Phase, channel: Int,
                                 path: TransferPath, gates: [[TaskID]], outputIsJoin: [Bool]) -> [TaskID]? {
        let n = order.count
        guard request.lazyRings, request.nccl == nil, gamma <= 0, n > 1, steps > 0 else { return nil }
        let ringDevices = order.map { devices[$0] }
        for i in 0..<n {
            let key = StreamKey(from: ringDevices[i], to: ringDevices[(i + 1) % n], channel: channel, path: path)
            guard key.from != key.to, lastTask(on: key) == nil else { return nil }
        }
        let pieces = pass.sizes.flatMap { $0 }
        guard pieces.allSatisfy({ $0 > 0 }), pieces.count == n * pass.chunksPerSegment else { return nil }
        let program = RingProgram(devices: ringDevices, pieceBytes: pieces, chunks: Int32(pass.chunksPerSegment),
                                  steps: Int32(steps), shift: Int32(shift), path: path)
        let (id, outputs) = schedule.addRingProgram(program, tag: tag(phase, step: 0, chunk: 0, channel: channel),
                                                    after: Self.unique(pass.state.first ?? start),
                                                    gates: gates.map { Self.unique($0) }, outputIsJoin: outputIsJoin)
        for i in 0..<n {
            setLastTask(id, on: StreamKey(from: ringDevices[i], to: ringDevices[(i + 1) % n], channel: channel, path: path))
        }
        if !outputs.isEmpty {
            notSinks.insert(id)
            for g in schedule.ringPrograms[schedule.ringPrograms.count - 1].gates { notSinks.insert(g) }
        }
        return outputs
    }

    /// Ring orders from the request (participant order when none given), validated as permutations.
    func ringOrders() throws(CollectiveError) -> [[Int]] {
        let n = ranks
        if request.rings.isEmpty { return [Array(0..<n)] }
        for r in request.rings where r.sorted() != Array(0..<n) {
            throw .invalidRequest("ring \(r) is not a permutation of ranks 0..<\(n)")
        }
        return request.rings
    }

    /// Per-ring payload: `ringWeights` (or equal shares), split exactly.
    /// Bytes per ring. When the buffer divides by N, every ring's share does too (the split is made in
    /// units of N bytes), so each rank still moves exactly `2(N−1)M/N` in total (docs/cost-model.md §6, §21 A).
    func ringShares(_ total: Int64, rings: Int) throws(CollectiveError) -> [Int64] {
        let unit = Int64(max(ranks, 1))
        let scale: Int64 = total % unit == 0 ? unit : 1
        if request.ringWeights.isEmpty { return Traffic.evenSplit(total / scale, parts: rings).map { $0 * scale } }
        guard request.ringWeights.count == rings, let s = Split.weighted(total / scale, request.ringWeights) else {
            throw .invalidRequest("ringWeights must hold one non-negative weight per ring, not all zero")
        }
        return s.map { $0 * scale }
    }
}
