import LinkscopeJSON
import LinkscopeUnits

/// Text and JSON renderings of a Chakra replay (a `ReplayResult` from `ChakraPlan.run`). Stable, deterministic.
public enum ChakraReport {
    static func us(_ s: Double) -> String { Format.fixed(s * 1e6, decimals: 1) }

    /// Header, per-rank table (total, compute, memory, communication, idle; plus the trace's own total when it
    /// has start times), communication table (grouped by op, size, ranks and mode unless `allCollectives`),
    /// warnings.
    public static func text(_ r: ReplayResult, plan: ChakraPlan? = nil, allCollectives: Bool = false) -> String {
        var out = "Chakra replay on \(r.topologyName), \(r.algorithm.rawValue), link efficiency \(Format.fixed(r.linkEfficiency, decimals: 2))"
        out += ", \(r.worldSize) rank\(r.worldSize == 1 ? "" : "s") on GPUs \(ReplayReport.rankText(r.gpus))\n"
        var given: [String] = []
        for k in r.ranks {
            var s = "rank \(k.rank) (\(k.file)"
            if let g = plan?.ranks.first(where: { $0.rank == k.rank }) { s += ", \(g.format.rawValue), \(g.steps.count) nodes" }
            given.append(s + ")")
        }
        out += "Graphs: \(given.joined(separator: ", "))\n"
        if !r.mirrored.isEmpty {
            out += "Mirrored: " + ReplayReport.mirrorText(r.mirrored) + " (no file; its work copied)\n"
        }
        let predicted = r.iterations.first?.predictedSeconds ?? 0
        let original = r.iterations.first?.originalSeconds ?? 0
        out += "Predicted job time: \(us(predicted)) us"
        if original > 0 { out += " (trace: \(us(original)) us, \(ReplayReport.delta(original, predicted)))" }
        out += "\n"

        let hasOriginal = r.ranks.contains { $0.original.spanSeconds > 0 }
        out += "\nPer rank (us; communication includes waiting for peers; idle = GPU neither computing nor communicating)\n"
        var rt = TextTable(["rank", "gpu", "total", "compute", "memory", "comm", "idle"] + (hasOriginal ? ["trace total", "delta"] : []))
        for k in r.ranks {
            let p = k.predicted
            var row = [String(k.rank) + (k.mirrors.isEmpty ? "" : " (+\(k.mirrors.count) mirrored)"), String(k.gpu),
                       us(p.spanSeconds), us(p.computeSeconds), us(p.memorySeconds), us(p.communicationSeconds), us(p.idleSeconds)]
            if hasOriginal { row += [us(k.original.spanSeconds), ReplayReport.delta(k.original.spanSeconds, p.spanSeconds)] }
            rt.add(row)
        }
        out += rt.render(indent: "  ")

        out += "\nCommunication (\(r.collectives.count): \(r.count(.resimulated)) simulated, "
            + "\(r.count(.keptSizeUnknown)) kept (no comm_size), \(r.count(.keptUnsupported)) kept (not modelled); us)\n"
        var ct = TextTable(["op", "bytes", "ranks", "count", "measured", "predicted", "mode"],
                           alignments: [.left, .right, .left, .right, .right, .right, .left])
        if allCollectives {
            for c in r.collectives {
                ct.add([c.op, Format.bytes(c.bytes), ReplayReport.rankText(c.ranks), "1",
                        c.originalSeconds > 0 ? us(c.originalSeconds) : "-", us(c.predictedSeconds), ReplayReport.modeText(c)])
            }
        } else {
            for g in ReplayReport.groups(r.collectives) {
                let n = Double(g.count)
                ct.add([g.first.op, Format.bytes(g.first.bytes), ReplayReport.rankText(g.first.ranks), String(g.count),
                        g.original > 0 ? us(g.original / n) : "-", us(g.predicted / n), ReplayReport.modeText(g.first)])
            }
        }
        out += ct.render(indent: "  ")
        if !allCollectives && !r.collectives.isEmpty { out += "  (means per group; --format json lists each one)\n" }
        if !r.warnings.isEmpty {
            out += "\nWarnings\n"
            for w in r.warnings { out += "  - \(w)\n" }
        }
        return out
    }

    /// `ReplayReport.json` with `"input": "chakra"` first and, given the plan, a `"chakra"` object (graphs,
    /// formats, node counts, collectives and send/recv counts).
    public static func json(_ r: ReplayResult, plan: ChakraPlan? = nil) -> JSONValue {
        guard case .object(var fields) = ReplayReport.json(r) else { return ReplayReport.json(r) }
        fields.insert(("input", .string("chakra")), at: 0)
        if let plan {
            let graphs: [JSONValue] = plan.ranks.map {
                .object([("rank", .int(Int64($0.rank))), ("file", .string($0.file)), ("format", .string($0.format.rawValue)),
                         ("nodes", .int(Int64($0.steps.count))), ("has_start_times", .bool($0.hasTimes))])
            }
            fields.append(("chakra", .object([
                ("graphs", .array(graphs)),
                ("nodes", .int(Int64(plan.nodeCount))),
                ("collectives", .int(Int64(plan.collectiveCount))),
                ("send_recv", .int(Int64(plan.pointToPointCount))),
            ])))
        }
        return .object(fields)
    }
}
