import LinkscopeSchedule

/// Ring programs (`RingProgram`) expanded while the run goes: a ring's transfers are created when they can start,
/// run as ordinary flows, and are forgotten once delivered, so memory follows the transfers in flight, not the
/// 2·N·(N−1) of the whole ring.
///
/// A program transfer is a *virtual task*: id `schedule.count + slot`, with its state in reusable slots. Its
/// start, drain, served and delivered steps happen at the same instants and in the same order as the eager
/// ring's tasks would (same flows, same event sequence), so both forms give the same times and event counts.
struct RingProgramState {
    /// Per program: first global position, positions, chunks, steps, shift, first piece in `pieceBytes`,
    /// transfers not yet delivered, placeholder task.
    var base: [Int32] = []
    var count: [Int32] = []
    var chunks: [Int32] = []
    var steps: [Int32] = []
    var shift: [Int32] = []
    var pieceBase: [Int32] = []
    var remaining: [Int] = []
    var placeholder: [Int32] = []
    /// Per task: its program, or -1 (empty when the schedule has none).
    var programOfTask: [Int32] = []
    var pieceBytes: [Int64] = []

    /// Per global position: program, device, route set to the next position, next stream sequence number
    /// (step · chunks + chunk) to send, whether the previous transfer on the stream is still being served,
    /// pieces delivered to it from the previous position.
    var program: [Int32] = []
    var device: [Int32] = []
    var routeSet: [Int32] = []
    var sendNext: [Int32] = []
    var streamBusy: [Bool] = []
    var delivered: [Int32] = []

    /// Virtual task slots: start time, undrained flows, sending global position.
    var slotStart: [Double] = []
    var slotPending: [Int32] = []
    var slotPosition: [Int32] = []
    var freeSlots: [Int32] = []

    /// Per device: the open communication interval of program transfers (sender and receiver), merged as
    /// transfers come (start > end: none yet), and the intervals closed before it, as (device, start, end).
    var openStart: [Double] = []
    var openEnd: [Double] = []
    var closed: [(device: Int32, start: Double, end: Double)] = []

    var isEmpty: Bool { base.isEmpty }

    /// No programs.
    init() {}

    /// Lays out `programs` of a schedule of `taskCount` tasks; `routeSets[p][i]` is the route set from position
    /// i of program p to the next.
    init(programs: [RingProgram], routeSets: [[Int32]], taskCount: Int, deviceCount: Int) {
        guard !programs.isEmpty else { return }
        programOfTask = Array(repeating: -1, count: taskCount)
        openStart = Array(repeating: 1, count: deviceCount)
        openEnd = Array(repeating: 0, count: deviceCount)
        for (p, program) in programs.enumerated() {
            let n = program.positions
            base.append(Int32(device.count))
            count.append(Int32(n))
            chunks.append(program.chunks)
            steps.append(program.steps)
            shift.append(program.shift)
            pieceBase.append(Int32(pieceBytes.count))
            remaining.append(program.transferCount)
            placeholder.append(program.placeholder.rawValue)
            programOfTask[program.placeholder.index] = Int32(p)
            pieceBytes += program.pieceBytes
            self.program += repeatElement(Int32(p), count: n)
            device += program.devices
            routeSet += routeSets[p]
        }
        sendNext = Array(repeating: 0, count: device.count)
        streamBusy = Array(repeating: false, count: device.count)
        delivered = Array(repeating: 0, count: device.count)
    }

    /// Adds an interval to a device's open one when they overlap or touch; else closes the open one.
    @inline(__always)
    mutating func record(device d: Int, start: Double, end: Double) {
        let s = openStart[d], e = openEnd[d]
        if s <= e && Swift.max(s, start) <= Swift.min(e, end) {
            openStart[d] = Swift.min(s, start)
            openEnd[d] = Swift.max(e, end)
            return
        }
        if s <= e { closed.append((Int32(d), s, e)) }
        openStart[d] = start
        openEnd[d] = end
    }

    /// Every device's intervals, in the order they were closed.
    func deviceIntervals() -> [[(start: Double, end: Double)]] {
        guard !openStart.isEmpty else { return [] }
        var out = Array(repeating: [(start: Double, end: Double)](), count: openStart.count)
        for c in closed { out[Int(c.device)].append((c.start, c.end)) }
        for d in openStart.indices where openStart[d] <= openEnd[d] { out[d].append((openStart[d], openEnd[d])) }
        return out
    }
}

extension FabricRun {
    /// The placeholder of program `p` started: every position sends its first piece.
    mutating func startProgram(_ p: Int, at now: Double) {
        let placeholder = Int(rings.placeholder[p])
        taskStart[placeholder] = now
        if rings.remaining[p] == 0 {
            finishProgram(p, at: now)
            return
        }
        let base = Int(rings.base[p])
        for position in base..<(base + Int(rings.count[p])) { trySend(position, at: now) }
    }

    /// Starts the next transfer of a global position if its stream is free and its piece has arrived.
    @inline(__always)
    mutating func trySend(_ position: Int, at now: Double) {
        guard !rings.streamBusy[position] else { return }
        let q = Int(rings.sendNext[position])
        let p = Int(rings.program[position])
        let c = Int(rings.chunks[p])
        guard q < Int(rings.steps[p]) * c else { return }
        // Steps after the first forward the piece the previous position sent one step earlier.
        guard q < c || Int(rings.delivered[position]) > q - c else { return }
        let g = q / c, k = q - g * c
        let n = Int(rings.count[p])
        let i = position - Int(rings.base[p])
        let s = ((i - g + Int(rings.shift[p])) % n + n) % n
        let bytes = rings.pieceBytes[Int(rings.pieceBase[p]) + s * c + k]
        rings.sendNext[position] = Int32(q + 1)
        rings.streamBusy[position] = true
        let slot: Int32
        if let free = rings.freeSlots.popLast() {
            slot = free
            rings.slotStart[Int(slot)] = now
            rings.slotPosition[Int(slot)] = Int32(position)
        } else {
            slot = Int32(rings.slotStart.count)
            rings.slotStart.append(now)
            rings.slotPending.append(0)
            rings.slotPosition.append(Int32(position))
        }
        let task = Int32(schedule.count) + slot
        let started = startFlows(task: task, set: rings.routeSet[position], bytes: bytes, at: now)
        rings.slotPending[Int(slot)] = started
        if started == 0 { programTransferDrained(task, route: routes.setRoutes[routes.parts(rings.routeSet[position]).lowerBound], at: now) }
    }

    /// A program transfer's last flow drained: it is delivered after the route's latency, and its stream is free.
    mutating func programTransferDrained(_ task: Int32, route: Int32, at now: Double) {
        let slot = Int(task) - schedule.count
        loop.schedule(FabricEvent(kind: .taskDone, index: task, version: 0), at: now + routes.latency[Int(route)])
        let position = Int(rings.slotPosition[slot])
        rings.streamBusy[position] = false
        trySend(position, at: now)
    }

    /// One flow of a program transfer drained.
    @inline(__always)
    mutating func programFlowDrained(_ task: Int32, route: Int32, at now: Double) {
        let slot = Int(task) - schedule.count
        rings.slotPending[slot] -= 1
        if rings.slotPending[slot] == 0 { programTransferDrained(task, route: route, at: now) }
    }

    /// A program transfer was delivered: the next position may forward the piece; the ring may be done.
    mutating func programTransferDelivered(_ task: Int32, at now: Double) {
        let slot = Int(task) - schedule.count
        let position = Int(rings.slotPosition[slot])
        let p = Int(rings.program[position])
        let base = Int(rings.base[p]), n = Int(rings.count[p])
        let next = base + (position - base + 1) % n
        let start = rings.slotStart[slot]
        rings.record(device: Int(rings.device[position]), start: start, end: now)
        rings.record(device: Int(rings.device[next]), start: start, end: now)
        rings.freeSlots.append(Int32(slot))
        rings.delivered[next] += 1
        rings.remaining[p] -= 1
        trySend(next, at: now)
        if rings.remaining[p] == 0 { finishProgram(p, at: now) }
    }

    /// The ring is done: its placeholder finishes and releases its successors.
    private mutating func finishProgram(_ p: Int, at now: Double) {
        let placeholder = rings.placeholder[p]
        taskEnd[Int(placeholder)] = now
        release(placeholder, at: now)
    }
}
