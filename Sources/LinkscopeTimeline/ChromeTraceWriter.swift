import LinkscopeJSON

/// Writes a `Timeline` as Chrome Trace Event JSON that Perfetto and chrome://tracing open
/// (the Chrome Trace Event Format; docs/output-formats.md).
///
/// - A top-level object: `otherData` (generator, title, metadata, collectives), `displayTimeUnit: "ns"`,
///   then `traceEvents`, one event per line.
/// - `M` events name and order processes (`process_name`, `process_sort_index`) and tracks
///   (`thread_name`, `thread_sort_index`; a track's GPU rides along as `args.gpu`).
/// - `X` events carry `ts`/`dur` in µs printed from integer ns with exactly three decimals, so there is
///   no floating-point error; `args` holds the span's detail fields, `bytes`, and for collectives
///   `collective`, `algorithm` and `collective_index`.
/// - `C` events carry counter series (`args.value`).
///
/// The output depends only on the timeline: the same timeline always gives the same bytes.
public enum ChromeTraceWriter {
    /// The whole document as a string.
    public static func write(_ timeline: Timeline) -> String {
        var out = ""
        out.reserveCapacity(128 + timeline.spans.count * 160)
        out.append("{\"otherData\": ")
        otherData(timeline).write(to: &out, indent: -1)
        out.append(",\n\"displayTimeUnit\": \"ns\",\n\"traceEvents\": [")
        var first = true
        func begin() {
            out.append(first ? "\n" : ",\n")
            first = false
        }

        // Processes, in order of first appearance (tracks first, then counter-only processes).
        var seenPIDs = Set<Int>()
        func process(pid: Int, name: String, sortIndex: Int) {
            guard seenPIDs.insert(pid).inserted else { return }
            begin()
            out.append("{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": \(pid), \"tid\": 0, \"args\": {\"name\": ")
            JSONValue.escape(name, into: &out)
            out.append("}}")
            begin()
            out.append("{\"ph\": \"M\", \"name\": \"process_sort_index\", \"pid\": \(pid), \"tid\": 0, \"args\": {\"sort_index\": \(sortIndex)}}")
        }
        for t in timeline.tracks { process(pid: t.pid, name: t.process, sortIndex: t.processSortIndex) }
        for c in timeline.counters { process(pid: c.pid, name: c.process, sortIndex: c.processSortIndex) }
        for t in timeline.tracks {
            begin()
            out.append("{\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": \(t.pid), \"tid\": \(t.tid), \"args\": {\"name\": ")
            JSONValue.escape(t.lane, into: &out)
            if let g = t.gpu { out.append(", \"gpu\": \(g)") }
            out.append("}}")
            begin()
            out.append("{\"ph\": \"M\", \"name\": \"thread_sort_index\", \"pid\": \(t.pid), \"tid\": \(t.tid), \"args\": {\"sort_index\": \(t.laneSortIndex)}}")
        }

        for s in timeline.spans {
            guard s.track >= 0, Int(s.track) < timeline.tracks.count else { continue }
            let track = timeline.tracks[Int(s.track)]
            begin()
            out.append("{\"ph\": \"X\", \"name\": ")
            let name = s.name >= 0 && Int(s.name) < timeline.names.count ? timeline.names[Int(s.name)] : ""
            JSONValue.escape(name, into: &out)
            out.append(", \"cat\": \"")
            out.append(s.category.name)
            out.append("\", \"pid\": \(track.pid), \"tid\": \(track.tid), \"ts\": ")
            appendMicros(s.start, to: &out)
            out.append(", \"dur\": ")
            appendMicros(s.duration, to: &out)
            var fields: [(String, JSONValue)] = []
            var keys = Set<String>()
            if s.detail >= 0, Int(s.detail) < timeline.details.count {
                for (k, v) in timeline.details[Int(s.detail)].fields where keys.insert(k).inserted {
                    fields.append((k, .string(v)))
                }
            }
            if s.bytes != 0, keys.insert("bytes").inserted { fields.append(("bytes", .int(s.bytes))) }
            if s.collective >= 0, Int(s.collective) < timeline.collectives.count {
                let c = timeline.collectives[Int(s.collective)]
                if keys.insert("collective").inserted { fields.append(("collective", .string(c.op))) }
                if keys.insert("algorithm").inserted { fields.append(("algorithm", .string(c.algorithm))) }
                if keys.insert("collective_index").inserted { fields.append(("collective_index", .int(Int64(s.collective)))) }
            }
            if !fields.isEmpty {
                out.append(", \"args\": ")
                JSONValue.object(fields).write(to: &out, indent: -1)
            }
            out.append("}")
        }

        for c in timeline.counters {
            for p in c.points {
                begin()
                out.append("{\"ph\": \"C\", \"name\": ")
                JSONValue.escape(c.name, into: &out)
                out.append(", \"pid\": \(c.pid), \"ts\": ")
                appendMicros(p.time, to: &out)
                out.append(", \"args\": {\"value\": ")
                out.append(JSONValue.format(p.value))
                out.append("}}")
            }
        }
        out.append("\n]}\n")
        return out
    }

    /// `otherData`: who wrote the file, the title, the timeline's metadata and its collectives.
    static func otherData(_ timeline: Timeline) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("generator", .string("linkscope")),
            ("title", .string(timeline.title)),
            ("metadata", .object(timeline.metadata.map { ($0.0, .string($0.1)) })),
        ]
        if !timeline.collectives.isEmpty {
            fields.append(("collectives", .array(timeline.collectives.map { c in
                .object([
                    ("name", .string(c.name)), ("op", .string(c.op)), ("algorithm", .string(c.algorithm)),
                    ("gpus", .array(c.gpus.map { .int(Int64($0)) })), ("bytes", .int(c.bytes)),
                    ("start_ns", .int(c.start)), ("end_ns", .int(c.end)),
                ])
            })))
        }
        return .object(fields)
    }

    /// Integer ns as µs with exactly three decimals ("-1.050", "12.000"), computed without floating point.
    public static func micros(_ ns: Int64) -> String {
        var s = ""
        appendMicros(ns, to: &s)
        return s
    }

    static func appendMicros(_ ns: Int64, to out: inout String) {
        let negative = ns < 0
        let magnitude = ns.magnitude
        if negative { out.append("-") }
        out.append(String(magnitude / 1000))
        out.append(".")
        let frac = magnitude % 1000
        if frac < 100 { out.append("0") }
        if frac < 10 { out.append("0") }
        out.append(String(frac))
    }
}
