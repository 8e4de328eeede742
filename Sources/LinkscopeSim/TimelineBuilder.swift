import LinkscopeFabric
import LinkscopeSchedule
import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeUnits

/// Lays jobs onto a `Timeline`: a process per GPU (and per other endpoint such as a host server)
/// with a compute lane and as many send/recv lanes as overlapping transfers need, and a process per
/// link group with one track per link showing when it was busy.
struct TimelineBuilder {
    let topology: Topology
    private var timeline: Timeline
    /// Track of (device, lane key).
    private var computeTrack: [Int: Int32] = [:]
    /// Per device: end times of its send / recv sub-lanes (greedy interval colouring).
    private var sendLanes: [Int: [(track: Int32, end: Int64)]] = [:]
    private var recvLanes: [Int: [(track: Int32, end: Int64)]] = [:]
    private var linkTracks: [Int: Int32] = [:]
    private var linkIntervals: [Int: [(Int64, Int64)]] = [:]

    init(topology: Topology, title: String) {
        self.topology = topology
        timeline = Timeline(title: title)
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
        var slot: [Int32: Int] = [:]
        for (i, c) in job.collectives.enumerated() { slot[c.request.collectiveID] = i }
        // Process tasks by start time so lane colouring is greedy-optimal and deterministic.
        let order = job.schedule.tasks.indices.sorted {
            result.taskStart[$0] != result.taskStart[$1] ? result.taskStart[$0] < result.taskStart[$1] : $0 < $1
        }
        for i in order {
            let task = job.schedule.tasks[i]
            let start = Seconds(offset + result.taskStart[i]).nanoseconds
            let end = max(start, Seconds(offset + result.taskEnd[i]).nanoseconds)
            let meta = slot[task.tag.collective].map { job.collectives[$0] }
            let collectiveIndex = slot[task.tag.collective].map { Int32(collectiveBase + $0) } ?? -1
            switch task.kind {
            case .compute(let device, _, _):
                let name = task.tag.phase == .none ? "compute" : "\(task.tag.phase.name) L\(task.tag.chunk)"
                let track = compute(Int(device))
                let detail = timeline.addDetail(SpanDetail(fields: [
                    ("phase", task.tag.phase.name), ("iteration", "\(task.tag.step)"), ("layer", "\(task.tag.chunk)"),
                ]))
                timeline.add(Span(track: track, name: timeline.intern(name), category: .compute, start: start,
                                  duration: end - start, collective: collectiveIndex, detail: detail))
            case .transfer(let from, let to, let bytes, _):
                guard from != to else { continue }
                let phase = task.tag.phase == .none ? "" : " " + task.tag.phase.name
                let name = meta.map { "\($0.op.rawValue) \($0.algorithm.rawValue)\(phase)" } ?? "transfer"
                let route = i < result.taskRoutes.count ? result.taskRoutes[i] : []
                var fields: [(String, String)] = [
                    ("from", topology.devices[Int(from)].name), ("to", topology.devices[Int(to)].name),
                    ("bytes", "\(bytes)"),
                ]
                if let meta {
                    fields += [("collective", meta.name), ("op", meta.op.rawValue), ("algorithm", meta.algorithm.rawValue)]
                }
                fields += [("phase", task.tag.phase.name), ("step", "\(task.tag.step)"), ("chunk", "\(task.tag.chunk)"),
                           ("channel", "\(task.tag.channel)"),
                           ("links", route.map { topology.linkName(Int($0)) }.joined(separator: " "))]
                let detail = timeline.addDetail(SpanDetail(fields: fields))
                let nameIndex = timeline.intern(name)
                for (device, send) in [(Int(from), true), (Int(to), false)] {
                    let track = lane(device, send: send, start: start, end: end)
                    timeline.add(Span(track: track, name: nameIndex, category: .communication, start: start,
                                      duration: end - start, bytes: bytes, collective: collectiveIndex, detail: detail))
                }
                for l in route { linkIntervals[Int(l), default: []].append((start, end)) }
            case .delay:
                continue
            }
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
        timeline.collectives = collectives.map {
            CollectiveRecord(name: $0.name, op: $0.op, algorithm: $0.algorithm, gpus: $0.gpus, bytes: $0.bytes,
                             start: Seconds($0.start).nanoseconds, end: Seconds($0.end).nanoseconds)
        }
        timeline.sortSpans()
        return timeline
    }
}
