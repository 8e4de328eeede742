/// A plain ring pass compiled lazily: instead of one task per transfer (2·N·(N−1) of them for a ring
/// all-reduce, 537 M on 16,384 GPUs), the schedule holds this description and one placeholder task, and the
/// fabric creates each transfer when it can start (ASTRA-sim's collective layer issues its steps the same way).
///
/// The transfers and their order are exactly those of the eager ring (`Emitter.ringSteps` with no reduction
/// task and no local inputs): at global step g, position i sends chunk k of segment `(i − g + shift) mod N` to
/// position i+1. A transfer waits for the same piece's previous hop (step g−1 at position i−1) to be delivered,
/// and for the previous transfer on its stream (position i's previous (step, chunk) in step-major order) to be
/// served. The placeholder starts when the ring may start and finishes when its last transfer is delivered.
public struct RingProgram: Sendable, Hashable {
    /// The `.delay(seconds: 0)` task standing for the whole ring (its dependencies start the ring, its
    /// successors wait for the end of the ring).
    public var placeholder: TaskID
    /// Device of each ring position, in ring order; consecutive devices differ.
    public var devices: [Int32]
    /// Bytes of chunk k of segment s at `s · chunks + k`; every piece is positive.
    public var pieceBytes: [Int64]
    /// Chunks per segment.
    public var chunks: Int32
    /// Ring steps in all (2(N−1) for an all-reduce).
    public var steps: Int32
    /// Segment offset: position i sends segment `(i − g + shift) mod N` at step g.
    public var shift: Int32
    /// Path preference of every transfer.
    public var path: TransferPath
    /// Per position, a task the position's sends wait for besides the ring's start (its own contribution being
    /// ready, as in a hierarchical all-reduce's inter-node phase); empty: none. Added by `addRingProgram`.
    public var gates: [TaskID] = []
    /// Per position, a task that finishes once every piece bound for the position has arrived and its gate is
    /// open (what later phases wait for); empty: none. Added by `addRingProgram`.
    public var outputs: [TaskID] = []
    /// Per output: whether it stands for an eager join task (one zero-second delay, one event) rather than for
    /// the last arrival itself (see `Emitter.join`).
    public var outputIsJoin: [Bool] = []

    public init(placeholder: TaskID = TaskID(0), devices: [Int32], pieceBytes: [Int64], chunks: Int32, steps: Int32,
                shift: Int32, path: TransferPath) {
        self.placeholder = placeholder
        self.devices = devices
        self.pieceBytes = pieceBytes
        self.chunks = chunks
        self.steps = steps
        self.shift = shift
        self.path = path
    }

    /// Number of ring positions.
    public var positions: Int { devices.count }
    /// Transfers the ring makes: N per chunk per step.
    public var transferCount: Int { devices.count * Int(steps) * Int(chunks) }

    /// The segment position `position` sends at `step`.
    @inlinable public func segment(position: Int, step: Int) -> Int {
        let n = devices.count
        return ((position - step + Int(shift)) % n + n) % n
    }

    /// Bytes each position sends over the whole ring, by position: the sum of the segments it forwards.
    /// - Complexity: O(N + steps).
    public func bytesSent() -> [Int64] {
        let n = devices.count
        let c = Int(chunks)
        var segmentBytes = Array(repeating: Int64(0), count: n)
        for s in 0..<n { for k in 0..<c { segmentBytes[s] += pieceBytes[s * c + k] } }
        // Prefix sums over the segments repeated enough times to cover any cyclic window of `steps` segments.
        let g = Int(steps)
        let full = Int64(g / n) * segmentBytes.reduce(0, +)
        let rest = g % n
        var prefix = Array(repeating: Int64(0), count: 2 * n + 1)
        for j in 0..<(2 * n) { prefix[j + 1] = prefix[j] + segmentBytes[j % n] }
        return (0..<n).map { i in
            // Steps g = 0..<rest of the partial round send segments i+shift, i+shift−1, …, i+shift−rest+1.
            guard rest > 0 else { return full }
            let high = segment(position: i, step: 0)  // the segment sent at step 0
            let low = ((high - rest + 1) % n + n) % n
            let window = low <= high ? prefix[high + 1] - prefix[low] : prefix[high + 1 + n] - prefix[low]
            return full + window
        }
    }
}

extension Schedule {
    /// Adds `program` as one placeholder task after `dependencies`; returns the placeholder, which finishes when
    /// the ring's last transfer is delivered.
    @discardableResult
    public mutating func addRingProgram(_ program: RingProgram, tag: TaskTag, after dependencies: [TaskID]) -> TaskID {
        addRingProgram(program, tag: tag, after: dependencies, gates: [], outputIsJoin: []).placeholder
    }

    /// Adds `program` with per-position gates (position i sends nothing before `gates[i]` are all done; a gate
    /// task is added per position) and per-position outputs (`outputIsJoin.count` outputs, one per position, or
    /// none). Tasks are added in this order: gates, placeholder, outputs.
    /// - Returns: the placeholder and the output tasks.
    public mutating func addRingProgram(_ program: RingProgram, tag: TaskTag, after dependencies: [TaskID],
                                        gates: [[TaskID]], outputIsJoin: [Bool])
        -> (placeholder: TaskID, outputs: [TaskID])
    {
        var p = program
        p.gates = gates.map { add(.delay(seconds: 0), tag: tag, after: $0) }
        p.placeholder = add(.delay(seconds: 0), tag: tag, after: dependencies)
        p.outputs = outputIsJoin.map { _ in add(.delay(seconds: 0), tag: tag) }
        p.outputIsJoin = outputIsJoin
        appendRingProgram(p)
        return (p.placeholder, p.outputs)
    }
}
