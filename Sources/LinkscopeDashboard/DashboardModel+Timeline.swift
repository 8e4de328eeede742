import LinkscopeCostModel
import LinkscopeTimeline

extension DashboardModel {
    /// A model derived from a timeline alone (for `linkscope view` on trace files): per-GPU temporal breakdown
    /// by interval union (HTA-style: compute, communication, overlap = both at once, idle = the rest of the
    /// GPU's active range), collectives from `timeline.collectives` with nccl-tests bus factors, and links from
    /// counter series whose values are utilisation fractions. No what-if settings.
    public init(timeline: Timeline, title: String? = nil) {
        var byGPU: [Int: (compute: [(Int64, Int64)], comm: [(Int64, Int64)], sent: Int64)] = [:]
        for s in timeline.spans {
            guard s.track >= 0, Int(s.track) < timeline.tracks.count, let gpu = timeline.tracks[Int(s.track)].gpu else { continue }
            var e = byGPU[gpu] ?? ([], [], 0)
            switch s.category {
            case .compute: e.compute.append((s.start, s.end))
            case .communication:
                e.comm.append((s.start, s.end))
                e.sent += s.bytes
            default: break
            }
            byGPU[gpu] = e
        }
        let gpus: [GPUBreakdown] = byGPU.keys.sorted().map { gpu in
            let e = byGPU[gpu] ?? ([], [], 0)
            let b = ActivityBreakdown(e.compute.map { ($0.0, $0.1, ActivityKind.compute) }
                                      + e.comm.map { ($0.0, $0.1, ActivityKind.communication) })
            let idle = b.idle(from: b.busy.intervals.first?.start ?? 0, to: b.busy.intervals.last?.end ?? 0)
            return GPUBreakdown(gpu: gpu, computeSeconds: Double(b[.compute].length) / 1e9,
                                communicationSeconds: Double(b[.communication].length) / 1e9, idleSeconds: Double(idle) / 1e9,
                                overlapSeconds: Double(b.overlap) / 1e9, bytesSent: e.sent, bytesReceived: 0)
        }
        let collectives: [CollectiveRow] = timeline.collectives.map { c in
            let seconds = Double(max(0, c.end - c.start)) / 1e9
            let algbw = seconds > 0 ? Double(c.bytes) / seconds / 1e9 : 0
            // nccl-tests' busbw convention; operations outside the vocabulary (e.g. trace-specific names) keep algbw.
            let factor = CollectiveOp(rawValue: c.op.lowercased())?.busBandwidthFactor(ranks: max(1, c.gpus.count)) ?? 1
            return CollectiveRow(op: c.op, algorithm: c.algorithm, gpus: c.gpus, bytes: c.bytes, seconds: seconds,
                                 algbwGBps: algbw, busbwGBps: algbw * factor)
        }
        let bounds = timeline.bounds
        let links: [LinkRow] = timeline.counters.map { c in
            let idx = SeriesIndex(c.points)
            let avg = idx.average(bounds.start, max(bounds.end, bounds.start + 1))
            return LinkRow(name: c.name, kind: c.process, bytes: 0, busySeconds: 0, utilisation: avg, series: c.points)
        }
        let stats = HeaderStats(simulatedSeconds: Double(bounds.end - bounds.start) / 1e9, events: timeline.spans.count,
                                timeLabel: "trace")
        self.init(title: title ?? timeline.title, timeline: timeline, stats: stats, gpus: gpus, collectives: collectives,
                  links: links)
    }
}
