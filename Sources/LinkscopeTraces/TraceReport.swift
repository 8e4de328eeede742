import LinkscopeJSON

/// Renders a `TraceAnalysis` as aligned text tables or as JSON (docs/output-formats.md, `analyze`).
public enum TraceReport {
    // MARK: JSON

    /// One object per rank with the fixed keys of docs/output-formats.md first, then the extras.
    public static func json(_ a: TraceAnalysis, kernelLimit: Int? = nil) -> JSONValue {
        .array(a.ranks.map { rankJSON($0, kernelLimit: kernelLimit ?? a.options.topKernels) })
    }

    static func number(_ d: Double?) -> JSONValue {
        guard let d, d.isFinite else { return .null }
        return .double(d)
    }

    static func rankJSON(_ r: RankAnalysis, kernelLimit: Int) -> JSONValue {
        var f: [(String, JSONValue)] = [
            ("rank", .int(Int64(r.rank))),
            ("kernel_time_us", number(r.kernelTime)),
            ("idle_time_us", number(r.idleTime)),
            ("compute_time_us", number(r.computeTime)),
            ("non_compute_time_us", number(r.nonComputeTime)),
            ("idle_pct", number(r.idlePct)),
            ("compute_pct", number(r.computePct)),
            ("non_compute_pct", number(r.nonComputePct)),
            ("comm_comp_overlap_pct", number(r.commCompOverlapPct)),
        ]
        f.append(("file", .string(r.file)))
        f.append(("rank_source", .string(r.rankSource.rawValue)))
        f.append(("gpu_events", .int(Int64(r.gpuEventCount))))
        f.append(("profiler_steps", .int(Int64(r.profilerSteps))))
        f.append(("last_step_dropped", .bool(r.droppedLastStep)))
        f.append(("idle_breakdown", .array(r.idleBreakdown.map { s in
            .object([
                ("stream", .int(s.stream)),
                ("host_wait_us", number(s.hostWait)), ("kernel_wait_us", number(s.kernelWait)),
                ("other_us", number(s.other)),
                ("host_wait_ratio", number(HTAMath.round(s.ratio("host_wait"), 2))),
                ("kernel_wait_ratio", number(HTAMath.round(s.ratio("kernel_wait"), 2))),
                ("other_ratio", number(HTAMath.round(s.ratio("other"), 2))),
            ])
        })))
        f.append(("kernel_types", .array(r.kernelTypes.map { k in
            .object([("kernel_type", .string(k.label)), ("sum_us", number(k.sum)), ("percentage", number(k.percentage))])
        })))
        f.append(("kernels", .array(r.kernels.prefix(kernelLimit).map { k in
            .object([
                ("name", .string(k.name)), ("type", .string(k.type.rawValue)), ("count", .int(Int64(k.count))),
                ("sum_us", number(k.sum)), ("mean_us", number(k.mean)), ("min_us", number(k.min)),
                ("max_us", number(k.max)), ("std_us", number(k.std)),
            ])
        })))
        f.append(("kernel_table", .array(r.kernelTable.map { k in
            .object([
                ("name", .string(k.name)), ("type", .string(k.type.rawValue)), ("sum_us", number(k.sum)),
                ("max_us", number(k.max)), ("min_us", number(k.min)), ("mean_us", number(k.mean)),
                ("std_us", number(k.std)),
            ])
        })))
        f.append(("launch", .object([
            ("pairs", .int(Int64(r.launch.pairs))), ("short_kernels", .int(Int64(r.launch.shortKernels))),
            ("runtime_outliers", .int(Int64(r.launch.runtimeOutliers))),
            ("launch_delay_outliers", .int(Int64(r.launch.launchDelayOutliers))),
            ("mean_launch_delay_us", number(r.launch.meanLaunchDelay)),
            ("max_launch_delay_us", number(r.launch.maxLaunchDelay)),
        ])))
        f.append(("queue_length", .array(r.queues.map { q in
            .object([("stream", .int(q.stream)), ("max", .int(Int64(q.max))), ("mean", number(q.mean)),
                     ("blocked_us", number(q.blockedTime))])
        })))
        return .object(f)
    }

    // MARK: Text

    /// Aligned text tables: temporal breakdown and overlap, idle breakdown, kernel types, top kernels,
    /// launch statistics and (with several ranks) the straggler ranking.
    public static func text(_ a: TraceAnalysis, kernelLimit: Int? = nil) -> String {
        var out = ""
        let mode = a.options.dropLastProfilerStep ? "HTA semantics (last ProfilerStep dropped)" : "raw (every event)"
        out += "Temporal breakdown, \(mode), times in µs\n"
        var rows: [[String]] = [["rank", "kernel", "idle", "compute", "non-compute", "idle %", "compute %",
                                 "non-comp %", "overlap %"]]
        for r in a.ranks {
            rows.append([a.label(r), fmt(r.kernelTime), fmt(r.idleTime), fmt(r.computeTime), fmt(r.nonComputeTime),
                         pct(r.idlePct), pct(r.computePct), pct(r.nonComputePct), r.commCompOverlapPct.map(pct) ?? "-"])
        }
        out += table(rows, leftAligned: [])
        out += "\nIdle time per stream (µs)\n"
        rows = [["rank", "stream", "host wait", "kernel wait", "other", "host %", "kernel %", "other %"]]
        for r in a.ranks {
            for s in r.idleBreakdown {
                rows.append([a.label(r), String(s.stream), fmt(s.hostWait), fmt(s.kernelWait), fmt(s.other),
                             ratio(s.ratio("host_wait")), ratio(s.ratio("kernel_wait")), ratio(s.ratio("other"))])
            }
        }
        out += table(rows, leftAligned: [])
        if !a.kernelTypes.isEmpty {
            out += "\nKernel types (all ranks)\n"
            rows = [["kernel type", "time µs", "%"]]
            for k in a.kernelTypes { rows.append([k.label, fmt(k.sum), String(format1(k.percentage))]) }
            out += table(rows, leftAligned: [0])
        }
        let limit = kernelLimit ?? a.options.topKernels
        out += "\nTop kernels (µs)\n"
        rows = [["rank", "type", "kernel", "count", "sum", "mean", "min", "max"]]
        for r in a.ranks {
            for k in r.kernels.prefix(limit) {
                rows.append([a.label(r), k.type.rawValue.lowercased(), shorten(k.name), String(k.count), fmt(k.sum),
                             fmt(k.mean), fmt(k.min), fmt(k.max)])
            }
        }
        out += table(rows, leftAligned: [1, 2])
        out += "\nKernel launches\n"
        rows = [["rank", "pairs", "short", "runtime > cutoff", "delay > cutoff", "mean delay µs", "max delay µs",
                 "max queue"]]
        for r in a.ranks {
            rows.append([a.label(r), String(r.launch.pairs), String(r.launch.shortKernels),
                         String(r.launch.runtimeOutliers), String(r.launch.launchDelayOutliers),
                         fmt(r.launch.meanLaunchDelay), fmt(r.launch.maxLaunchDelay),
                         String(r.queues.map(\.max).max() ?? 0)])
        }
        out += table(rows, leftAligned: [])
        if !a.stragglers.isEmpty {
            out += "\nStraggler ranking (mean communication start vs. average, µs)\n"
            rows = [["rank", "lateness"]]
            for s in a.stragglers { rows.append([String(s.rank), fmt(s.lateness)]) }
            out += table(rows, leftAligned: [])
        }
        if !a.warnings.isEmpty {
            out += "\nWarnings\n" + a.warnings.map { "  - \($0)\n" }.joined()
        }
        return out
    }

    static func fmt(_ v: Double) -> String {
        guard v.isFinite else { return "-" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return format1(v)
    }

    static func format1(_ v: Double) -> String {
        guard v.isFinite else { return "-" }
        let scaled = Int64((abs(v) * 10).rounded())
        return (v < 0 ? "-" : "") + "\(scaled / 10).\(scaled % 10)"
    }

    static func pct(_ v: Double) -> String {
        guard v.isFinite else { return "-" }
        let scaled = Int64((abs(v) * 100).rounded())
        let frac = scaled % 100
        return (v < 0 ? "-" : "") + "\(scaled / 100)." + (frac < 10 ? "0" : "") + "\(frac)"
    }

    static func ratio(_ v: Double) -> String { v.isFinite ? pct(v * 100) : "-" }

    /// HTA-style short kernel names: template and argument lists removed, long names cut.
    public static func shorten(_ name: String, limit: Int = 60) -> String {
        var out = ""
        var depth = 0
        for c in name {
            if c == "<" || c == "(" { depth += 1; continue }
            if c == ">" || c == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { out.append(c) }
        }
        if out.isEmpty { out = name }
        if out.count > limit { out = String(out.prefix(limit - 1)) + "…" }
        return out
    }

    static func table(_ rows: [[String]], leftAligned: Set<Int>) -> String {
        guard let header = rows.first else { return "" }
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        var out = ""
        for (n, r) in rows.enumerated() {
            var line = ""
            for (i, c) in r.enumerated() where i < widths.count {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                if i > 0 { line += "  " }
                line += leftAligned.contains(i) ? c + pad : pad + c
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
            if n == 0 {
                out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            }
        }
        return out
    }
}
