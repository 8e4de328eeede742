import LinkscopeSchedule

/// Ring programs (`RingProgram`) expanded while the run goes: a ring's transfers are created when they can start,
/// run as ordinary flows, and are forgotten once delivered, so memory follows the transfers in flight, not the
/// 2·N·(N−1) of the whole ring.
///
/// A program transfer is a *virtual task*: id `schedule.count + slot`, with its state in reusable slots. Its
/// start, drain, served and delivered steps happen at the same instants and in the same order as the eager
/// ring's tasks would (same flows, same event sequence), so both forms give the same times and event counts.
struct RingProgramState {
    /// A ring program's layout and progress.
    struct Program {
        /// First global position, positions, chunks, steps, shift, first piece in `pieceBytes`, placeholder task.
        var base: Int32
        var count: Int32
        var chunks: Int32
        var steps: Int32
        var shift: Int32
        var pieceBase: Int32
        var placeholder: Int32
        /// Transfers not yet delivered.
        var remaining: Int
        /// Pieces each position receives over the whole ring (steps · chunks).
        var arrivals: Int32
    }

    /// One ring position (global over all programs), packed so that a transfer's start touches one entry.
    struct Position {
        var program: Int32
        var device: Int32
        /// Route set to the next position.
        var routeSet: Int32
        /// Next stream sequence number (step · chunks + chunk) to send.
        var sendNext: Int32
        /// Segment and chunk of that next transfer, advanced as it goes (no division per transfer).
        var sendSegment: Int32 = 0
        var sendChunk: Int32 = 0
        /// Pieces delivered to this position from the previous one.
        var delivered: Int32
        /// Oldest and newest undelivered transfer this position sent (slots, -1: none), for `floor`.
        var oldest: Int32 = -1
        var newest: Int32 = -1
        /// The previous transfer on the stream is still being served.
        var streamBusy: Bool = false
        /// The position's gate task has finished (true when it has none).
        var gateOpen: Bool = true
        /// The position's output task (-1: none), and whether it stands for a join (one event).
        var output: Int32 = -1
        var outputIsJoin: Bool = false
    }

    /// What a schedule task is to the programs: a placeholder (program p), a gate or an output (of global
    /// position g). Encoded in `roleOfTask` as p, or as `gateBase + g` / `outputBase + g`.
    enum Role {
        case placeholder(Int)
        case gate(Int)
        case output(Int)
    }

    /// A transfer in flight (a virtual task): start, undrained flows, sending position, and its neighbours in
    /// the sender's list of undelivered transfers (start order).
    struct Slot {
        var start: Double
        var pending: Int32
        var position: Int32
        var older: Int32
        var newer: Int32
    }

    // Touched on every transfer: unchecked run storage (see `RunBuffer`).
    var programs = RunBuffer<Program>()
    var positions = RunBuffer<Position>()
    var slots = RunBuffer<Slot>()
    var freeSlots = RunBuffer<Int32>()
    var pieceBytes = RunBuffer<Int64>()
    /// Per task: its role (see `Role`, `role(of:)`), or -1 (empty when the schedule has no programs).
    var roleOfTask: [Int32] = []
    private static let gateBase: Int32 = 1 << 29
    private static let outputBase: Int32 = 2 << 29

    /// The role of a task whose `roleOfTask` entry is not -1.
    func role(of task: Int) -> Role {
        let r = roleOfTask[task]
        if r >= Self.outputBase { return .output(Int(r - Self.outputBase)) }
        if r >= Self.gateBase { return .gate(Int(r - Self.gateBase)) }
        return .placeholder(Int(r))
    }

    /// Per device, the union of the intervals during which program transfers occupied it (as sender or
    /// receiver), kept as they come: deliveries come in time order, so a new interval ends last and can only
    /// merge with the latest ones. `top` is the latest union interval, `below` the earlier ones, ascending.
    var top = RunBuffer<DeviceUnion>()
    var below: [[(start: Double, end: Double)]] = []

    /// A device's latest union interval (start > end: none yet) and the end of the one before it (−∞: none),
    /// side by side so that the common case, a transfer overlapping the latest interval, reads one entry.
    struct DeviceUnion {
        var start: Double = 1
        var end: Double = 0
        var belowEnd: Double = -.infinity
    }
    /// Length of intervals folded away because nothing can reach back to them (`fold`), per device.
    var foldedLength: [Double] = []
    /// Devices with tasks of their own in the schedule keep every interval (their union with those is exact).
    var keepsIntervals: [Bool] = []
    /// Per device: the global positions on it (the transfers that involve it are sent by these and by the
    /// positions before them).
    var devicePositions: [[Int32]] = []

    /// Intervals a device keeps before the oldest that nothing can reach back to are folded into a length.
    static let foldThreshold = 512

    var isEmpty: Bool { programs.isEmpty }

    /// No programs.
    init() {}

    /// Lays out `programs` of a schedule of `taskCount` tasks; `routeSets[p][i]` is the route set from position
    /// i of program p to the next. `keepsIntervals[d]`: device d also has tasks of its own.
    init(programs list: [RingProgram], routeSets: [[Int32]], taskCount: Int, deviceCount: Int,
         keepsIntervals: [Bool]) {
        guard !list.isEmpty else { return }
        roleOfTask = Array(repeating: -1, count: taskCount)
        top = RunBuffer(repeating: DeviceUnion(), count: deviceCount)
        below = Array(repeating: [], count: deviceCount)
        foldedLength = Array(repeating: 0, count: deviceCount)
        devicePositions = Array(repeating: [], count: deviceCount)
        self.keepsIntervals = keepsIntervals
        for (p, program) in list.enumerated() {
            let n = program.positions
            programs.append(Program(base: Int32(positions.count), count: Int32(n), chunks: program.chunks,
                                    steps: program.steps, shift: program.shift, pieceBase: Int32(pieceBytes.count),
                                    placeholder: program.placeholder.rawValue, remaining: program.transferCount,
                                    arrivals: program.steps * program.chunks))
            roleOfTask[program.placeholder.index] = Int32(p)
            for b in program.pieceBytes { pieceBytes.append(b) }
            for i in 0..<n {
                let g = Int32(positions.count)
                devicePositions[Int(program.devices[i])].append(g)
                var position = Position(program: Int32(p), device: program.devices[i], routeSet: routeSets[p][i],
                                        sendNext: 0, delivered: 0)
                position.sendSegment = Int32(program.segment(position: i, step: 0))
                if i < program.gates.count {
                    position.gateOpen = false
                    roleOfTask[program.gates[i].index] = Self.gateBase + g
                }
                if i < program.outputs.count {
                    position.output = program.outputs[i].rawValue
                    position.outputIsJoin = program.outputIsJoin[i]
                    roleOfTask[program.outputs[i].index] = Self.outputBase + g
                }
                positions.append(position)
            }
        }
    }

    /// The position after global position `g` in its ring.
    @inline(__always)
    func next(after g: Int) -> Int {
        let program = programs[Int(positions[g].program)]
        let next = g + 1
        return next == Int(program.base + program.count) ? Int(program.base) : next
    }

    /// The position before global position `g` in its ring.
    func previous(before g: Int) -> Int {
        let program = programs[Int(positions[g].program)]
        return g == Int(program.base) ? Int(program.base + program.count) - 1 : g - 1
    }

    /// Adds [start, end] to a device's union; `end` is not before any end recorded for it.
    @inline(__always)
    mutating func record(device d: Int, start: Double, end: Double, now: Double) {
        var u = top[d]
        if u.start > u.end {  // the first interval
            u.start = start
            u.end = end
        } else if start <= u.end {
            u.start = Swift.min(u.start, start)
            u.end = Swift.max(u.end, end)
            if u.belowEnd >= u.start {  // reaches back over earlier intervals: merge them in
                while let last = below[d].last, last.end >= u.start {
                    u.start = Swift.min(u.start, last.start)
                    below[d].removeLast()
                }
                u.belowEnd = below[d].last?.end ?? -.infinity
            }
        } else {
            below[d].append((u.start, u.end))
            u.belowEnd = u.end
            u.start = start
            u.end = end
            if below[d].count > Self.foldThreshold && !keepsIntervals[d] {
                top[d] = u
                fold(device: d, now: now)
                return
            }
        }
        top[d] = u
    }

    /// Folds a device's earliest intervals into `foldedLength` when no transfer still to be delivered can reach
    /// back to them: every undelivered transfer involving the device started after their end, and later ones
    /// start at `now` or after. Bounds memory on rings of thousands of GPUs (a gap per step per device).
    mutating func fold(device d: Int, now: Double) {
        var floor = now
        for g in devicePositions[d] {
            // Transfers involving the device are sent by its positions and by the positions before them.
            for sender in [Int(g), previous(before: Int(g))] {
                let oldest = positions[sender].oldest
                if oldest >= 0 { floor = Swift.min(floor, slots[Int(oldest)].start) }
            }
        }
        var k = 0
        var folded = foldedLength[d]
        while k < below[d].count && below[d][k].end < floor {
            folded += below[d][k].end - below[d][k].start
            k += 1
        }
        foldedLength[d] = folded
        below[d].removeFirst(k)
        top[d].belowEnd = below[d].last?.end ?? -.infinity
    }

    /// Every device's intervals, ascending, and the folded lengths.
    func deviceIntervals() -> (intervals: [[(start: Double, end: Double)]], folded: [Double]) {
        guard !top.isEmpty else { return ([], []) }
        var out = below
        for d in 0..<top.count where top[d].start <= top[d].end { out[d].append((top[d].start, top[d].end)) }
        return (out, foldedLength)
    }
}

extension FabricRun {
    /// A task of the programs' own became ready: a placeholder starts its ring, a gate opens its position, an
    /// output waits for its position (the position starts it, see `finishPosition`).
    mutating func startProgramTask(_ task: Int32, at now: Double) {
        switch rings.role(of: Int(task)) {
        case .placeholder(let p):
            startProgram(p, at: now)
        case .gate(let g):
            // A gate costs nothing: it opens at once, with no event (the eager ring has no such task).
            taskStart[Int(task)] = now
            taskEnd[Int(task)] = now
            rings.positions[g].gateOpen = true
            trySend(g, at: now)
            finishPositionIfDone(g, at: now)
            release(task, at: now)
        case .output:
            break
        }
    }

    /// Starts a position's output once every piece bound for it has arrived and its gate is open: as a
    /// zero-second delay (one event) where it stands for a join, at once otherwise.
    mutating func finishPositionIfDone(_ g: Int, at now: Double) {
        let position = rings.positions[g]
        guard position.output >= 0, position.gateOpen,
              position.delivered == rings.programs[Int(position.program)].arrivals else { return }
        let output = position.output
        rings.positions[g].output = -1  // started once
        taskStart[Int(output)] = now
        if position.outputIsJoin {
            loop.schedule(FabricEvent(kind: .taskDone, index: output, version: 0), at: now)
        } else {
            taskEnd[Int(output)] = now
            release(output, at: now)
        }
    }

    /// The placeholder of program `p` started: every position sends its first piece.
    mutating func startProgram(_ p: Int, at now: Double) {
        let program = rings.programs[p]
        taskStart[Int(program.placeholder)] = now
        if program.remaining == 0 {
            finishProgram(p, at: now)
            return
        }
        let base = Int(program.base)
        for position in base..<(base + Int(program.count)) { trySend(position, at: now) }
    }

    /// Starts the next transfer of a global position if its stream is free and its piece has arrived.
    @inline(__always)
    mutating func trySend(_ position: Int, at now: Double) {
        var pos = rings.positions[position]
        guard !pos.streamBusy, pos.gateOpen else { return }
        let program = rings.programs[Int(pos.program)]
        let q = Int(pos.sendNext)
        let c = Int(program.chunks)
        guard q < Int(program.steps) * c else { return }
        // Steps after the first forward the piece the previous position sent one step earlier.
        guard q < c || Int(pos.delivered) > q - c else { return }
        // Position i sends chunk k of segment (i − g + shift) mod N at step g, in step-major order: the segment
        // steps back by one each time the chunks wrap (`RingProgram.segment`).
        let s = Int(pos.sendSegment), k = Int(pos.sendChunk)
        if k + 1 < c {
            pos.sendChunk = Int32(k + 1)
        } else {
            pos.sendChunk = 0
            pos.sendSegment = s == 0 ? program.count - 1 : Int32(s - 1)
        }
        let bytes = rings.pieceBytes[Int(program.pieceBase) + s * c + k]
        let slot: Int32
        let entry = RingProgramState.Slot(start: now, pending: 0, position: Int32(position), older: pos.newest, newer: -1)
        if let free = rings.freeSlots.popLast() {
            slot = free
            rings.slots[Int(slot)] = entry
        } else {
            slot = Int32(rings.slots.count)
            rings.slots.append(entry)
        }
        if pos.newest >= 0 { rings.slots[Int(pos.newest)].newer = slot } else { pos.oldest = slot }
        pos.newest = slot
        pos.sendNext = Int32(q + 1)
        pos.streamBusy = true
        rings.positions[position] = pos
        let task = Int32(taskCount) + slot
        let started = startFlows(task: task, set: pos.routeSet, bytes: bytes, at: now)
        rings.slots[Int(slot)].pending = started
        if started == 0 {
            programTransferDrained(task, route: routes.setRoutes[routes.parts(pos.routeSet).lowerBound], at: now)
        }
    }

    /// A program transfer's last flow drained: it is delivered after the route's latency, and its stream is free.
    mutating func programTransferDrained(_ task: Int32, route: Int32, at now: Double) {
        let slot = Int(task) - taskCount
        loop.schedule(FabricEvent(kind: .taskDone, index: task, version: 0), at: now + routes.latency[Int(route)])
        let position = Int(rings.slots[slot].position)
        rings.positions[position].streamBusy = false
        trySend(position, at: now)
    }

    /// One flow of a program transfer drained.
    @inline(__always)
    mutating func programFlowDrained(_ task: Int32, route: Int32, at now: Double) {
        let slot = Int(task) - taskCount
        rings.slots[slot].pending -= 1
        if rings.slots[slot].pending == 0 { programTransferDrained(task, route: route, at: now) }
    }

    /// A program transfer was delivered: the next position may forward the piece; the ring may be done.
    mutating func programTransferDelivered(_ task: Int32, at now: Double) {
        let slot = Int(task) - taskCount
        let entry = rings.slots[slot]
        let position = Int(entry.position)
        // Unlink the transfer from its sender's undelivered list (usually the oldest).
        if entry.older >= 0 { rings.slots[Int(entry.older)].newer = entry.newer } else {
            rings.positions[position].oldest = entry.newer
        }
        if entry.newer >= 0 { rings.slots[Int(entry.newer)].older = entry.older } else {
            rings.positions[position].newest = entry.older
        }
        rings.freeSlots.append(Int32(slot))
        let next = rings.next(after: position)
        rings.record(device: Int(rings.positions[position].device), start: entry.start, end: now, now: now)
        rings.record(device: Int(rings.positions[next].device), start: entry.start, end: now, now: now)
        rings.positions[next].delivered += 1
        let p = Int(rings.positions[position].program)
        rings.programs[p].remaining -= 1
        trySend(next, at: now)
        finishPositionIfDone(next, at: now)
        if rings.programs[p].remaining == 0 { finishProgram(p, at: now) }
    }

    /// The ring is done: its placeholder finishes and releases its successors.
    private mutating func finishProgram(_ p: Int, at now: Double) {
        let placeholder = rings.programs[p].placeholder
        taskEnd[Int(placeholder)] = now
        release(placeholder, at: now)
    }
}
