import LinkscopeUnits

extension Report {
    /// The human report: aligned tables, units on every number.
    public var text: String {
        var out = "linkscope \(Simulator.version) — \(scenario)\n"
        out += "topology: \(topologyName)   simulated time: \(Format.duration(simulatedTime))   events: \(events)\n"
        if let it = iterationTime { out += "iteration time: \(Format.duration(it))\n" }
        for w in warnings { out += "warning: \(w)\n" }
        if let m = collectiveModel { out += "collective model: \(m)\n" }
        if let t = training {
            out += "\nTraining: \(t.model) (\(t.parameters) parameters, \(Format.bytes(t.gradientBytes)) of gradients), "
            out += "\(t.workers) workers × batch \(t.batchPerGPU), sync \(t.sync)\n"
            var table = TextTable(["per iteration", "value"])
            table.add(["forward", Format.duration(t.forwardTime)])
            table.add(["backward", Format.duration(t.backwardTime)])
            table.add(["gradient sync, total (all buckets)", Format.duration(t.syncTotal)])
            table.add(["gradient sync, exposed (not hidden by compute)", Format.duration(t.syncExposed)])
            table.add(["gradient sync window (first to last bucket)", Format.duration(t.syncTime)])
            if let it = iterationTime { table.add(["iteration", Format.duration(it)]) }
            table.add(["throughput", Format.number(t.samplesPerSecond) + " samples/s"])
            table.add(["bytes sent per worker", "\(t.perWorkerSent)"])
            table.add(["bytes received per worker", "\(t.perWorkerReceived)"])
            if let s = t.perServerReceived { table.add(["bytes into server 0", "\(s)"]) }
            if let s = t.perServerSent { table.add(["bytes out of server 0", "\(s)"]) }
            for row in Report.trainingRows(t) { table.add(row) }
            out += table.render(indent: "  ")
        }
        let standalone = collectives.filter { !$0.isTrainingSync }
        if !standalone.isEmpty {
            out += "\nCollectives (nccl-tests conventions: algbw = S/t, busbw = algbw × factor; GB = 1e9)\n"
            let sizes = Format.bytesColumn(standalone.map(\.bytes))
            var table = TextTable(["op", "algorithm", "gpus", "size (\(sizes.family))", "time", "algbw GB/s", "busbw GB/s",
                                   "formula", "sim/formula"])
            table.alignments[1] = .left
            table.alignments[2] = .left
            for (c, size) in zip(standalone, sizes.texts) {
                let ratio = c.formulaTime.map { $0 > 0 ? Format.fixed(c.time / $0, decimals: 3) : "-" } ?? "-"
                table.add([c.op + (c.concurrentGroup.map { " [\($0)]" } ?? ""), c.algorithm, Report.gpuList(c.gpus),
                           size, Format.duration(c.time),
                           c.hasBandwidth ? Format.fixed(c.algbw, decimals: 2) : "-",
                           c.hasBandwidth ? Format.fixed(c.busbw, decimals: 2) : "-",
                           c.formulaTime.map(Format.duration) ?? "-", ratio])
            }
            out += table.render(indent: "  ")
        }
        if !gpus.isEmpty {
            out += training.map { "\nGPUs (totals over all \($0.iterations) iterations and collectives)\n" }
                ?? "\nGPUs (totals over the run)\n"
            var table = TextTable(["gpu", "compute", "comm", "idle", "overlap", "sent", "received"])
            for g in gpus {
                table.add(["\(g.id)", Format.duration(g.compute), Format.duration(g.communication), Format.duration(g.idle),
                           Format.duration(g.overlap), Format.bytes(g.bytesSent), Format.bytes(g.bytesReceived)])
            }
            out += table.render(indent: "  ")
        }
        if !links.isEmpty {
            let busiest = links.sorted { $0.utilization != $1.utilization ? $0.utilization > $1.utilization : $0.index < $1.index }
            out += "\nBusiest links (of \(links.count) that carried traffic)\n"
            var table = TextTable(["link", "kind", "bandwidth", "bytes", "busy", "utilization"])
            table.alignments[1] = .left
            for l in busiest.prefix(12) {
                table.add(["\(l.from)->\(l.to)", l.kind, Format.bandwidth(l.bandwidth), Format.bytes(l.bytes),
                           Format.duration(l.busy), Format.percent(l.utilization)])
            }
            out += table.render(indent: "  ")
        }
        out += jobsText
        out += memoryText
        out += pipelineText
        if !sweep.isEmpty {
            out += "\nSweep (\(sweep.count) combinations)\n"
            let keys = sweep[0].parameters.map { $0.0 }
            let showIteration = sweep.contains { $0.iterationTime != nil }
            // One column per standalone collective when there are few, named as in the first good run.
            let names = sweep.first { $0.error == nil }?.collectives.map { $0.name } ?? []
            let perCollective = !names.isEmpty && names.count <= 6
            var headers = keys
            // Per-iteration time vs the whole run's simulated time (every iteration and collective), said in the header.
            if showIteration { headers.append("per iteration") }
            if perCollective { headers += names }
            headers.append("whole run")
            var table = TextTable(headers, alignments: keys.map { _ in .left } + headers.dropFirst(keys.count).map { _ in .right })
            var notes: [String] = []
            for s in sweep {
                var row = s.parameters.map { $0.1 }
                if let error = s.error {
                    notes.append("[\(notes.count + 1)] " + s.parameters.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + ": " + error)
                    row.append("error [\(notes.count)]")
                    table.add(row)
                    continue
                }
                if showIteration { row.append(s.iterationTime.map(Format.duration) ?? "-") }
                if perCollective {
                    for name in names { row.append(s.collectives.first { $0.name == name }.map { Format.duration($0.time) } ?? "-") }
                }
                row.append(Format.duration(s.simulatedTime))
                table.add(row)
            }
            out += table.render(indent: "  ")
            for n in notes { out += "  \(n)\n" }
        }
        return out
    }

    /// "0-7" for contiguous runs, "0,1,4,5" otherwise.
    static func gpuList(_ gpus: [Int]) -> String {
        guard let first = gpus.first, let last = gpus.last else { return "" }
        if gpus.count > 2 && gpus == Array(first...last) { return "\(first)-\(last)" }
        return gpus.map(String.init).joined(separator: ",")
    }

    /// CSV: one row per collective, then one per sweep combination (`section` tells which).
    public var csv: String {
        var out = "section,name,op,algorithm,gpus,bytes,time_s,algbw_gbps,busbw_gbps,formula_time_s,iteration_time_s,error\n"
        func q(_ s: String) -> String {
            s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingQuotes + "\"" : s
        }
        for c in collectives {
            out += ["collective", q(c.name), c.op, c.algorithm, q(c.gpus.map(String.init).joined(separator: " ")),
                    "\(c.bytes)", "\(c.time)", c.hasBandwidth ? "\(c.algbw)" : "", c.hasBandwidth ? "\(c.busbw)" : "", c.formulaTime.map { "\($0)" } ?? "", "", ""]
                .joined(separator: ",") + "\n"
        }
        if let it = iterationTime {
            out += ["training", q(scenario), "", "", "", "", "", "", "", "", "\(it)", ""].joined(separator: ",") + "\n"
        }
        for s in sweep {
            let name = s.parameters.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
            // A failed combination has no numbers, only its error text.
            out += ["sweep", q(name), "", "", "", "", s.error == nil ? "\(s.simulatedTime)" : "", "", "", "",
                    s.iterationTime.map { "\($0)" } ?? "", q(s.error ?? "")].joined(separator: ",") + "\n"
        }
        return out
    }
}

extension String {
    var replacingQuotes: String {
        var s = ""
        for c in self { s += c == "\"" ? "\"\"" : String(c) }
        return s
    }
}
