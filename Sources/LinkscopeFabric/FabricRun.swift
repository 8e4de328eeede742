import HeapModule
import LinkscopeEngine
import LinkscopeSchedule
import LinkscopeTopology

/// What a fabric event means. Payloads stay small (12 bytes) because millions sit in the queue.
struct FabricEvent: Sendable {
    enum Kind: UInt8, Sendable {
        /// Task `index` finishes (compute, delay, or a transfer's last byte arriving).
        case taskDone
        /// Flow slot `index` has served its last byte, if `version` is still current.
        case flowDrained
    }
    var kind: Kind
    var index: Int32
    var version: UInt32
}

/// An active transfer, from its start until its last byte is served (latency is not occupancy), with the
/// fair-share solver's scratch for it: 64 bytes, one cache line (see `RunBuffer`).
struct Flow {
    /// Bytes left to serve as of `updatedAt`.
    var remaining: Double
    /// Current max-min fair rate, bytes/s (-1 until the first solve, so that it always gets one).
    var rate: Double
    var updatedAt: Double
    /// Residue below which the flow counts as drained.
    var epsilon: Double
    /// Rate found by the solve in progress (see FabricRun+FairShare.swift).
    var newRate: Double = 0
    var task: Int32
    var route: Int32
    /// Bumped on every reschedule and on release; stale `flowDrained` events are ignored.
    var version: UInt32
    /// The route's hops, `RouteTable.flat[hopStart ..< hopEnd]` (copied here to save a look-up per walk).
    var hopStart: Int32
    var hopEnd: Int32
    /// Solve epochs that last reached the flow in a component walk, and froze it in a fill.
    var mark: UInt16 = 0
    var frozenMark: UInt16 = 0

    /// Indices of the route's hops in `RouteTable.flat`.
    @inline(__always)
    var hops: Range<Int> { Int(hopStart)..<Int(hopEnd) }

    init(task: Int32, route: Int32, hops: Range<Int>, remaining: Double, rate: Double, updatedAt: Double,
         version: UInt32, epsilon: Double) {
        hopStart = Int32(hops.lowerBound)
        hopEnd = Int32(hops.upperBound)
        self.remaining = remaining
        self.rate = rate
        self.updatedAt = updatedAt
        self.epsilon = epsilon
        self.task = task
        self.route = route
        self.version = version
    }
}

/// A compute lane: one (device, lane) pair, running one task at a time, FIFO by (ready time, task id).
struct Lane {
    struct Waiting: Comparable {
        var ready: Double
        var task: Int32
        static func < (a: Waiting, b: Waiting) -> Bool {
            a.ready < b.ready || (a.ready == b.ready && a.task < b.task)
        }
    }
    var busy = false
    var waiting = Heap<Waiting>()
}

/// The mutable state of one `FabricSimulator.run`. A value type driven by mutating methods so that
/// exclusivity is checked statically; nothing here outlives the run.
struct FabricRun {
    let schedule: Schedule
    /// `schedule.count`, kept here: it is a call into another module, and the hot paths ask for it on every event
    /// (ids at or above it are ring-program transfers).
    let taskCount: Int
    let recordHistory: Bool

    var loop = EventLoop<FabricEvent>()
    var validEvents = 0

    // Per task (4–8 bytes each; millions of tasks).
    var taskStart: [Double]
    var taskEnd: [Double]
    /// Route-set id for transfers, lane id for compute, -1 otherwise.
    var aux: [Int32]
    /// Unfinished dependencies before a task starts; for a started transfer, its undrained flows.
    var pending: [Int32]
    var successorStart: [Int32]
    var successors: [Int32]
    /// Tasks waiting for a task's bytes to be served (CSR like `successors`).
    var servedSuccessorStart: [Int32]
    var servedSuccessors: [Int32]

    var routes: RouteTable
    var lanes: [Lane]

    // Per link: the hot state (`LinkState`), the filling scratch (`LinkScratch`), the flows on each in a slab.
    var links: RunBuffer<LinkState>
    var linkScratch: RunBuffer<LinkScratch>
    /// Per route: its narrowest hop's capacity, the rate of a flow alone on its route (folded once in hop order,
    /// as the solver would).
    var routeCapacity: RunBuffer<Double>
    var linkFlows = LinkFlowTable()
    /// Bytes started on each route: a link's bytes are the sum over the routes through it (`linkBytes`), so that a
    /// flow start adds once per route instead of once per hop (Int64 sums: the order does not matter).
    var routeBytes: RunBuffer<Int64>
    var history: [[RateSegment]]
    var segmentStart: [Double]
    var segmentRate: [Double]

    // Flows, in reusable slots.
    var flows = RunBuffer<Flow>()
    var freeFlows = RunBuffer<Int32>()

    // Work of the current instant.
    var touchedLinks = RunBuffer<Int32>()
    var touchedLanes: [Int32] = []
    var laneTouched: [Bool]

    // Scratch of the fair-share solver (see FabricRun+FairShare.swift).
    var epoch: UInt16 = 0
    var componentLinks = RunBuffer<Int32>()
    var componentFlows = RunBuffer<Int32>()
    var stack = RunBuffer<Int32>()
    var shareHeap = Heap<ShareEntry>()

    // Mirrored tasks (see FabricRun+Mirrors.swift); empty when there are none.
    var mirrorOf: [Int32]
    var mirrorStart: [Int32]
    var mirrorList: [Int32]
    var mirrorIsReady: [Bool]
    var representativeDone: [Bool]
    var readyMirrors: [Int32] = []
    var mirrorBusyUntil: [Double]
    var mirrorBytes: [Int64]

    // Ring programs (see FabricRun+RingPrograms.swift); empty when there are none.
    var rings: RingProgramState

    init(schedule: Schedule, routes: RouteTable, aux: [Int32], laneCount: Int, topology: Topology,
         efficiency: Double, recordHistory: Bool, mirrorOf: [Int32] = [], rings: RingProgramState = RingProgramState()) {
        self.rings = rings
        self.schedule = schedule
        taskCount = schedule.count
        self.recordHistory = recordHistory
        self.routes = routes
        self.aux = aux
        let n = schedule.count
        taskStart = Array(repeating: 0, count: n)
        taskEnd = Array(repeating: 0, count: n)
        pending = Array(repeating: 0, count: n)
        // Successor lists in CSR form, built from the predecessor CSR in two passes; each list's start
        // doubles as its fill cursor, then the starts are shifted back, so no second array of n + 1 counters
        // is allocated and zeroed (millions of tasks).
        var counts = Array(repeating: Int32(0), count: n + 1)
        var servedCounts = Array(repeating: Int32(0), count: n + 1)
        var servedTotal = 0
        for i in 0..<n {
            let t = schedule.tasks[i]
            pending[i] = t.dependencyCount
            let s = Int(t.dependencyStart)
            for k in s..<(s + Int(t.dependencyCount)) { counts[schedule.dependencyList[k].index + 1] += 1 }
            if t.servedDependency >= 0 {
                pending[i] += 1
                servedCounts[Int(t.servedDependency) + 1] += 1
                servedTotal += 1
            }
        }
        for i in 0..<n { counts[i + 1] += counts[i] }
        for i in 0..<n { servedCounts[i + 1] += servedCounts[i] }
        var succ = Array(repeating: Int32(0), count: schedule.dependencyList.count)
        var servedSucc = Array(repeating: Int32(0), count: servedTotal)
        for i in 0..<n {
            let t = schedule.tasks[i]
            let s = Int(t.dependencyStart)
            for k in s..<(s + Int(t.dependencyCount)) {
                let d = schedule.dependencyList[k].index
                succ[Int(counts[d])] = Int32(i)
                counts[d] += 1
            }
            if t.servedDependency >= 0 {
                let d = Int(t.servedDependency)
                servedSucc[Int(servedCounts[d])] = Int32(i)
                servedCounts[d] += 1
            }
        }
        FabricRun.shiftCursorsBack(&counts)
        FabricRun.shiftCursorsBack(&servedCounts)
        successorStart = counts
        successors = succ
        servedSuccessorStart = servedCounts
        servedSuccessors = servedSucc
        lanes = Array(repeating: Lane(), count: laneCount)
        laneTouched = Array(repeating: false, count: laneCount)
        let m = topology.links.count
        // The layouts the hot loops were tuned for: a flow per cache line, two links per line.
        assert(MemoryLayout<Flow>.stride == 64 && MemoryLayout<LinkState>.stride == 32)
        links = RunBuffer(repeating: LinkState(), count: m)
        linkScratch = RunBuffer()
        for link in topology.links { linkScratch.append(LinkScratch(capacity: link.bandwidth.bytesPerSecond * efficiency)) }
        routeCapacity = RunBuffer()
        for r in 0..<routes.count {
            var x = Double.infinity
            for k in routes.hops(Int32(r)) { x = Swift.min(x, linkScratch[Int(routes.flat[k])].capacity) }
            routeCapacity.append(x)
        }
        routeBytes = RunBuffer(repeating: 0, count: routes.count)
        history = recordHistory ? Array(repeating: [], count: m) : []
        segmentStart = recordHistory ? Array(repeating: 0, count: m) : []
        segmentRate = recordHistory ? Array(repeating: 0, count: m) : []
        self.mirrorOf = mirrorOf
        (mirrorStart, mirrorList) = FabricRun.mirrorLists(mirrorOf, count: n)
        mirrorIsReady = mirrorOf.isEmpty ? [] : Array(repeating: false, count: n)
        representativeDone = mirrorOf.isEmpty ? [] : Array(repeating: false, count: n)
        mirrorBusyUntil = mirrorOf.isEmpty ? [] : Array(repeating: 0, count: m)
        mirrorBytes = mirrorOf.isEmpty ? [] : Array(repeating: 0, count: m)
    }

    /// Bytes started on each link (flows and mirrored transfers).
    var linkBytes: [Int64] {
        var bytes = mirrorBytes.isEmpty ? Array(repeating: 0, count: links.count) : mirrorBytes
        for r in 0..<routes.count {
            for k in routes.hops(Int32(r)) { bytes[Int(routes.flat[k])] &+= routeBytes[r] }
        }
        return bytes
    }
    /// Busy seconds of each link.
    var linkBusy: [Double] { (0..<links.count).map { links[$0].busy } }

    /// Runs every task to completion.
    /// - Complexity: O(E log Q) for E events and Q pending events, plus the fair-share solves:
    ///   O((L + F·h) log L) per instant for the L links and F flows (h hops each) of the touched
    ///   components only.
    mutating func execute() {
        for i in 0..<schedule.count where pending[i] == 0 { start(Int32(i), at: 0) }
        var t = 0.0
        while true {
            // One instant: handle its events, then hand free lanes their earliest waiting task, and
            // again while that produced more work at this instant (zero-second tasks). Only then
            // are rates solved, once, for everything that started or ended.
            repeat {
                while let e = loop.next(notAfter: t) { handle(e) }
                if !readyMirrors.isEmpty { finishReadyMirrors(at: t) }
                if !touchedLanes.isEmpty { dispatchLanes(at: t) }
            } while loop.nextTime() == t || !readyMirrors.isEmpty
            if !touchedLinks.isEmpty { solveTouchedComponents(at: t) }
            guard let next = loop.nextTime() else { break }
            t = next
        }
    }

    private mutating func handle(_ e: ScheduledEvent<FabricEvent>) {
        switch e.payload.kind {
        case .taskDone:
            validEvents += 1
            finish(e.payload.index, at: e.time)
        case .flowDrained:
            let f = Int(e.payload.index)
            guard flows[f].version == e.payload.version else { return }
            validEvents += 1
            drain(Int32(f), at: e.time)
        }
    }

    private mutating func finish(_ task: Int32, at now: Double) {
        let i = Int(task)
        if i >= taskCount { return programTransferDelivered(task, at: now) }
        taskEnd[i] = now
        switch schedule.tasks[i].kind {
        case .compute:
            let lane = Int(aux[i])
            lanes[lane].busy = false
            touchLane(Int32(lane))
            served(task, at: now)
        case .delay:
            served(task, at: now)
        case .transfer:
            break  // served when its last byte left (see `start` and `drain`)
        }
        release(task, at: now)
        if !mirrorOf.isEmpty { representativeFinished(task) }
    }

    /// The task is done: start the successors that only waited for it.
    mutating func release(_ task: Int32, at now: Double) {
        let i = Int(task)
        for k in Int(successorStart[i])..<Int(successorStart[i + 1]) {
            let s = Int(successors[k])
            pending[s] -= 1
            if pending[s] == 0 { start(Int32(s), at: now) }
        }
    }

    /// The task's bytes are all sent: release the tasks that only wait for that.
    mutating func served(_ task: Int32, at now: Double) {
        let i = Int(task)
        for k in Int(servedSuccessorStart[i])..<Int(servedSuccessorStart[i + 1]) {
            let s = Int(servedSuccessors[k])
            pending[s] -= 1
            if pending[s] == 0 { start(Int32(s), at: now) }
        }
    }

    /// A task whose dependencies are all done.
    private mutating func start(_ task: Int32, at now: Double) {
        let i = Int(task)
        if !mirrorOf.isEmpty && mirrorOf[i] >= 0 { return mirrorReady(task, at: now) }
        switch schedule.tasks[i].kind {
        case .delay(let seconds):
            if !rings.isEmpty, rings.roleOfTask[i] >= 0 { return startProgramTask(task, at: now) }
            taskStart[i] = now
            loop.schedule(FabricEvent(kind: .taskDone, index: task, version: 0), at: now + duration(seconds))
        case .compute:
            let lane = Int(aux[i])
            lanes[lane].waiting.insert(Lane.Waiting(ready: now, task: task))
            touchLane(Int32(lane))
        case .transfer(_, _, let bytes, _):
            taskStart[i] = now
            let set = aux[i]
            if set < 0 {  // same device: nothing crosses the fabric
                loop.schedule(FabricEvent(kind: .taskDone, index: task, version: 0), at: now)
                served(task, at: now)
            } else if bytes <= 0 {
                let r = routes.setRoutes[routes.parts(set).lowerBound]
                loop.schedule(FabricEvent(kind: .taskDone, index: task, version: 0),
                              at: now + routes.latency[Int(r)])
                served(task, at: now)
            } else {
                pending[i] = startFlows(task: task, set: set, bytes: bytes, at: now)
            }
        }
    }

    /// Starts the flows of a transfer of `bytes` over route set `set`: the pieces of `RouteTable.split`,
    /// computed in place (no array per transfer). Returns how many flows started.
    @inline(__always)
    mutating func startFlows(task: Int32, set: Int32, bytes: Int64, at now: Double) -> Int32 {
        let parts = routes.parts(set)
        var left = bytes
        var flowsStarted: Int32 = 0
        for k in parts {
            var piece = left
            if k != parts.upperBound - 1 {
                // Truncation is the floor for a non-negative share, without a call to libm's floor.
                let share = Double(bytes) * routes.setFractions[k]
                piece = Swift.min(left, Int64(share >= 0 ? share : share.rounded(.down)))
                left -= piece
            }
            guard piece > 0 else { continue }
            addFlow(task: task, route: routes.setRoutes[k], bytes: piece, at: now)
            flowsStarted += 1
        }
        return flowsStarted
    }

    /// After a CSR fill that advanced each list's start past its entries, `cursors[d]` holds the start of
    /// list `d + 1`: shift every value one place up to get the starts back (`cursors[0]` = 0).
    static func shiftCursorsBack(_ cursors: inout [Int32]) {
        guard cursors.count > 1 else { return }
        for d in stride(from: cursors.count - 1, through: 1, by: -1) { cursors[d] = cursors[d - 1] }
        cursors[0] = 0
    }

    /// Task durations from input: NaN and negatives count as zero.
    private func duration(_ seconds: Double) -> Double { seconds > 0 ? seconds : 0 }

    private mutating func touchLane(_ lane: Int32) {
        if !laneTouched[Int(lane)] {
            laneTouched[Int(lane)] = true
            touchedLanes.append(lane)
        }
    }

    @inline(__always)
    private mutating func touchLink(_ link: Int32) {
        if !links[Int(link)].touched {
            links[Int(link)].touched = true
            touchedLinks.append(link)
        }
    }

    /// Starts the earliest waiting task, by (ready time, task id), on every free touched lane.
    private mutating func dispatchLanes(at now: Double) {
        for lane in touchedLanes {
            let l = Int(lane)
            laneTouched[l] = false
            guard !lanes[l].busy, let next = lanes[l].waiting.popMin() else { continue }
            lanes[l].busy = true
            let i = Int(next.task)
            taskStart[i] = now
            var seconds = 0.0
            if case .compute(_, let s, _) = schedule.tasks[i].kind { seconds = duration(s) }
            loop.schedule(FabricEvent(kind: .taskDone, index: next.task, version: 0), at: now + seconds)
        }
        Self.clear(&touchedLanes)
    }

    private mutating func addFlow(task: Int32, route: Int32, bytes: Int64, at now: Double) {
        let b = Double(bytes)
        routeBytes[Int(route)] &+= bytes
        let hops = routes.hops(route)
        let flow = Flow(task: task, route: route, hops: hops, remaining: b, rate: -1, updatedAt: now, version: 0,
                        epsilon: Swift.max(1e-6, b * 1e-12))
        let f: Int32
        if let slot = freeFlows.popLast() {
            f = slot
            // The solver's marks and scratch rate stay as they were (as when they lived in their own arrays).
            let old = flows[Int(slot)]
            flows[Int(slot)] = flow
            flows[Int(slot)].version = old.version &+ 1
            flows[Int(slot)].mark = old.mark
            flows[Int(slot)].frozenMark = old.frozenMark
            flows[Int(slot)].newRate = old.newRate
        } else {
            f = Int32(flows.count)
            flows.append(flow)
        }
        for k in hops {
            let l = routes.flat[k]
            let li = Int(l)
            if links[li].flowCount == 0 { links[li].busySince = now }
            linkFlows.append(f, to: &links[li])
            touchLink(l)
        }
    }

    /// The flow's last byte was served: free its links; the task ends after the route's latency.
    private mutating func drain(_ f: Int32, at now: Double) {
        let fi = Int(f)
        let route = flows[fi].route
        for k in flows[fi].hops {
            let l = routes.flat[k]
            let li = Int(l)
            linkFlows.remove(f, from: &links[li])
            if links[li].flowCount == 0 {
                links[li].busy += now - links[li].busySince
                // An emptied link has nothing left to re-solve; only its rate history needs to see it.
                if recordHistory { touchLink(l) }
            } else {
                touchLink(l)
            }
        }
        flows[fi].version &+= 1
        flows[fi].rate = 0
        freeFlows.append(f)
        // A split transfer ends with its last piece (plus that piece's path latency).
        let task = Int(flows[fi].task)
        if task >= taskCount { return programFlowDrained(flows[fi].task, route: route, at: now) }
        pending[task] -= 1
        if pending[task] == 0 {
            loop.schedule(FabricEvent(kind: .taskDone, index: flows[fi].task, version: 0),
                          at: now + routes.latency[Int(route)])
            served(flows[fi].task, at: now)
        }
    }
}
