import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeFabric
import LinkscopeSchedule
import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeUnits

extension ChakraPlan {
    /// Replays the graphs on `topology`: rank r runs on GPU `gpus[r]` (default 0..<worldSize), collectives use
    /// `algorithm` (an op it does not implement falls back to the op's first supported algorithm, with a
    /// warning), links run at `linkEfficiency` × line rate.
    ///
    /// The result reuses the trace replay's types: one "iteration" (the whole graph); `original` figures come
    /// from the trace's `start_time_micros`/`duration_micros` when it has start times (else they are 0); per
    /// rank `predicted.spanSeconds` is the rank's total time. Deterministic.
    /// - Throws: `ReplayError` for GPUs that do not fit the job or the topology.
    public func run(topology: Topology, gpus requested: [Int]? = nil, algorithm: Algorithm = .ring,
                    linkEfficiency: Double = 1) throws(ReplayError) -> ReplayResult {
        let gpus = requested ?? Array(0..<worldSize)
        let devices = try ReplayExecution.devices(gpus: gpus, worldSize: worldSize, topology: topology,
                                                  linkEfficiency: linkEfficiency)
        var builder = ChakraScheduleBuilder(plan: self, topology: topology, gpus: gpus, devices: devices, algorithm: algorithm)
        builder.build()
        let exec = try builder.execution.execute(builder.schedule, linkEfficiency: linkEfficiency)
        return builder.result(exec, linkEfficiency: linkEfficiency)
    }
}

/// Turns a Chakra plan into one schedule, then the execution into a `ReplayResult`.
struct ChakraScheduleBuilder {
    let plan: ChakraPlan
    let topology: Topology
    let gpus: [Int]
    let devices: [Int]
    let algorithm: Algorithm
    var schedule = Schedule()
    var warnings: [String] = []
    var startTask: [[TaskID?]]
    var endTask: [[TaskID?]]
    var ready: [[TaskID]]
    var join: [TaskID?]
    var used: [String]
    var modes: [ReplayCollectiveMode]
    /// Collective compilation with fallbacks and the fabric run, shared with the other replay.
    var execution: ReplayExecution

    init(plan: ChakraPlan, topology: Topology, gpus: [Int], devices: [Int], algorithm: Algorithm) {
        self.plan = plan
        self.topology = topology
        self.gpus = gpus
        self.devices = devices
        self.algorithm = algorithm
        execution = ReplayExecution(topology: topology, algorithm: algorithm, chunkBytes: plan.options.chunkBytes)
        startTask = plan.ranks.map { [TaskID?](repeating: nil, count: $0.steps.count) }
        endTask = startTask
        ready = [[TaskID]](repeating: [], count: plan.comms.count)
        join = [TaskID?](repeating: nil, count: plan.comms.count)
        used = [String](repeating: "", count: plan.comms.count)
        modes = plan.comms.map(\.mode)
    }

    static func seconds(_ ns: Int64) -> Double { Double(ns) / 1e9 }

    mutating func build() {
        let root = schedule.add(.delay(seconds: 0))
        var cursor = [Int](repeating: 0, count: plan.ranks.count)
        var forced = 0
        while true {
            var progress = false
            for r in plan.ranks.indices {
                let rank = plan.ranks[r]
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
                    if deps.isEmpty { deps = [root] }
                    deps = KinetoScheduleBuilder.unique(deps)
                    switch s.work {
                    case .communication where s.comm >= 0:
                        let c = s.comm
                        let t = schedule.add(.delay(seconds: 0), after: deps)
                        startTask[r][i] = t
                        ready[c].append(t)
                        if let j = join[c] {
                            endTask[r][i] = schedule.add(.delay(seconds: 0), after: [t, j])
                        } else if ready[c].count == plan.comms[c].members.count {
                            compile(c)
                        }
                    case .gpuCompute, .memory, .host:
                        let lane: UInt8 = s.work == .gpuCompute ? 0 : s.work == .memory ? 1 : 2
                        let t = schedule.add(.compute(device: device, seconds: Self.seconds(s.duration), lane: lane), after: deps)
                        startTask[r][i] = t
                        endTask[r][i] = t
                    default:
                        let t = schedule.add(.delay(seconds: 0), after: deps)
                        startTask[r][i] = t
                        endTask[r][i] = t
                    }
                    cursor[r] += 1
                    progress = true
                }
            }
            if cursor.enumerated().allSatisfy({ $0.element == plan.ranks[$0.offset].steps.count }) { break }
            if !progress {
                guard let c = plan.comms.indices.first(where: { join[$0] == nil && !ready[$0].isEmpty }) else { break }
                compile(c)
                forced += 1
            }
        }
        if forced > 0 {
            warnings.append("\(forced) communication(s) were started without every member (the ranks' orders disagree)")
        }
    }

    mutating func compile(_ c: Int) {
        let pc = plan.comms[c]
        let after = KinetoScheduleBuilder.unique(ready[c])
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
            let groupGPUs = pc.ranks.map { $0 < gpus.count ? gpus[$0] : -1 }
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
            j = schedule.add(.delay(seconds: 0), after: KinetoScheduleBuilder.unique(sinks + after))
        } else {
            j = schedule.add(.delay(seconds: Self.seconds(pc.measured)), after: after)
        }
        join[c] = j
        for m in pc.members {
            if let t = startTask[m.rank][m.step] {
                endTask[m.rank][m.step] = after.contains(t) ? j : schedule.add(.delay(seconds: 0), after: [t, j])
            }
        }
    }

    // MARK: Result

    func result(_ exec: ExecutionResult, linkEfficiency: Double) -> ReplayResult {
        func ns(_ s: Double) -> Int64 { s.isFinite ? Int64((s * 1e9).rounded()) : 0 }
        var predicted: [[(Int64, Int64)]] = []
        for (r, rank) in plan.ranks.enumerated() {
            var times: [(Int64, Int64)] = []
            for (i, s) in rank.steps.enumerated() {
                guard let st = startTask[r][i], let e = endTask[r][i] else { times.append((0, 0)); continue }
                let start = s.work == .communication ? ns(exec.taskEnd[st.index]) : ns(exec.taskStart[st.index])
                times.append((start, max(start, ns(exec.taskEnd[e.index]))))
            }
            predicted.append(times)
        }
        // Original times, relative to the earliest start over all ranks that have them.
        let origin = plan.ranks.flatMap { $0.steps.compactMap(\.originalStart) }.min() ?? 0
        let original: [[(Int64, Int64)]?] = plan.ranks.map { rank in
            guard rank.hasTimes else { return nil }
            return rank.steps.map { s in
                let st = (s.originalStart ?? origin) - origin
                return (st, st + s.duration)
            }
        }

        var ranks: [RankComparison] = []
        var originalEnd = Int64(0), predictedEnd = Int64(0)
        for (r, rank) in plan.ranks.enumerated() {
            let p = Self.breakdown(rank.steps, predicted[r])
            let o = original[r].map { Self.breakdown(rank.steps, $0) } ?? RankBreakdown(
                computeSeconds: 0, memorySeconds: 0, communicationSeconds: 0, idleSeconds: 0, spanSeconds: 0)
            originalEnd = max(originalEnd, original[r]?.map(\.1).max() ?? 0)
            predictedEnd = max(predictedEnd, predicted[r].map(\.1).max() ?? 0)
            ranks.append(RankComparison(rank: rank.rank, gpu: gpus[rank.rank], file: rank.file,
                                        mirrors: plan.mirrored.filter { $0.source == rank.rank }.map(\.rank),
                                        original: o, predicted: p))
        }
        let iterations = [IterationComparison(index: 0, name: "graph", originalSeconds: KinetoScheduleBuilder.seconds(originalEnd),
                                              predictedSeconds: KinetoScheduleBuilder.seconds(predictedEnd))]

        var collectives: [CollectiveComparison] = []
        for (c, pc) in plan.comms.enumerated() {
            var readyEnd = Int64.min, end = Int64.min
            for m in pc.members {
                readyEnd = max(readyEnd, predicted[m.rank][m.step].0)
                end = max(end, predicted[m.rank][m.step].1)
            }
            if let j = join[c] { end = ns(exec.taskEnd[j.index]) }
            collectives.append(CollectiveComparison(
                index: c, iteration: 0, name: pc.name, op: pc.opName, algorithm: used[c], bytes: pc.bytes,
                processGroup: pc.processGroup, ranks: pc.ranks, sequence: pc.sequence, mode: modes[c],
                originalSeconds: Self.seconds(pc.measured), predictedSeconds: Self.seconds(max(0, end - readyEnd))))
        }
        let source = plan.ranks.map(\.file).joined(separator: ", ")
        var originalTL = Timeline(title: "original: \(source)")
        if original.contains(where: { $0 != nil }) {
            originalTL = timeline(title: "original (Chakra start times): \(source)",
                                  times: original.enumerated().map { $0.element ?? predicted[$0.offset].map { _ in (0, 0) } },
                                  include: original.map { $0 != nil }, collectives: collectives)
        }
        let predictedTL = timeline(title: "predicted: \(topology.name) \(algorithm.rawValue)", times: predicted,
                                   include: plan.ranks.map { _ in true }, collectives: collectives)
        return ReplayResult(
            topologyName: topology.name, algorithm: algorithm, linkEfficiency: linkEfficiency, gpus: gpus,
            worldSize: plan.worldSize, iterations: iterations, ranks: ranks, mirrored: plan.mirrored, collectives: collectives,
            warnings: plan.warnings + warnings, originalTimeline: originalTL, predictedTimeline: predictedTL,
            tasks: schedule.count, events: exec.events)
    }

    /// GPU time of one rank: compute (GPU COMP), memory, communication (ready → end, waiting for peers
    /// included); idle = [0, last end] minus their union. Host (CPU) nodes are not GPU time.
    static func breakdown(_ steps: [ChakraStep], _ times: [(Int64, Int64)]) -> RankBreakdown {
        var byKind: [[(Int64, Int64)]] = [[], [], []]
        var busy: [(Int64, Int64)] = []
        var end = Int64(0)
        for (i, s) in steps.enumerated() {
            end = max(end, times[i].1)
            let k: Int
            switch s.work {
            case .gpuCompute: k = 0
            case .memory: k = 1
            case .communication: k = 2
            default: continue
            }
            byKind[k].append(times[i])
            busy.append(times[i])
        }
        let used = KinetoScheduleBuilder.length(busy)
        return RankBreakdown(computeSeconds: seconds(KinetoScheduleBuilder.length(byKind[0])),
                             memorySeconds: seconds(KinetoScheduleBuilder.length(byKind[1])),
                             communicationSeconds: seconds(KinetoScheduleBuilder.length(byKind[2])),
                             idleSeconds: seconds(max(0, end - used)), spanSeconds: seconds(end))
    }

    func timeline(title: String, times: [[(Int64, Int64)]], include: [Bool], collectives: [CollectiveComparison]) -> Timeline {
        var tl = Timeline(title: title)
        tl.metadata = [("source", plan.ranks.map(\.file).joined(separator: ", ")), ("format", "chakra"),
                       ("topology", topology.name), ("algorithm", algorithm.rawValue)]
        var bounds = [(Int64, Int64)](repeating: (.max, .min), count: collectives.count)
        for (r, rank) in plan.ranks.enumerated() where include[r] {
            for (i, s) in rank.steps.enumerated() where s.comm >= 0 {
                bounds[s.comm].0 = min(bounds[s.comm].0, times[r][i].0)
                bounds[s.comm].1 = max(bounds[s.comm].1, times[r][i].1)
            }
        }
        for (c, cc) in collectives.enumerated() {
            tl.collectives.append(CollectiveRecord(
                name: cc.name, op: cc.op, algorithm: cc.algorithm.isEmpty ? cc.mode.rawValue : cc.algorithm,
                gpus: cc.ranks.map { $0 < gpus.count ? gpus[$0] : $0 }, bytes: cc.bytes,
                start: bounds[c].0 == .max ? 0 : bounds[c].0, end: bounds[c].1 == .min ? 0 : bounds[c].1))
        }
        let lanes: [(work: ChakraWork, name: String)] = [(.gpuCompute, "compute"), (.memory, "memory"),
                                                         (.communication, "comm"), (.host, "host")]
        for (r, rank) in plan.ranks.enumerated() where include[r] {
            let gpu = gpus[rank.rank]
            var track: [Int32] = []
            for (k, lane) in lanes.enumerated() {
                guard rank.steps.contains(where: { $0.work == lane.work }) else { track.append(-1); continue }
                track.append(tl.addTrack(Track(process: "rank \(rank.rank)", processSortIndex: rank.rank, lane: lane.name,
                                               laneSortIndex: k, gpu: lane.work == .host ? nil : gpu, pid: rank.rank, tid: k)))
            }
            for (i, s) in rank.steps.enumerated() {
                guard let cat = s.work.category, let k = lanes.firstIndex(where: { $0.work == s.work }), track[k] >= 0 else { continue }
                var fields: [(String, String)] = [("node id", String(s.id))]
                if s.comm >= 0 {
                    fields.append(("mode", collectives[s.comm].mode.rawValue))
                    fields.append(("collective", String(s.comm)))
                }
                let detail = tl.addDetail(SpanDetail(fields: fields))
                let (st, e) = times[r][i]
                tl.add(Span(track: track[k], name: tl.intern(s.name), category: cat, start: st, duration: max(0, e - st),
                            bytes: s.work == .communication ? s.bytes : 0, collective: Int32(s.comm), detail: detail))
            }
        }
        tl.sortSpans()
        return tl
    }
}
