import LinkscopeJSON
import LinkscopeUnits

/// Text and JSON renderings of a `ReplayResult` (stable keys, deterministic order).
public enum ReplayReport {
    static func us(_ s: Double) -> Double { (s * 1e9).rounded() / 1e3 }
    static func ms(_ s: Double) -> String { Format.fixed(s * 1e3, decimals: 3) }
    static func usText(_ s: Double) -> String { Format.fixed(s * 1e6, decimals: 1) }
    static func delta(_ a: Double, _ b: Double) -> String {
        guard a > 0 else { return "-" }
        let d = (b - a) / a * 100
        return (d > 0 ? "+" : "") + Format.fixed(d, decimals: 1) + " %"
    }

    /// The result as JSON (keys fixed by docs/output-formats.md).
    public static func json(_ r: ReplayResult) -> JSONValue {
        func breakdown(_ b: RankBreakdown) -> JSONValue {
            .object([("compute_us", .double(us(b.computeSeconds))), ("memory_us", .double(us(b.memorySeconds))),
                     ("communication_us", .double(us(b.communicationSeconds))), ("idle_us", .double(us(b.idleSeconds))),
                     ("span_us", .double(us(b.spanSeconds)))])
        }
        let iterations: [JSONValue] = r.iterations.map {
            .object([("index", .int(Int64($0.index))), ("name", .string($0.name)),
                     ("original_us", .double(us($0.originalSeconds))), ("predicted_us", .double(us($0.predictedSeconds)))])
        }
        let ranks: [JSONValue] = r.ranks.map {
            .object([("rank", .int(Int64($0.rank))), ("gpu", .int(Int64($0.gpu))), ("file", .string($0.file)),
                     ("mirrors", .array($0.mirrors.map { .int(Int64($0)) })),
                     ("original", breakdown($0.original)), ("predicted", breakdown($0.predicted))])
        }
        let collectives: [JSONValue] = r.collectives.map {
            .object([("index", .int(Int64($0.index))), ("iteration", .int(Int64($0.iteration))), ("name", .string($0.name)),
                     ("op", .string($0.op)), ("algorithm", .string($0.algorithm)), ("bytes", .int($0.bytes)),
                     ("process_group", .string($0.processGroup)), ("ranks", .array($0.ranks.map { .int(Int64($0)) })),
                     ("sequence", .int(Int64($0.sequence))), ("mode", .string($0.mode.rawValue)),
                     ("original_us", .double(us($0.originalSeconds))), ("predicted_us", .double(us($0.predictedSeconds)))])
        }
        return .object([
            ("topology", .string(r.topologyName)),
            ("algorithm", .string(r.algorithm.rawValue)),
            ("link_efficiency", .double(r.linkEfficiency)),
            ("world_size", .int(Int64(r.worldSize))),
            ("gpus", .array(r.gpus.map { .int(Int64($0)) })),
            ("mirrored", .array(r.mirrored.map { .object([("rank", .int(Int64($0.rank))), ("source", .int(Int64($0.source)))]) })),
            ("summary", .object([
                ("iterations", .int(Int64(r.iterations.count))),
                ("mean_original_iteration_us", .double(us(r.meanOriginalIterationSeconds))),
                ("mean_predicted_iteration_us", .double(us(r.meanPredictedIterationSeconds))),
                ("relative_error", .double((r.relativeError * 1e6).rounded() / 1e6)),
                ("traced_ranks", .int(Int64(r.worldSize - r.mirrored.count))),
                ("mirrored_ranks", .int(Int64(r.mirrored.count))),
                ("collectives", .int(Int64(r.collectives.count))),
                ("resimulated", .int(Int64(r.count(.resimulated)))),
                ("kept_size_unknown", .int(Int64(r.count(.keptSizeUnknown)))),
                ("kept_unsupported", .int(Int64(r.count(.keptUnsupported)))),
                ("tasks", .int(Int64(r.tasks))),
            ])),
            ("iterations", .array(iterations)),
            ("ranks", .array(ranks)),
            ("collectives", .array(collectives)),
            ("warnings", .array(r.warnings.map { .string($0) })),
        ])
    }

    /// Side-by-side tables: iterations, per-rank breakdown, collectives (grouped by op, size, group and mode
    /// unless `allCollectives`).
    public static func text(_ r: ReplayResult, allCollectives: Bool = false) -> String {
        var out = "Replay on \(r.topologyName), \(r.algorithm.rawValue), link efficiency \(Format.fixed(r.linkEfficiency, decimals: 2))"
        out += ", \(r.worldSize) rank\(r.worldSize == 1 ? "" : "s") on GPUs \(rankText(r.gpus))"
        out += r.mirrored.isEmpty ? "\n" : " (\(r.worldSize - r.mirrored.count) traced, \(r.mirrored.count) mirrored)\n"
        let given = r.ranks.map { "rank \($0.rank) (\($0.file))" }.joined(separator: ", ")
        out += "Traces: \(given)\n"
        if !r.mirrored.isEmpty {
            out += "Mirrored: " + mirrorText(r.mirrored) + " (no trace; GPU activity copied)\n"
        }

        out += "\nIterations (host start to last GPU activity end, ms)\n"
        var it = TextTable(["iteration", "original", "predicted", "delta"])
        for i in r.iterations {
            it.add([i.name.isEmpty ? "#\(i.index)" : i.name, ms(i.originalSeconds), ms(i.predictedSeconds),
                    delta(i.originalSeconds, i.predictedSeconds)])
        }
        it.add(["mean", ms(r.meanOriginalIterationSeconds), ms(r.meanPredictedIterationSeconds),
                delta(r.meanOriginalIterationSeconds, r.meanPredictedIterationSeconds)])
        out += it.render(indent: "  ")

        out += "\nPer rank (ms over the replayed iterations; original | predicted)\n"
        var rt = TextTable(["rank", "gpu", "compute", "memory", "comm", "idle", "|", "compute", "memory", "comm", "idle"])
        for k in r.ranks {
            let o = k.original, p = k.predicted
            rt.add([String(k.rank) + (k.mirrors.isEmpty ? "" : " (+\(k.mirrors.count) mirrored)"), String(k.gpu),
                    ms(o.computeSeconds), ms(o.memorySeconds), ms(o.communicationSeconds), ms(o.idleSeconds), "|",
                    ms(p.computeSeconds), ms(p.memorySeconds), ms(p.communicationSeconds), ms(p.idleSeconds)])
        }
        out += rt.render(indent: "  ")

        out += "\nCollectives (\(r.collectives.count): \(r.count(.resimulated)) re-simulated, "
            + "\(r.count(.keptSizeUnknown)) kept (size unknown), \(r.count(.keptUnsupported)) kept (op not modelled); us)\n"
        var ct = TextTable(["op", "bytes", "ranks", "count", "original", "predicted", "delta", "mode"],
                           alignments: [.left, .right, .left, .right, .right, .right, .right, .left])
        if allCollectives {
            for c in r.collectives {
                ct.add([c.op, Format.bytes(c.bytes), rankText(c.ranks), "1", usText(c.originalSeconds),
                        usText(c.predictedSeconds), delta(c.originalSeconds, c.predictedSeconds), modeText(c)])
            }
        } else {
            for g in groups(r.collectives) {
                let n = Double(g.count)
                ct.add([g.first.op, g.first.bytes > 0 ? Format.bytes(g.first.bytes) : "?", rankText(g.first.ranks), String(g.count),
                        usText(g.original / n), usText(g.predicted / n), delta(g.original, g.predicted), modeText(g.first)])
            }
        }
        out += ct.render(indent: "  ")
        if !allCollectives && !r.collectives.isEmpty { out += "  (means per group; --format json lists every collective)\n" }
        if !r.warnings.isEmpty {
            out += "\nWarnings\n"
            for w in r.warnings { out += "  - \(w)\n" }
        }
        return out
    }

    static func modeText(_ c: CollectiveComparison) -> String {
        c.mode == .resimulated ? "re-simulated (\(c.algorithm))" : c.mode.rawValue
    }

    static func rankText(_ ranks: [Int]) -> String {
        guard ranks.count > 4, let f = ranks.first, let l = ranks.last, ranks == Array(f...l) else {
            return ranks.map(String.init).joined(separator: ",")
        }
        return "\(f)-\(l)"
    }

    static func mirrorText(_ m: [(rank: Int, source: Int)]) -> String {
        var parts: [String] = []
        var i = 0
        while i < m.count {
            var j = i
            while j + 1 < m.count && m[j + 1].rank == m[j].rank + 1 && m[j + 1].source == m[i].source { j += 1 }
            let ranks = i == j ? "rank \(m[i].rank)" : "ranks \(m[i].rank)-\(m[j].rank)"
            parts.append("\(ranks) from rank \(m[i].source)")
            i = j + 1
        }
        return parts.joined(separator: "; ")
    }

    struct Group {
        var first: CollectiveComparison
        var count: Int
        var original: Double
        var predicted: Double
    }

    /// Collectives grouped by (op, bytes, ranks, mode), in order of first appearance.
    static func groups(_ list: [CollectiveComparison]) -> [Group] {
        var out: [Group] = []
        var index: [String: Int] = [:]  // lookup only
        for c in list {
            let key = "\(c.op)|\(c.bytes)|\(c.ranks)|\(c.mode.rawValue)|\(c.algorithm)"
            if let i = index[key] {
                out[i].count += 1
                out[i].original += c.originalSeconds
                out[i].predicted += c.predictedSeconds
            } else {
                index[key] = out.count
                out.append(Group(first: c, count: 1, original: c.originalSeconds, predicted: c.predictedSeconds))
            }
        }
        return out
    }
}
