import LinkscopeFabric
import LinkscopeSchedule
import LinkscopeTimeline
import LinkscopeTraining

/// Puts measured spans (and the pipeline's simulated schedule) into the timeline model the simulator uses,
/// so the same trace writer and dashboard show both.
public enum MeasuredTimeline {
    public static func build(_ run: TrainingRun, title: String) -> Timeline {
        var t = Timeline(title: title)
        t.metadata = [("source", "linkscope profile (measured)")]
        let workers = run.records.count
        for (device, spans) in run.spans.enumerated() {
            let isWorker = device < workers
            let process = isWorker ? "worker \(device)" : "server \(device - workers)"
            let compute = t.addTrack(Track(process: process, processSortIndex: device, lane: "compute", laneSortIndex: 0,
                                           gpu: isWorker ? device : nil, pid: device + 1, tid: 1))
            let comm = t.addTrack(Track(process: process, processSortIndex: device, lane: "comm", laneSortIndex: 1,
                                        gpu: isWorker ? device : nil, pid: device + 1, tid: 2))
            for s in spans {
                let track: Int32, category: SpanCategory
                switch s.kind {
                case .forward, .backward, .update: (track, category) = (compute, .compute)
                case .transfer: (track, category) = (comm, .communication)
                case .sync: (track, category) = (compute, .other)  // the worker's wait in the collective
                case .idle: continue
                }
                let start = Int64(((s.start - run.origin) * 1e9).rounded())
                let duration = max(1, Int64(((s.end - s.start) * 1e9).rounded()))
                t.add(Span(track: track, name: t.intern(s.name), category: category, start: start, duration: duration,
                           bytes: s.bytes))
            }
        }
        t.sortSpans()
        return t
    }

    /// A simulated pipeline schedule as stage compute spans and transfer spans.
    public static func build(schedule: Schedule, result: ExecutionResult, stages: Int, title: String) -> Timeline {
        var t = Timeline(title: title)
        t.metadata = [("source", "linkscope profile (simulated pipeline)")]
        var compute: [Int32] = [], comm: [Int32] = []
        for s in 0..<stages {
            compute.append(t.addTrack(Track(process: "worker \(s)", processSortIndex: s, lane: "compute",
                                            laneSortIndex: 0, gpu: s, pid: s + 1, tid: 1)))
            comm.append(t.addTrack(Track(process: "worker \(s)", processSortIndex: s, lane: "comm", laneSortIndex: 1,
                                         gpu: s, pid: s + 1, tid: 2)))
        }
        for (i, task) in schedule.tasks.enumerated() {
            let start = Int64((result.taskStart[i] * 1e9).rounded())
            let duration = max(1, Int64(((result.taskEnd[i] - result.taskStart[i]) * 1e9).rounded()))
            switch task.kind {
            case .compute:
                let stage = Int(task.tag.instance)
                let name = task.tag.phase == .update ? "optimizer"
                    : (task.tag.phase == .forward ? "fwd" : "bwd") + " mb\(task.tag.chunk)"
                t.add(Span(track: compute[stage], name: t.intern(name), category: .compute, start: start,
                           duration: duration))
            case .transfer(_, let to, let bytes, _):
                let stage = min(stages - 1, max(0, Int(to) - 0))
                t.add(Span(track: comm[min(stage, stages - 1)], name: t.intern(task.tag.phase == .forward ? "activations" : "gradients"),
                           category: .communication, start: start, duration: duration, bytes: bytes))
            case .delay: break
            }
        }
        t.sortSpans()
        return t
    }
}
