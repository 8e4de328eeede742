import LinkscopeFabric
import LinkscopeSchedule
import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeUnits

/// Lays jobs onto a `Timeline`: a process per GPU (and per other endpoint such as a host server)
/// with a compute lane and send/recv lanes, and a process per link group with one track per link
/// showing when it was busy plus its utilisation counter.
///
/// By default a GPU's transfers of one collective phase (all chunks, steps and rings of a
/// reduce-scatter, say) merge into one span, so a GPU reads as compute / send / recv; extra
/// sub-lanes appear only where different collectives overlap. `transferSpans` keeps one span per
/// transfer instead (every chunk and hop, for a deep dive in Perfetto).
struct TimelineBuilder {
    let topology: Topology
    var transferSpans = false
    private var timeline: Timeline
    /// Track of (device, lane key).
    private var computeTrack: [Int: Int32] = [:]
    /// Per device: end times of its send / recv sub-lanes (greedy interval colouring).
    private var sendLanes: [Int: [(track: Int32, end: Int64)]] = [:]
    private var recvLanes: [Int: [(track: Int32, end: Int64)]] = [:]
    private var linkTracks: [Int: Int32] = [:]
    private var linkIntervals: [Int: [(Int64, Int64)]] = [:]
    /// Utilisation (0…1 of line rate) change points per link, from the fabric's rate history.
    private var linkLoad: [Int: [CounterPoint]] = [:]

    init(topology: Topology, title: String, transferSpans: Bool = false) {
        self.topology = topology
        self.transferSpans = transferSpans
        timeline = Timeline(title: title)
    }

    /// Transfers of one device, direction, collective and phase, merged while they overlap.
    private struct Group {
        var device: Int
        var send: Bool
        var collective: Int32
        var phase: Phase
        var start: Int64
        var end: Int64
        var bytes: Int64 = 0
        var transfers = 0
        var peers: [Int] = []
        var links: [Int32] = []
        var firstStep: Int32
        var lastStep: Int32
    }

    private func processName(_ device: Int) -> (String, Int, Int, Int?) {
        let d = topology.devices[device]
        if let g = d.gpuIndex { return ("GPU \(g)", g, g + 1, g) }
        return (d.name, 100_000 + device, 100_000 + device, nil)
    }

    private mutating func compute(_ device: Int) -> Int32 {
        if let t = computeTrack[device] { return t }
        let (p, sort, pid, gpu) = processName(device)
        let t = timeline.addTrack(Track(process: p, processSortIndex: sort, lane: "compute", laneSortIndex: 0,
                                        gpu: gpu, pid: pid, tid: 1))
        computeTrack[device] = t
        return t
    }

    /// The first send (or recv) sub-lane of `device` free at `start`, creating one when all are busy.
    private mutating func lane(_ device: Int, send: Bool, start: Int64, end: Int64) -> Int32 {
        var lanes = (send ? sendLanes[device] : recvLanes[device]) ?? []
        if let i = lanes.firstIndex(where: { $0.end <= start }) {
            lanes[i].end = end
            if send { sendLanes[device] = lanes } else { recvLanes[device] = lanes }
            return lanes[i].track
        }
        let (p, sort, pid, gpu) = processName(device)
        let k = lanes.count
        let name = (send ? "send" : "recv") + (k == 0 ? "" : " \(k)")
        let t = timeline.addTrack(Track(process: p, processSortIndex: sort, lane: name,
                                        laneSortIndex: (send ? 10 : 1000) + k, gpu: gpu, pid: pid,
                                        tid: (send ? 10 : 1000) + k))
        lanes.append((t, end))
        if send { sendLanes[device] = lanes } else { recvLanes[device] = lanes }
        return t
    }

    mutating func add(job: Job, result: ExecutionResult, offset: Double, collectiveBase: Int) {
        if let history = result.linkHistory {
            for (l, segments) in history.enumerated() where !segments.isEmpty {
                let capacity = topology.links[l].bandwidth.bytesPerSecond
                var points = linkLoad[l] ?? []
                for seg in segments {
                    let start = Seconds(offset + seg.start).nanoseconds
                    if let last = points.last, last.time > start { continue }
                    if let last = points.last, last.time == start { points.removeLast() }
                    points.append(CounterPoint(time: start, value: seg.bytesPerSecond / capacity))
                    points.append(CounterPoint(time: Seconds(offset + seg.end).nanoseconds, value: 0))
                }
                linkLoad[l] = points
            }
        }
        var slot: [Int32: Int] = [:]
        for (i, c) in job.collectives.enumerated() { slot[c.request.collectiveID] = i }
        // Process tasks by start time so lane colouring is greedy-optimal and deterministic.
        let order = job.schedule.tasks.indices.sorted {
            result.taskStart[$0] != result.taskStart[$1] ? result.taskStart[$0] < result.taskStart[$1] : $0 < $1
        }
        var groups: [Group] = []
        var open: [GroupKey: Int] = [:]  // lookups only; groups keep creation order
        for i in order {
            let task = job.schedule.tasks[i]
            let start = Seconds(offset + result.taskStart[i]).nanoseconds
            let end = max(start, Seconds(offset + result.taskEnd[i]).nanoseconds)
            let meta = slot[task.tag.collective].map { job.collectives[$0] }
            let collectiveIndex = slot[task.tag.collective].map { Int32(collectiveBase + $0) } ?? -1
            switch task.kind {
            case .compute(let device, _, _):
                let name: String
                switch task.tag.phase {
                case .none: name = "compute"
                case .stageForward, .stageBackward:
                    // Pipeline steps: F/B, micro-batch, model chunk (stage) — the lanes show the schedule.
                    name = "\(task.tag.phase == .stageForward ? "F" : "B")\(task.tag.chunk) chunk \(task.tag.instance)"
                default: name = "\(task.tag.phase.name) L\(task.tag.chunk)"
                }
                let track = compute(Int(device))
                let detail = timeline.addDetail(SpanDetail(fields: [
                    ("phase", task.tag.phase.name), ("iteration", "\(task.tag.step)"), ("layer", "\(task.tag.chunk)"),
                ]))
                timeline.add(Span(track: track, name: timeline.intern(name), category: .compute, start: start,
                                  duration: end - start, collective: collectiveIndex, detail: detail))
            case .transfer(let from, let to, let bytes, _):
                guard from != to else { continue }
                let route = result.route(ofTask: i)
                for l in route { linkIntervals[Int(l), default: []].append((start, end)) }
                if transferSpans {
                    addTransferSpan(task: task, from: Int(from), to: Int(to), bytes: bytes, route: route, start: start,
                                    end: end, meta: meta, collectiveIndex: collectiveIndex)
                    continue
                }
                for (device, peer, send) in [(Int(from), Int(to), true), (Int(to), Int(from), false)] {
                    let key = GroupKey(device: device, send: send, collective: task.tag.collective, phase: task.tag.phase)
                    if let g = open[key], start <= groups[g].end {
                        groups[g].end = max(groups[g].end, end)
                        groups[g].bytes += bytes
                        groups[g].transfers += 1
                        if !groups[g].peers.contains(peer) { groups[g].peers.append(peer) }
                        for l in route where !groups[g].links.contains(l) { groups[g].links.append(l) }
                        groups[g].firstStep = min(groups[g].firstStep, task.tag.step)
                        groups[g].lastStep = max(groups[g].lastStep, task.tag.step)
                    } else {
                        open[key] = groups.count
                        groups.append(Group(device: device, send: send, collective: collectiveIndex, phase: task.tag.phase,
                                            start: start, end: end, bytes: bytes, transfers: 1, peers: [peer],
                                            links: route, firstStep: task.tag.step, lastStep: task.tag.step))
                    }
                }
            case .delay:
                continue
            }
        }
        emit(groups, collectives: job.collectives, collectiveBase: collectiveBase)
    }

    private struct GroupKey: Hashable {
        var device: Int
        var send: Bool
        var collective: Int32
        var phase: Phase
    }

    /// One span per merged group, on the first free send/recv sub-lane (groups in start order).
    private mutating func emit(_ groups: [Group], collectives: [CollectiveMeta], collectiveBase: Int) {
        let order = groups.indices.sorted { groups[$0].start != groups[$1].start ? groups[$0].start < groups[$1].start : $0 < $1 }
        for k in order {
            let g = groups[k]
            let meta = g.collective >= 0 ? collectives[Int(g.collective) - collectiveBase] : nil
            let phase = g.phase == .none ? "" : " " + g.phase.name
            let name = meta.map { "\($0.op.rawValue) \($0.algorithm.rawValue)\(phase)" } ?? "transfer"
            let linkNames = g.links.sorted().prefix(24).map { topology.linkName(Int($0)) }
            var fields: [(String, String)] = []
            if let meta {
                fields += [("collective", meta.name), ("op", meta.op.rawValue), ("algorithm", meta.algorithm.rawValue)]
            }
            fields += [("phase", g.phase.name), ("direction", g.send ? "send" : "receive"), ("bytes", "\(g.bytes)"),
                       ("transfers", "\(g.transfers)"),
                       ("steps", g.firstStep == g.lastStep ? "\(g.firstStep)" : "\(g.firstStep)-\(g.lastStep)"),
                       (g.send ? "to" : "from", g.peers.sorted().map { topology.devices[$0].name }.joined(separator: " ")),
                       ("links", linkNames.joined(separator: " ") + (g.links.count > 24 ? " …" : ""))]
            let detail = timeline.addDetail(SpanDetail(fields: fields))
            let track = lane(g.device, send: g.send, start: g.start, end: g.end)
            timeline.add(Span(track: track, name: timeline.intern(name), category: .communication, start: g.start,
                              duration: g.end - g.start, bytes: g.bytes, collective: g.collective, detail: detail))
        }
    }

    /// One span per transfer (`transferSpans`): every chunk and hop with its own details.
    private mutating func addTransferSpan(task: LinkscopeSchedule.Task, from: Int, to: Int, bytes: Int64, route: [Int32],
                                          start: Int64, end: Int64, meta: CollectiveMeta?, collectiveIndex: Int32) {
        let phase = task.tag.phase == .none ? "" : " " + task.tag.phase.name
        let name = meta.map { "\($0.op.rawValue) \($0.algorithm.rawValue)\(phase)" } ?? "transfer"
        var fields: [(String, String)] = [
            ("from", topology.devices[from].name), ("to", topology.devices[to].name), ("bytes", "\(bytes)"),
        ]
        if let meta {
            fields += [("collective", meta.name), ("op", meta.op.rawValue), ("algorithm", meta.algorithm.rawValue)]
        }
        fields += [("phase", task.tag.phase.name), ("step", "\(task.tag.step)"), ("chunk", "\(task.tag.chunk)"),
                   ("channel", "\(task.tag.instance)"),
                   ("links", route.map { topology.linkName(Int($0)) }.joined(separator: " "))]
        let detail = timeline.addDetail(SpanDetail(fields: fields))
        let nameIndex = timeline.intern(name)
        for (device, send) in [(from, true), (to, false)] {
            let track = lane(device, send: send, start: start, end: end)
            timeline.add(Span(track: track, name: nameIndex, category: .communication, start: start,
                              duration: end - start, bytes: bytes, collective: collectiveIndex, detail: detail))
        }
    }

    /// Link busy spans (merged per link), collective records, canonical span order.
    mutating func finish(collectives: [CollectiveResult]) -> Timeline {
        for l in linkIntervals.keys.sorted() {
            guard let raw = linkIntervals[l] else { continue }
            let link = topology.links[l]
            let kindIndex = LinkKind.allCases.firstIndex(of: link.kind) ?? 0
            let track = timeline.addTrack(Track(process: "links \(link.kind.rawValue)",
                                                processSortIndex: 200_000 + kindIndex, lane: topology.linkName(l),
                                                laneSortIndex: l, gpu: nil, pid: 200_000 + kindIndex, tid: l + 1))
            linkTracks[l] = track
            var merged: [(Int64, Int64)] = []
            for (s, e) in raw.sorted(by: { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }) {
                if let last = merged.last, s <= last.1 { merged[merged.count - 1].1 = max(last.1, e) } else { merged.append((s, e)) }
            }
            let name = timeline.intern("busy")
            for (s, e) in merged {
                timeline.add(Span(track: track, name: name, category: .communication, start: s, duration: e - s))
            }
        }
        for l in linkLoad.keys.sorted() {
            guard let points = linkLoad[l] else { continue }
            let link = topology.links[l]
            let kindIndex = LinkKind.allCases.firstIndex(of: link.kind) ?? 0
            timeline.counters.append(CounterSeries(process: "links \(link.kind.rawValue)",
                                                   processSortIndex: 200_000 + kindIndex, pid: 200_000 + kindIndex,
                                                   name: topology.linkName(l), points: points))
        }
        timeline.collectives = collectives.map {
            CollectiveRecord(name: $0.name, op: $0.op, algorithm: $0.algorithm, gpus: $0.gpus, bytes: $0.bytes,
                             start: Seconds($0.start).nanoseconds, end: Seconds($0.end).nanoseconds)
        }
        timeline.sortSpans()
        return timeline
    }
}
