import LinkscopeJSON
import LinkscopeTimeline
import LinkscopeUnits

/// Converts read traces into the `Timeline` that `linkscope view` draws.
///
/// Kineto traces: one process per rank ("rank R", sorted by rank), one track per GPU stream
/// ("stream S"), and optionally one track per CPU thread. Kernels are compute or communication (NCCL),
/// memcpy/memset are memory. Times are integer ns from the earliest kept event over all ranks.
/// linkscope's own Chrome-trace output is rebuilt exactly (tracks, spans, details, collectives, counters).
public enum TraceTimeline {
    /// The traces as one timeline: a track per GPU stream (and CPU thread with `includeCPU`), spans in ns.
    public static func timeline(from traces: [RankTrace], includeCPU: Bool = false, title: String? = nil) -> Timeline {
        if traces.count == 1, let t = traces.first, t.isLinkscopeOutput { return rebuild(t) }
        if !traces.isEmpty, traces.allSatisfy(\.isLinkscopeOutput) {
            var merged = Timeline(title: title ?? traces.map { rebuildTitle($0) }.joined(separator: " + "))
            for t in traces { append(rebuild(t), to: &merged) }
            return merged
        }
        return kineto(traces, includeCPU: includeCPU, title: title)
    }

    static func rebuildTitle(_ t: RankTrace) -> String {
        if case .string(let s)? = t.otherData?["title"] { return s }
        return t.file
    }

    /// Appends one timeline to another, re-basing track, name, detail and collective indices.
    public static func append(_ part: Timeline, to whole: inout Timeline) {
        let trackBase = Int32(whole.tracks.count)
        let detailBase = Int32(whole.details.count)
        let collectiveBase = Int32(whole.collectives.count)
        for t in part.tracks { whole.addTrack(t) }
        for d in part.details { _ = whole.addDetail(d) }
        whole.collectives.append(contentsOf: part.collectives)
        whole.counters.append(contentsOf: part.counters)
        whole.metadata.append(contentsOf: part.metadata)
        for s in part.spans {
            var s = s
            s.track += trackBase
            s.name = whole.intern(part.name(of: s))
            if s.detail >= 0 { s.detail += detailBase }
            if s.collective >= 0 { s.collective += collectiveBase }
            whole.add(s)
        }
    }

    // MARK: Kineto

    static func absolute(_ e: TraceEvent, _ t: RankTrace) -> Int64 { (t.baseTimeNanoseconds ?? 0) &+ e.ts }

    static func kineto(_ traces: [RankTrace], includeCPU: Bool, title: String?) -> Timeline {
        var tl = Timeline(title: title ?? (traces.count == 1 ? traces[0].file : "\(traces.count) ranks"))
        let classifier = KernelClassifier.standard
        func kept(_ e: TraceEvent) -> Bool {
            e.kind.isGPUActivity || (includeCPU && (e.kind == .cpu || e.kind == .runtime || e.kind == .annotation))
        }
        var origin = Int64.max
        for t in traces { for e in t.events where kept(e) { origin = min(origin, absolute(e, t)) } }
        if origin == .max { origin = 0 }
        tl.metadata = [("source", traces.map(\.file).joined(separator: ", ")), ("origin_ns", String(origin))]
        for t in traces.sorted(by: { $0.rank < $1.rank }) {
            tl.metadata.append(("rank \(t.rank)", "\(t.file) (rank from \(t.rankSource.rawValue))"))
            let devices = Set(t.events.filter { $0.kind.isGPUActivity }.map { device(of: $0, in: t) })
            var trackOf: [[Int64]: Int32] = [:]
            let process = "rank \(t.rank)"
            let pid = t.rank
            func track(device: Int64, stream: Int64) -> Int32 {
                if let i = trackOf[[0, device, stream]] { return i }
                let lane = devices.count > 1 ? "GPU \(device) stream \(stream)" : "stream \(stream)"
                let i = tl.addTrack(Track(process: process, processSortIndex: t.rank, lane: lane,
                                          laneSortIndex: Int(device * 1_000_000 + stream), gpu: Int(device),
                                          pid: pid, tid: Int(device * 1_000_000 + stream)))
                trackOf[[0, device, stream]] = i
                return i
            }
            func cpuTrack(pid hostPID: Int64, tid: Int64) -> Int32 {
                if let i = trackOf[[1, hostPID, tid]] { return i }
                let n = trackOf.count
                let name = t.threadNames[RankTrace.ThreadKey(pid: hostPID, tid: tid)]
                let lane = "CPU " + (name.map { $0.trimmingSpaces() } ?? "thread \(tid)")
                let i = tl.addTrack(Track(process: process, processSortIndex: t.rank, lane: lane,
                                          laneSortIndex: 1_000_000_000 + n, gpu: nil, pid: pid,
                                          tid: 1_000_000_000 + n))
                trackOf[[1, hostPID, tid]] = i
                return i
            }
            // Streams first, in order, so GPU rows lead each rank.
            var streamKeys = Set<[Int64]>()
            for e in t.events where e.kind.isGPUActivity { streamKeys.insert([device(of: e, in: t), e.stream]) }
            for k in streamKeys.sorted(by: { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }) {
                _ = track(device: k[0], stream: k[1])
            }
            let launches = t.launchingCalls()
            for e in t.events where kept(e) {
                let name = t.name(e)
                let start = absolute(e, t) - origin
                if e.kind.isGPUActivity {
                    var category: SpanCategory = .memory
                    var bytes = e.bytes
                    var collective: Int32 = -1
                    let args = t.args(e)
                    if e.kind == .kernel {
                        switch classifier.type(of: name) {
                        case .communication: category = .communication
                        case .computation: category = .compute
                        case .memory: category = .memory
                        case .other: category = .other
                        }
                    }
                    var fields: [(String, String)] = [("stream", String(e.stream)), ("correlation", String(e.correlation))]
                    if let l = launches[e.correlation] {
                        let call = t.events[l]
                        fields.append(("launched by", t.name(call)))
                        fields.append(("launch delay", Format.duration(Double(max(0, e.ts - call.end)) / 1e9)))
                    }
                    if let d = args.first(where: { $0.0 == "device" }) { fields.append(("device", text(d.1))) }
                    for key in collectiveKeys {
                        if let v = args.first(where: { $0.0 == key }) { fields.append((key, text(v.1))) }
                    }
                    if category == .communication {
                        let info = ncclInfo(name: name, args: args)
                        if bytes == 0 { bytes = info.bytes }
                        collective = Int32(tl.collectives.count)
                        tl.collectives.append(CollectiveRecord(
                            name: name, op: info.op, algorithm: info.algorithm, gpus: info.ranks ?? [t.rank],
                            bytes: bytes, start: start, end: start + e.dur))
                    }
                    let detail = tl.addDetail(SpanDetail(fields: fields))
                    tl.add(Span(track: track(device: device(of: e, in: t), stream: e.stream), name: tl.intern(name),
                                category: category, start: start, duration: e.dur, bytes: bytes,
                                collective: collective, detail: detail))
                } else {
                    var fields: [(String, String)] = []
                    if e.correlation >= 0 { fields.append(("correlation", String(e.correlation))) }
                    if e.externalID >= 0 { fields.append(("External id", String(e.externalID))) }
                    let detail: Int32 = fields.isEmpty ? -1 : tl.addDetail(SpanDetail(fields: fields))
                    tl.add(Span(track: cpuTrack(pid: e.pid, tid: e.tid), name: tl.intern(name), category: .other,
                                start: start, duration: e.dur, detail: detail))
                }
            }
        }
        tl.sortSpans()
        return tl
    }

    static let collectiveKeys = [
        "Collective name", "In msg nelems", "Out msg nelems", "Group size", "dtype", "In split size",
        "Out split size", "Process Group Name", "Process Group Description", "Process Group Ranks", "Rank", "Seq",
    ]

    static func device(of e: TraceEvent, in t: RankTrace) -> Int64 {
        if e.args >= 0, let d = t.args[Int(e.args)].first(where: { $0.0 == "device" }), case .int(let v) = d.1 { return v }
        return e.pid
    }

    static func text(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return v.serialized(pretty: false)
    }

    /// What an NCCL kernel did, from the collective metadata args when present, else from its name
    /// (docs/trace-analysis.md §2.8; the name is only a hint).
    public static func ncclInfo(name: String, args: [(String, JSONValue)]) -> (op: String, algorithm: String, bytes: Int64, ranks: [Int]?) {
        let base = name.split(separator: "(", maxSplits: 1).first.map(String.init) ?? name
        let parts = base.split(separator: "_").map(String.init)
        var op = parts.count > 1 ? parts[1].lowercased() : "unknown"
        var algorithm = ""
        if parts.first == "ncclKernel", parts.count >= 4 {
            algorithm = parts[2] + "_" + parts[3]
        } else if parts.first == "ncclDevKernel", parts.count >= 6 {
            algorithm = parts[parts.count - 2] + "_" + parts[parts.count - 1]
        }
        func arg(_ k: String) -> JSONValue? { args.first { $0.0 == k }?.1 }
        if case .string(let c)? = arg("Collective name"), !c.isEmpty { op = c }
        var bytes: Int64 = 0
        let size = dtypeSize(arg("dtype"))
        switch arg("In msg nelems") {
        case .int(let n)?: bytes = n &* size
        case .double(let d)? where d.isFinite && abs(d) < 1e15: bytes = Int64(d) &* size
        default: break
        }
        var ranks: [Int]?
        if case .string(let r)? = arg("Process Group Ranks") {
            let values = r.split { $0 == "[" || $0 == "]" || $0 == "," || $0 == " " }.compactMap { Int($0) }
            if !values.isEmpty { ranks = values }
        }
        return (op, algorithm, bytes, ranks)
    }

    static func dtypeSize(_ v: JSONValue?) -> Int64 {
        guard case .string(let s)? = v else { return 1 }
        switch s.lowercased() {
        case "double", "long", "int64", "float64", "complexfloat": return 8
        case "float", "int", "int32", "float32": return 4
        case "half", "bfloat16", "short", "int16", "float16": return 2
        default: return 1
        }
    }

    // MARK: linkscope's own output

    static func rebuild(_ t: RankTrace) -> Timeline {
        var tl = Timeline(title: { if case .string(let s)? = t.otherData?["title"] { return s }; return t.file }())
        if case .object(let meta)? = t.otherData?["metadata"] {
            tl.metadata = meta.map { ($0.0, text($0.1)) }
        }
        if case .array(let list)? = t.otherData?["collectives"] {
            for c in list {
                func s(_ k: String) -> String { if case .string(let v)? = c[k] { return v }; return "" }
                func i(_ k: String) -> Int64 { if case .int(let v)? = c[k] { return v }; return 0 }
                var gpus: [Int] = []
                if case .array(let g)? = c["gpus"] { gpus = g.compactMap { if case .int(let v) = $0 { return Int(v) }; return nil } }
                tl.collectives.append(CollectiveRecord(name: s("name"), op: s("op"), algorithm: s("algorithm"),
                                                       gpus: gpus, bytes: i("bytes"), start: i("start_ns"), end: i("end_ns")))
            }
        }
        var trackOf: [RankTrace.ThreadKey: Int32] = [:]
        func addTrack(_ key: RankTrace.ThreadKey) -> Int32 {
            if let i = trackOf[key] { return i }
            let i = tl.addTrack(Track(process: t.processNames[key.pid] ?? "pid \(key.pid)",
                                      processSortIndex: t.processSortIndex[key.pid] ?? Int(key.pid),
                                      lane: t.threadNames[key] ?? "tid \(key.tid)",
                                      laneSortIndex: t.threadSortIndex[key] ?? Int(key.tid),
                                      gpu: t.threadGPU[key], pid: Int(key.pid), tid: Int(key.tid)))
            trackOf[key] = i
            return i
        }
        for key in t.threadOrder { _ = addTrack(key) }
        for e in t.events {
            let category = t.category(e).flatMap { c in SpanCategory.allCases.first { $0.name == c } } ?? .other
            var fields: [(String, String)] = []
            var bytes: Int64 = 0
            var collective: Int32 = -1
            for (k, v) in t.args(e) {
                switch (k, v) {
                case ("bytes", .int(let b)): bytes = b
                case ("collective_index", .int(let c)): collective = Int32(truncatingIfNeeded: c)
                case (_, .string(let s)): fields.append((k, s))
                default: fields.append((k, v.serialized(pretty: false)))
                }
            }
            if collective >= 0, Int(collective) < tl.collectives.count {
                let c = tl.collectives[Int(collective)]
                if let i = fields.firstIndex(where: { $0.0 == "algorithm" && $0.1 == c.algorithm }) { fields.remove(at: i) }
                if let i = fields.firstIndex(where: { $0.0 == "collective" && $0.1 == c.op }) { fields.remove(at: i) }
            }
            let detail: Int32 = fields.isEmpty ? -1 : tl.addDetail(SpanDetail(fields: fields))
            tl.add(Span(track: addTrack(RankTrace.ThreadKey(pid: e.pid, tid: e.tid)), name: tl.intern(t.name(e)),
                        category: category, start: e.ts, duration: e.dur, bytes: bytes, collective: collective,
                        detail: detail))
        }
        var seriesIndex: [String: Int] = [:]
        for c in t.counters {
            let key = "\(c.pid)\u{0}\(c.name)"
            let i: Int
            if let existing = seriesIndex[key] {
                i = existing
            } else {
                i = tl.counters.count
                seriesIndex[key] = i
                tl.counters.append(CounterSeries(process: t.processNames[c.pid] ?? "pid \(c.pid)",
                                                 processSortIndex: t.processSortIndex[c.pid] ?? Int(c.pid),
                                                 pid: Int(c.pid), name: c.name, points: []))
            }
            let value = c.values.first { $0.0 == "value" }?.1 ?? c.values.first?.1 ?? 0
            tl.counters[i].points.append(CounterPoint(time: c.ts, value: value))
        }
        return tl
    }
}
