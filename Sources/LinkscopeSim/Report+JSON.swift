import LinkscopeJSON

extension Report {
    /// The JSON report with docs/output-formats.md's stable keys (more may be added).
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("scenario", .string(scenario)),
            ("topology", .string(topologyName)),
            ("simulated_time_s", .double(simulatedTime)),
        ]
        fields.append(("iteration_time_s", iterationTime.map { .double($0) } ?? .null))
        fields.append(("events", .int(Int64(events))))
        fields.append(("collectives", .array(collectives.map { c in
            var f: [(String, JSONValue)] = [
                ("name", .string(c.name)), ("op", .string(c.op)), ("algorithm", .string(c.algorithm)),
                ("gpus", .array(c.gpus.map { .int(Int64($0)) })), ("bytes", .int(c.bytes)),
                ("time_s", .double(c.time)), ("algbw_gbps", c.hasBandwidth ? .double(c.algbw) : .null),
                ("busbw_gbps", c.hasBandwidth ? .double(c.busbw) : .null),
                ("formula_time_s", c.formulaTime.map { .double($0) } ?? .null),
                ("formula_bandwidth_gbps", .double(c.formulaBandwidth.isFinite ? c.formulaBandwidth / 1e9 : 0)),
                ("traffic_bytes", .int(c.trafficBytes)), ("start_s", .double(c.start)),
            ]
            if let g = c.concurrentGroup { f.append(("group", .string(g))) }
            return .object(f)
        })))
        fields.append(("gpus", .array(gpus.map { g in
            .object([("id", .int(Int64(g.id))), ("compute_s", .double(g.compute)),
                     ("communication_s", .double(g.communication)), ("idle_s", .double(g.idle)),
                     ("overlap_s", .double(g.overlap)), ("bytes_sent", .int(g.bytesSent)),
                     ("bytes_received", .int(g.bytesReceived)),
                     ("exposed_communication_s", .double(g.exposedCommunication)),
                     ("bubble_s", g.bubble.map { .double($0) } ?? .null)])
        })))
        fields.append(("links", .array(links.map { l in
            .object([("from", .string(l.from)), ("to", .string(l.to)), ("kind", .string(l.kind)),
                     ("bandwidth_gbps", .double(l.bandwidth / 1e9)), ("bytes", .int(l.bytes)),
                     ("busy_s", .double(l.busy)), ("utilization", .double(l.utilization))])
        })))
        if let t = training {
            var f: [(String, JSONValue)] = [
                ("model", .string(t.model)), ("parameters", .int(t.parameters)),
                ("gradient_bytes", .int(t.gradientBytes)), ("workers", .int(Int64(t.workers))),
                ("batch_per_gpu", .int(Int64(t.batchPerGPU))), ("iterations", .int(Int64(t.iterations))),
                ("sync", .string(t.sync)), ("forward_s", .double(t.forwardTime)),
                ("backward_s", .double(t.backwardTime)), ("sync_s", .double(t.syncTime)),
                ("sync_total_s", .double(t.syncTotal)), ("sync_exposed_s", .double(t.syncExposed)),
                ("samples_per_s", .double(t.samplesPerSecond)), ("per_worker_sent", .int(t.perWorkerSent)),
                ("per_worker_received", .int(t.perWorkerReceived)),
            ]
            if let s = t.perServerReceived { f.append(("per_server_received", .int(s))) }
            if let s = t.perServerSent { f.append(("per_server_sent", .int(s))) }
            f += Report.hybridTrainingFields(t)
            fields.append(("training", .object(f)))
        }
        if !jobs.isEmpty { fields.append(("jobs", jobsJSON)) }
        if let p = pipeline { fields.append(("pipeline", p.json)) }
        if !memory.isEmpty { fields.append(("memory", .array(memory.map(\.json)))) }
        if !sweep.isEmpty {
            fields.append(("sweep", .array(sweep.map { s in
                var f: [(String, JSONValue)] = [
                    ("parameters", .object(s.parameters.map { ($0.0, Report.parameterValue($0.1)) })),
                    ("iteration_time_s", s.iterationTime.map { .double($0) } ?? .null),
                    ("simulated_time_s", s.error == nil ? .double(s.simulatedTime) : .null),
                    ("collectives", .array(s.collectives.map { c in
                        .object([("name", .string(c.name)), ("time_s", .double(c.time)), ("busbw_gbps", .double(c.busbw))])
                    })),
                ]
                if let e = s.error { f.append(("error", .string(e))) }
                return .object(f)
            })))
        }
        if !warnings.isEmpty { fields.append(("warnings", .array(warnings.map { .string($0) }))) }
        return .object(fields)
    }
}

extension Report {
    /// A sweep parameter as JSON: numbers as numbers, GPU lists as lists, anything else ("ring", "1 GiB") as text.
    static func parameterValue(_ text: String) -> JSONValue {
        guard let v = try? JSONValue.parse(text) else { return .string(text) }
        switch v {
        case .int, .double, .bool, .array: return v
        default: return .string(text)
        }
    }
}
