import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeFabric
import LinkscopeSchedule
import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeUnits

extension ReplayPlan {
    /// Replays the traces on `topology`: rank r runs on GPU `gpus[r]` (default 0..<worldSize), re-simulated
    /// collectives use `algorithm` (an op it does not implement falls back to the op's first supported
    /// algorithm, with a warning), links run at `linkEfficiency` × line rate.
    ///
    /// The schedule: per rank and iteration an origin `delay` from time 0 (host offset); per activity a launch
    /// `delay` from its iteration origin; compute/memory as `compute` tasks on a lane per stream after the
    /// launch and their dependencies; communication as a zero `delay` per member (ready), then the compiled
    /// collective (or a fixed `delay` of its measured time) after every member is ready, then a join.
    /// Deterministic: same plan and arguments give the same result.
    /// - Throws: `ReplayError` for GPUs that do not fit the job or the topology.
    public func run(topology: Topology, gpus requested: [Int]? = nil, algorithm: Algorithm = .ring,
                    linkEfficiency: Double = 1) throws(ReplayError) -> ReplayResult {
        let gpus = requested ?? Array(0..<worldSize)
        let devices = try ReplayExecution.devices(gpus: gpus, worldSize: worldSize, topology: topology,
                                                  linkEfficiency: linkEfficiency)
        var builder = KinetoScheduleBuilder(plan: self, topology: topology, gpus: gpus, devices: devices, algorithm: algorithm)
        builder.build()
        let exec = try builder.execution.execute(builder.schedule, linkEfficiency: linkEfficiency)
        return builder.result(exec, linkEfficiency: linkEfficiency)
    }
}

/// Turns a plan into one schedule, then the execution back into a comparison.
struct KinetoScheduleBuilder {
    let plan: ReplayPlan
    let topology: Topology
    let gpus: [Int]
    let devices: [Int]
    let algorithm: Algorithm
    var schedule = Schedule()
    var warnings: [String] = []
    /// Per rank and activity: the task whose start is the activity's start (compute, or ready for
    /// communication) and the task whose end is its end.
    var startTask: [[TaskID?]]
    var endTask: [[TaskID?]]
    /// Per collective: member ready tasks, the join, the algorithm used, its mode after fallbacks.
    var ready: [[TaskID]]
    var join: [TaskID?]
    var used: [String]
    var modes: [ReplayCollectiveMode]
    var originalSpan: [(start: Int64, end: Int64)]
    /// Collective compilation with fallbacks and the fabric run, shared with the other replay.
    var execution: ReplayExecution

    init(plan: ReplayPlan, topology: Topology, gpus: [Int], devices: [Int], algorithm: Algorithm) {
        self.plan = plan
        self.topology = topology
        self.gpus = gpus
        self.devices = devices
        self.algorithm = algorithm
        execution = ReplayExecution(topology: topology, algorithm: algorithm, chunkBytes: plan.options.chunkBytes)
        startTask = plan.ranks.map { [TaskID?](repeating: nil, count: $0.activities.count) }
        endTask = startTask
        ready = [[TaskID]](repeating: [], count: plan.collectives.count)
        join = [TaskID?](repeating: nil, count: plan.collectives.count)
        used = [String](repeating: "", count: plan.collectives.count)
        modes = plan.collectives.map(\.mode)
        originalSpan = plan.collectives.map { c in
            var s = Int64.min, e = Int64.min
            for m in c.members {
                let a = plan.ranks[m.rank].activities[m.activity]
                s = max(s, a.start)
                e = max(e, a.end)
            }
            return (s, max(s, e))
        }
    }

    static func seconds(_ ns: Int64) -> Double { Double(ns) / 1e9 }

    mutating func build() {
        let root = schedule.add(.delay(seconds: 0))
        var origins: [[TaskID]] = []
        for r in plan.ranks {
            origins.append(r.iterationOffsets.map { schedule.add(.delay(seconds: Self.seconds(max(0, $0))), after: [root]) })
        }
        var cursor = [Int](repeating: 0, count: plan.ranks.count)
        var forced = 0
        while true {
            var progress = false
            for r in plan.ranks.indices {
                let rank = plan.ranks[r]
                while cursor[r] < rank.activities.count {
                    let i = cursor[r]
                    let a = rank.activities[i]
                    var deps: [TaskID] = []
                    var blocked = false
                    for d in a.dependencies {
                        guard let t = endTask[r][d] else { blocked = true; break }
                        deps.append(t)
                    }
                    if blocked { break }
                    let origin = origins[r][a.iteration]
                    let wait = a.launch - rank.iterationOffsets[a.iteration]
                    if wait > 0 {
                        deps.append(schedule.add(.delay(seconds: Self.seconds(wait)), after: [origin]))
                    } else {
                        deps.append(origin)
                    }
                    deps = Self.unique(deps)
                    if a.kind == .communication && a.collective >= 0 {
                        let c = a.collective
                        let t = schedule.add(.delay(seconds: 0), after: deps)
                        startTask[r][i] = t
                        ready[c].append(t)
                        if let j = join[c] {
                            endTask[r][i] = schedule.add(.delay(seconds: 0), after: [t, j])
                        } else if ready[c].count == plan.collectives[c].members.count {
                            compile(c)
                        }
                    } else {
                        let t = schedule.add(.compute(device: Int32(devices[rank.rank]), seconds: Self.seconds(a.duration),
                                                      lane: a.lane), after: deps)
                        startTask[r][i] = t
                        endTask[r][i] = t
                    }
                    cursor[r] += 1
                    progress = true
                }
            }
            if cursor.enumerated().allSatisfy({ $0.element == plan.ranks[$0.offset].activities.count }) { break }
            if !progress {
                // Ranks wait on different collectives (inconsistent order across traces): run the first waiting
                // one with the members that reached it.
                guard let c = plan.collectives.indices.first(where: { join[$0] == nil && !ready[$0].isEmpty }) else { break }
                compile(c)
                forced += 1
            }
        }
        if forced > 0 {
            warnings.append("\(forced) collective(s) were started without every member (order differs across ranks)")
        }
    }

    static func unique(_ ids: [TaskID]) -> [TaskID] {
        var out: [TaskID] = []
        for id in ids.sorted() where out.last != id { out.append(id) }
        return out
    }

    /// Adds collective `c` after its ready members, and sets the members' end tasks.
    mutating func compile(_ c: Int) {
        let pc = plan.collectives[c]
        let after = Self.unique(ready[c])
        var sinks: [TaskID]?
        if pc.mode == .resimulated, let op = pc.op {
            let groupGPUs = pc.groupRanks.map { $0 < gpus.count ? gpus[$0] : -1 }
            if groupGPUs.allSatisfy({ $0 >= 0 }),
               let done = execution.compile(op: op, bytes: pc.bytes, gpus: groupGPUs, root: 0, id: Int32(c),
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
            let span = originalSpan[c]
            j = schedule.add(.delay(seconds: Self.seconds(span.end - span.start)), after: after)
        }
        join[c] = j
        for m in pc.members {
            // Members not ready yet join later (see `build`).
            if let t = startTask[m.rank][m.activity] {
                endTask[m.rank][m.activity] = after.contains(t) ? j : schedule.add(.delay(seconds: 0), after: [t, j])
            }
        }
    }

    // MARK: Result

    func result(_ exec: ExecutionResult, linkEfficiency: Double) -> ReplayResult {
        func ns(_ s: Double) -> Int64 { s.isFinite ? Int64((s * 1e9).rounded()) : 0 }
        // Predicted (start, end) per rank and activity.
        var predicted: [[(Int64, Int64)]] = []
        for (r, rank) in plan.ranks.enumerated() {
            var times: [(Int64, Int64)] = []
            for i in rank.activities.indices {
                guard let s = startTask[r][i], let e = endTask[r][i] else { times.append((0, 0)); continue }
                let a = rank.activities[i]
                let start = a.kind == .communication ? ns(exec.taskEnd[s.index]) : ns(exec.taskStart[s.index])
                times.append((start, max(start, ns(exec.taskEnd[e.index]))))
            }
            predicted.append(times)
        }
        let original = plan.ranks.map { $0.activities.map { ($0.start, $0.end) } }

        // Iterations.
        var iterations: [IterationComparison] = []
        for k in 0..<plan.iterationCount {
            var o = 0.0, p = 0.0
            for (r, rank) in plan.ranks.enumerated() {
                let offset = rank.iterationOffsets[k]
                var oe = Int64.min, pe = Int64.min
                for (i, a) in rank.activities.enumerated() where a.iteration == k {
                    oe = max(oe, original[r][i].1)
                    pe = max(pe, predicted[r][i].1)
                }
                if oe > .min { o = max(o, Self.seconds(oe - offset)) }
                if pe > .min { p = max(p, Self.seconds(pe - offset)) }
            }
            iterations.append(IterationComparison(index: k, name: plan.ranks.first?.iterationNames[k] ?? "", originalSeconds: o,
                                                  predictedSeconds: p))
        }

        // Per-rank breakdowns.
        var ranks: [RankComparison] = []
        for (r, rank) in plan.ranks.enumerated() {
            ranks.append(RankComparison(
                rank: rank.rank, gpu: gpus[rank.rank], file: rank.file,
                mirrors: plan.mirrored.filter { $0.source == rank.rank }.map(\.rank),
                original: Self.breakdown(rank.activities, original[r]), predicted: Self.breakdown(rank.activities, predicted[r])))
        }

        // Collectives.
        var collectives: [CollectiveComparison] = []
        for (c, pc) in plan.collectives.enumerated() {
            var readyEnd = Int64.min, end = Int64.min
            for m in pc.members {
                readyEnd = max(readyEnd, predicted[m.rank][m.activity].0)
                end = max(end, predicted[m.rank][m.activity].1)
            }
            if let j = join[c] { end = ns(exec.taskEnd[j.index]) }
            collectives.append(CollectiveComparison(
                index: c, iteration: pc.iteration, name: pc.name, op: pc.op?.rawValue ?? pc.opName, algorithm: used[c],
                bytes: pc.bytes, processGroup: pc.processGroup, ranks: pc.groupRanks, sequence: pc.sequence, mode: modes[c],
                originalSeconds: Self.seconds(originalSpan[c].end - originalSpan[c].start),
                predictedSeconds: Self.seconds(max(0, end - readyEnd))))
        }

        let source = plan.ranks.map(\.file).joined(separator: ", ")
        let originalTL = timeline(title: "original: \(source)", times: original, collectives: collectives)
        let predictedTL = timeline(title: "predicted: \(topology.name) \(algorithm.rawValue)", times: predicted,
                                   collectives: collectives)
        return ReplayResult(
            topologyName: topology.name, algorithm: algorithm, linkEfficiency: linkEfficiency, gpus: gpus,
            worldSize: plan.worldSize, iterations: iterations, ranks: ranks, mirrored: plan.mirrored, collectives: collectives,
            warnings: plan.warnings + warnings, originalTimeline: originalTL, predictedTimeline: predictedTL,
            tasks: schedule.count, events: exec.events)
    }

    static func breakdown(_ acts: [Activity], _ times: [(Int64, Int64)]) -> RankBreakdown {
        var byKind: [[(Int64, Int64)]] = [[], [], []]
        var all: [(Int64, Int64)] = []
        for (i, a) in acts.enumerated() {
            let k = a.kind == .compute ? 0 : a.kind == .memory ? 1 : 2
            byKind[k].append(times[i])
            all.append(times[i])
        }
        let end = all.map(\.1).max() ?? 0
        let span = max(0, end)  // from the first iteration start (time 0)
        let busy = length(all)
        return RankBreakdown(computeSeconds: seconds(length(byKind[0])), memorySeconds: seconds(length(byKind[1])),
                             communicationSeconds: seconds(length(byKind[2])), idleSeconds: seconds(max(0, span - busy)),
                             spanSeconds: seconds(span))
    }

    /// Total length of the union of intervals.
    static func length(_ intervals: [(Int64, Int64)]) -> Int64 {
        let sorted = intervals.filter { $0.1 > $0.0 }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var total: Int64 = 0
        var cur: (Int64, Int64)?
        for iv in sorted {
            if let c = cur, iv.0 <= c.1 {
                cur = (c.0, max(c.1, iv.1))
            } else {
                if let c = cur { total += c.1 - c.0 }
                cur = iv
            }
        }
        if let c = cur { total += c.1 - c.0 }
        return total
    }

    func timeline(title: String, times: [[(Int64, Int64)]], collectives: [CollectiveComparison]) -> Timeline {
        var tl = Timeline(title: title)
        tl.metadata = [("source", plan.ranks.map(\.file).joined(separator: ", ")), ("topology", topology.name),
                       ("algorithm", algorithm.rawValue)]
        // One record per collective: from the first member's start to the last member's end.
        var bounds = [(Int64, Int64)](repeating: (.max, .min), count: collectives.count)
        for (r, rank) in plan.ranks.enumerated() {
            for (i, a) in rank.activities.enumerated() where a.collective >= 0 {
                bounds[a.collective].0 = min(bounds[a.collective].0, times[r][i].0)
                bounds[a.collective].1 = max(bounds[a.collective].1, times[r][i].1)
            }
        }
        for (c, cc) in collectives.enumerated() {
            tl.collectives.append(CollectiveRecord(
                name: cc.name, op: cc.op, algorithm: cc.algorithm.isEmpty ? cc.mode.rawValue : cc.algorithm,
                gpus: cc.ranks.map { $0 < gpus.count ? gpus[$0] : $0 }, bytes: cc.bytes,
                start: bounds[c].0 == .max ? 0 : bounds[c].0, end: bounds[c].1 == .min ? 0 : bounds[c].1))
        }
        for (r, rank) in plan.ranks.enumerated() {
            let gpu = gpus[rank.rank]
            var track: [Int32] = []
            for s in rank.streams {
                track.append(tl.addTrack(Track(process: "rank \(rank.rank)", processSortIndex: rank.rank, lane: "stream \(s)",
                                               laneSortIndex: Int(s), gpu: gpu, pid: rank.rank, tid: Int(s))))
            }
            for (i, a) in rank.activities.enumerated() {
                var fields: [(String, String)] = [("stream", String(a.stream)), ("iteration", String(a.iteration))]
                if a.collective >= 0 {
                    fields.append(("mode", collectives[a.collective].mode.rawValue))
                    fields.append(("collective", String(a.collective)))
                }
                let detail = tl.addDetail(SpanDetail(fields: fields))
                let (s, e) = times[r][i]
                tl.add(Span(track: track[rank.streams.firstIndex(of: a.stream) ?? 0], name: tl.intern(a.name), category: a.kind.category, start: s,
                            duration: max(0, e - s), bytes: a.bytes, collective: Int32(a.collective), detail: detail))
            }
        }
        tl.sortSpans()
        return tl
    }
}
