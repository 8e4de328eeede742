import LinkscopeCostModel
import LinkscopeFabric
import LinkscopeSchedule
import LinkscopeTimeline
import LinkscopeTopology

/// Runs a `ReplayGraph` on a topology: one schedule for every rank, the fabric run, and the predicted times,
/// breakdowns, collective comparisons and timelines read back. Both replays go through here.
///
/// The schedule: per rank and iteration an origin `delay` from time 0; per step a release (a launch `delay`
/// from its iteration origin, or time 0 for a free step); compute as `compute` tasks on a lane after the
/// release and the step's dependencies; communication as a zero `delay` per member (ready), then the compiled
/// collective or transfer (or a fixed `delay` of its kept time) after every member is ready, then a join.
/// Deterministic: same graph and arguments give the same result.
struct ReplayRunner {
    let graph: ReplayGraph
    let topology: Topology
    let gpus: [Int]
    let devices: [Int]
    let algorithm: Algorithm
    var schedule = Schedule()
    var warnings: [String] = []
    /// Per rank and step: the task whose start is the step's start (compute, or ready for communication)
    /// and the task whose end is its end.
    var startTask: [[TaskID?]]
    var endTask: [[TaskID?]]
    /// Per communication: member ready tasks, the join, the algorithm used, its mode after fallbacks.
    var ready: [[TaskID]]
    var join: [TaskID?]
    var used: [String]
    var modes: [ReplayCollectiveMode]
    /// Collective compilation with fallbacks and the fabric run.
    var execution: ReplayExecution

    /// A runner for `graph` with rank r on GPU `gpus[r]`, checked against the topology.
    /// - Throws: `ReplayError` for GPUs that do not fit the job or the topology.
    init(graph: ReplayGraph, topology: Topology, gpus requested: [Int]?, algorithm: Algorithm,
         linkEfficiency: Double) throws(ReplayError) {
        let gpus = requested ?? Array(0..<graph.worldSize)
        devices = try ReplayExecution.devices(gpus: gpus, worldSize: graph.worldSize, topology: topology,
                                              linkEfficiency: linkEfficiency)
        self.graph = graph
        self.topology = topology
        self.gpus = gpus
        self.algorithm = algorithm
        execution = ReplayExecution(topology: topology, algorithm: algorithm, chunkBytes: graph.chunkBytes)
        startTask = graph.ranks.map { [TaskID?](repeating: nil, count: $0.steps.count) }
        endTask = startTask
        ready = [[TaskID]](repeating: [], count: graph.communications.count)
        join = [TaskID?](repeating: nil, count: graph.communications.count)
        used = [String](repeating: "", count: graph.communications.count)
        modes = graph.communications.map(\.mode)
    }

    static func seconds(_ ns: Int64) -> Double { Double(ns) / 1e9 }

    static func nanoseconds(_ s: Double) -> Int64 { s.isFinite ? Int64((s * 1e9).rounded()) : 0 }

    /// Builds the schedule and runs it on the fabric at `linkEfficiency` × line rate.
    mutating func run(linkEfficiency: Double) throws(ReplayError) -> ExecutionResult {
        build()
        return try execution.execute(schedule, linkEfficiency: linkEfficiency)
    }

    mutating func build() {
        let root = schedule.add(.delay(seconds: 0))
        var origins: [[TaskID]] = []
        for r in graph.ranks {
            origins.append(r.iterationOffsets.map { schedule.add(.delay(seconds: Self.seconds(max(0, $0))), after: [root]) })
        }
        var cursor = [Int](repeating: 0, count: graph.ranks.count)
        var forced = 0
        while true {
            var progress = false
            for r in graph.ranks.indices {
                let rank = graph.ranks[r]
                let device = Int32(devices[rank.rank])
                while cursor[r] < rank.steps.count {
                    let i = cursor[r]
                    let s = rank.steps[i]
                    var deps: [TaskID] = []
                    var blocked = false
                    for d in s.deps {
                        guard let t = endTask[r][d] else { blocked = true; break }
                        deps.append(t)
                    }
                    if blocked { break }
                    switch s.release {
                    case .launch(let k, let wait):
                        deps.append(wait > 0 ? schedule.add(.delay(seconds: Self.seconds(wait)), after: [origins[r][k]])
                                             : origins[r][k])
                    case .whenFree:
                        if deps.isEmpty { deps = [root] }
                    }
                    deps = Self.unique(deps)
                    switch s.work {
                    case .communication(let c):
                        let t = schedule.add(.delay(seconds: 0), after: deps)
                        startTask[r][i] = t
                        ready[c].append(t)
                        if let j = join[c] {
                            endTask[r][i] = schedule.add(.delay(seconds: 0), after: [t, j])
                        } else if ready[c].count == graph.communications[c].members.count {
                            compile(c)
                        }
                    case .compute(let lane, let ns):
                        let t = schedule.add(.compute(device: device, seconds: Self.seconds(ns), lane: lane), after: deps)
                        startTask[r][i] = t
                        endTask[r][i] = t
                    case .pass:
                        let t = schedule.add(.delay(seconds: 0), after: deps)
                        startTask[r][i] = t
                        endTask[r][i] = t
                    }
                    cursor[r] += 1
                    progress = true
                }
            }
            if cursor.enumerated().allSatisfy({ $0.element == graph.ranks[$0.offset].steps.count }) { break }
            if !progress {
                // Ranks wait on different communications (inconsistent order across inputs): run the first waiting
                // one with the members that reached it.
                guard let c = graph.communications.indices.first(where: { join[$0] == nil && !ready[$0].isEmpty }) else { break }
                compile(c)
                forced += 1
            }
        }
        if forced > 0 { warnings.append("\(forced) \(graph.forcedStartWarning)") }
    }

    static func unique(_ ids: [TaskID]) -> [TaskID] {
        var out: [TaskID] = []
        for id in ids.sorted() where out.last != id { out.append(id) }
        return out
    }

    /// Adds communication `c` after its ready members, and sets the members' end tasks.
    mutating func compile(_ c: Int) {
        let pc = graph.communications[c]
        let after = Self.unique(ready[c])
        var sinks: [TaskID]?
        if pc.mode == .resimulated, let p = pc.pointToPoint {
            let from = Int32(devices[p.src]), to = Int32(devices[p.dst])
            if from == to || pc.bytes == 0 {
                sinks = after
            } else {
                sinks = [schedule.add(.transfer(from: from, to: to, bytes: pc.bytes, path: .automatic),
                                      tag: TaskTag(collective: Int32(c), phase: .sendRecv), after: after)]
            }
            used[c] = "p2p"
        } else if pc.mode == .resimulated, let op = pc.op {
            let groupGPUs = pc.groupRanks.map { $0 < gpus.count ? gpus[$0] : -1 }
            if groupGPUs.allSatisfy({ $0 >= 0 }),
               let done = execution.compile(op: op, bytes: pc.bytes, gpus: groupGPUs, root: pc.root, id: Int32(c),
                                            into: &schedule, after: after, warnings: &warnings) {
                sinks = done.sinks
                used[c] = done.algorithm
            }
            if sinks == nil { modes[c] = .keptUnsupported }
        }
        let j: TaskID
        if let sinks {
            j = schedule.add(.delay(seconds: 0), after: Self.unique(sinks + after))
        } else {
            j = schedule.add(.delay(seconds: Self.seconds(pc.keptNanoseconds)), after: after)
        }
        join[c] = j
        for m in pc.members {
            // Members not ready yet join later (see `build`).
            if let t = startTask[m.rank][m.step] {
                endTask[m.rank][m.step] = after.contains(t) ? j : schedule.add(.delay(seconds: 0), after: [t, j])
            }
        }
    }

    // MARK: Reading the run back

    /// Predicted (start, end) per rank and step, ns.
    func predictedTimes(_ exec: ExecutionResult) -> [[(Int64, Int64)]] {
        graph.ranks.enumerated().map { r, rank in
            rank.steps.indices.map { i -> (Int64, Int64) in
                guard let s = startTask[r][i], let e = endTask[r][i] else { return (0, 0) }
                let start = rank.steps[i].startsWhenReady ? Self.nanoseconds(exec.taskEnd[s.index])
                    : Self.nanoseconds(exec.taskStart[s.index])
                return (start, max(start, Self.nanoseconds(exec.taskEnd[e.index])))
            }
        }
    }

    /// GPU time of one rank: each kind's union, idle = [0, last end] minus the union of every GPU step.
    static func breakdown(_ steps: [ReplayGraph.Step], _ times: [(Int64, Int64)]) -> RankBreakdown {
        var activities: [(Int64, Int64, ActivityKind)] = []
        var end = Int64(0)
        for (i, s) in steps.enumerated() {
            end = max(end, times[i].1)
            if let kind = s.kind { activities.append((times[i].0, times[i].1, kind)) }
        }
        let b = ActivityBreakdown(activities)
        return RankBreakdown(computeSeconds: seconds(b[.compute].length), memorySeconds: seconds(b[.memory].length),
                             communicationSeconds: seconds(b[.communication].length),
                             idleSeconds: seconds(b.idle(from: 0, to: end)), spanSeconds: seconds(end))
    }

    /// Per-rank comparisons, `original` nil for a rank without measured times.
    func ranks(original: [[(Int64, Int64)]?], predicted: [[(Int64, Int64)]]) -> [RankComparison] {
        graph.ranks.enumerated().map { r, rank in
            let o = original[r].map { Self.breakdown(rank.steps, $0) } ?? RankBreakdown(
                computeSeconds: 0, memorySeconds: 0, communicationSeconds: 0, idleSeconds: 0, spanSeconds: 0)
            return RankComparison(rank: rank.rank, gpu: gpus[rank.rank], file: rank.file,
                                  mirrors: graph.mirrored.filter { $0.source == rank.rank }.map(\.rank),
                                  original: o, predicted: Self.breakdown(rank.steps, predicted[r]))
        }
    }

    /// Original vs predicted per communication: from the last member ready to the end.
    func collectives(_ exec: ExecutionResult, predicted: [[(Int64, Int64)]]) -> [CollectiveComparison] {
        graph.communications.enumerated().map { c, pc in
            var readyEnd = Int64.min, end = Int64.min
            for m in pc.members {
                readyEnd = max(readyEnd, predicted[m.rank][m.step].0)
                end = max(end, predicted[m.rank][m.step].1)
            }
            if let j = join[c] { end = Self.nanoseconds(exec.taskEnd[j.index]) }
            return CollectiveComparison(
                index: c, iteration: pc.iteration, name: pc.name, op: pc.opLabel, algorithm: used[c], bytes: pc.bytes,
                processGroup: pc.processGroup, ranks: pc.groupRanks, sequence: pc.sequence, mode: modes[c],
                originalSeconds: Self.seconds(pc.originalNanoseconds), predictedSeconds: Self.seconds(max(0, end - readyEnd)))
        }
    }

    /// The comparison with the timelines: `original` times (nil for ranks without them), `iterations` as computed
    /// by the caller.
    func result(_ exec: ExecutionResult, linkEfficiency: Double, original: [[(Int64, Int64)]?],
                predicted: [[(Int64, Int64)]], iterations: [IterationComparison], planWarnings: [String],
                originalTitle: String) -> ReplayResult {
        let collectives = collectives(exec, predicted: predicted)
        let source = graph.ranks.map(\.file).joined(separator: ", ")
        var originalTL = Timeline(title: "original: \(source)")
        if original.contains(where: { $0 != nil }) {
            originalTL = timeline(title: "\(originalTitle): \(source)",
                                  times: original.enumerated().map { $0.element ?? predicted[$0.offset].map { _ in (0, 0) } },
                                  include: original.map { $0 != nil }, collectives: collectives)
        }
        let predictedTL = timeline(title: "predicted: \(topology.name) \(algorithm.rawValue)", times: predicted,
                                   include: graph.ranks.map { _ in true }, collectives: collectives)
        return ReplayResult(
            topologyName: topology.name, algorithm: algorithm, linkEfficiency: linkEfficiency, gpus: gpus,
            worldSize: graph.worldSize, iterations: iterations, ranks: ranks(original: original, predicted: predicted),
            mirrored: graph.mirrored, collectives: collectives, warnings: planWarnings + warnings,
            originalTimeline: originalTL, predictedTimeline: predictedTL, tasks: schedule.count, events: exec.events)
    }

    /// One track per rank and lane, one span per drawn step, one record per communication (first member's start
    /// to last member's end).
    func timeline(title: String, times: [[(Int64, Int64)]], include: [Bool], collectives: [CollectiveComparison]) -> Timeline {
        var tl = Timeline(title: title)
        let source = graph.ranks.map(\.file).joined(separator: ", ")
        tl.metadata = [("source", source)] + (graph.format.map { [("format", $0)] } ?? [])
            + [("topology", topology.name), ("algorithm", algorithm.rawValue)]
        var bounds = [(Int64, Int64)](repeating: (.max, .min), count: collectives.count)
        for (r, rank) in graph.ranks.enumerated() where include[r] {
            for (i, s) in rank.steps.enumerated() {
                guard case .communication(let c) = s.work else { continue }
                bounds[c].0 = min(bounds[c].0, times[r][i].0)
                bounds[c].1 = max(bounds[c].1, times[r][i].1)
            }
        }
        for (c, cc) in collectives.enumerated() {
            tl.collectives.append(CollectiveRecord(
                name: cc.name, op: cc.op, algorithm: cc.algorithm.isEmpty ? cc.mode.rawValue : cc.algorithm,
                gpus: cc.ranks.map { $0 < gpus.count ? gpus[$0] : $0 }, bytes: cc.bytes,
                start: bounds[c].0 == .max ? 0 : bounds[c].0, end: bounds[c].1 == .min ? 0 : bounds[c].1))
        }
        for (r, rank) in graph.ranks.enumerated() where include[r] {
            let gpu = gpus[rank.rank]
            let track = rank.tracks.map { t in
                tl.addTrack(Track(process: "rank \(rank.rank)", processSortIndex: rank.rank, lane: t.lane,
                                  laneSortIndex: t.sortIndex, gpu: t.host ? nil : gpu, pid: rank.rank, tid: t.tid))
            }
            for (i, s) in rank.steps.enumerated() {
                guard let category = s.category, s.track >= 0 else { continue }
                var fields = s.fields
                var collective = -1
                if case .communication(let c) = s.work {
                    collective = c
                    fields.append(("mode", collectives[c].mode.rawValue))
                    fields.append(("collective", String(c)))
                }
                let detail = tl.addDetail(SpanDetail(fields: fields))
                let (st, e) = times[r][i]
                tl.add(Span(track: track[s.track], name: tl.intern(s.name), category: category, start: st,
                            duration: max(0, e - st), bytes: s.bytes, collective: Int32(collective), detail: detail))
            }
        }
        tl.sortSpans()
        return tl
    }
}
