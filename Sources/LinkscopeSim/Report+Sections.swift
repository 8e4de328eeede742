import LinkscopeJSON
import LinkscopeUnits

extension Report {
    /// Extra training rows of hybrid jobs (layout, tokens/s, MFU, exposed communication).
    static func trainingRows(_ t: TrainingSummary) -> [[String]] {
        var rows: [[String]] = []
        if let l = t.layout { rows.append(["layout", l]) }
        if let g = t.globalBatch { rows.append(["global batch", "\(g) samples"]) }
        if let k = t.tokensPerSecond { rows.append(["tokens/s", Format.number(k)]) }
        if let m = t.mfu { rows.append(["model-FLOPs utilisation", Format.percent(m)]) }
        if let e = t.exposedCommunication { rows.append(["exposed communication per GPU", Format.duration(e)]) }
        if let l = t.latency { rows.append(["latency (first micro-batch)", Format.duration(l)]) }
        if let d = t.dataLoadingTime { rows.append(["data loading (global batch)", Format.duration(d)]) }
        if let lr = t.learningRate { rows.append(["learning rate", Format.number(lr) + " (" + (t.learningRateRule ?? "") + ")"]) }
        if let n = t.tensorCollectives {
            rows.append(["tensor-parallel collectives", "\(n)" + (t.tensorAnalytic ? " (closed-form priced)" : "")])
        }
        return rows
    }

    /// The `memory` section: one row per distinct (stage, breakdown), with the GPUs it covers.
    var memoryText: String {
        guard !memory.isEmpty else { return "" }
        var out = "\nMemory per GPU (GB = 1e9)\n"
        var table = TextTable(["stage", "gpus", "weights", "gradients", "optimizer", "activations", "peak", "capacity",
                               "fits"])
        var groups: [(MemoryResult, [Int])] = []
        for m in memory {
            if let i = groups.firstIndex(where: { $0.0.stage == m.stage && $0.0.peakBytes == m.peakBytes
                && $0.0.activations == m.activations }) {
                groups[i].1.append(m.gpu)
            } else {
                groups.append((m, [m.gpu]))
            }
        }
        for (m, ids) in groups.sorted(by: { $0.0.stage < $1.0.stage }) {
            table.add(["\(m.stage)", Report.gpuList(ids), Report.decimalBytes(m.weights),
                       Report.decimalBytes(m.gradients), Report.decimalBytes(m.optimizer),
                       Report.decimalBytes(m.activations), Report.decimalBytes(m.peakBytes),
                       Report.decimalBytes(m.capacityBytes), m.fits ? "yes" : "OUT OF MEMORY"])
        }
        out += table.render(indent: "  ")
        return out
    }

    /// The `jobs` section: each job's iteration time alone and when sharing the cluster.
    var jobsText: String {
        guard !jobs.isEmpty else { return "" }
        var out = "\nJobs sharing the fabric\n"
        var table = TextTable(["job", "gpus", "iteration alone", "iteration shared", "slowdown", "samples/s"])
        table.alignments[0] = .left
        for j in jobs {
            table.add([j.name, Report.gpuList(j.gpus), Format.duration(j.aloneIterationTime),
                       Format.duration(j.sharedIterationTime), Format.fixed(j.slowdown, decimals: 3) + "×",
                       Format.number(j.samplesPerSecond)])
        }
        out += table.render(indent: "  ")
        return out
    }

    var jobsJSON: JSONValue {
        .array(jobs.map { j in
            .object([("name", .string(j.name)), ("gpus", .array(j.gpus.map { .int(Int64($0)) })),
                     ("iterations", .int(Int64(j.iterations))), ("alone_iteration_time_s", .double(j.aloneIterationTime)),
                     ("shared_iteration_time_s", .double(j.sharedIterationTime)), ("slowdown", .double(j.slowdown)),
                     ("samples_per_s", .double(j.samplesPerSecond))])
        })
    }

    /// Bytes in decimal units only (GB = 1e9), so that a column never mixes GB and GiB.
    static func decimalBytes(_ count: Int64) -> String {
        let v = Double(count)
        for (unit, name) in [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")] where v >= unit {
            return Format.number(v / unit) + " " + name
        }
        return "\(count) B"
    }

    /// The `pipeline` section: the bubble measured on the timeline next to its closed form.
    var pipelineText: String {
        guard let p = pipeline else { return "" }
        var out = "\nPipeline: \(p.schedule), \(p.stages) stages × \(p.microBatches) micro-batches"
        out += p.virtualStages > 1 ? ", \(p.virtualStages) chunks per stage\n" : "\n"
        var table = TextTable(["", "value"])
        table.add(["bubble (idle / iteration, simulated)", Format.percent(p.bubbleFraction)])
        table.add(["bubble (closed form)", Format.percent(p.formulaBubbleFraction)])
        table.add(["activation per boundary and micro-batch", Report.decimalBytes(p.boundaryBytes)])
        out += table.render(indent: "  ")
        return out
    }
}

extension Report {
    /// JSON keys of the training summary that only hybrid jobs have.
    static func hybridTrainingFields(_ t: TrainingSummary) -> [(String, JSONValue)] {
        var f: [(String, JSONValue)] = []
        if let l = t.layout { f.append(("layout", .string(l))) }
        if let g = t.globalBatch { f.append(("global_batch", .int(Int64(g)))) }
        f.append(("tokens_per_s", t.tokensPerSecond.map { .double($0) } ?? .null))
        f.append(("mfu", t.mfu.map { .double($0) } ?? .null))
        f.append(("exposed_communication_s", t.exposedCommunication.map { .double($0) } ?? .null))
        if let l = t.latency { f.append(("latency_s", .double(l))) }
        if let d = t.dataLoadingTime { f.append(("data_loading_s", .double(d))) }
        if let lr = t.learningRate {
            f.append(("learning_rate", .double(lr)))
            f.append(("learning_rate_rule", .string(t.learningRateRule ?? "")))
        }
        if let n = t.tensorCollectives {
            f.append(("tensor_collectives", .int(Int64(n))))
            f.append(("tensor_collectives_analytic", .bool(t.tensorAnalytic)))
        }
        return f
    }
}

extension PipelineResult {
    var json: JSONValue {
        .object([("bubble_fraction", .double(bubbleFraction)), ("formula_bubble_fraction", .double(formulaBubbleFraction)),
                 ("schedule", .string(schedule)), ("stages", .int(Int64(stages))),
                 ("micro_batches", .int(Int64(microBatches))), ("virtual_stages", .int(Int64(virtualStages))),
                 ("boundary_bytes", .int(boundaryBytes))])
    }
}

extension MemoryResult {
    var json: JSONValue {
        .object([("gpu", .int(Int64(gpu))), ("stage", .int(Int64(stage))), ("peak_bytes", .int(peakBytes)),
                 ("capacity_bytes", .int(capacityBytes)), ("fits", .bool(fits)), ("weights_bytes", .int(weights)),
                 ("gradients_bytes", .int(gradients)), ("optimizer_bytes", .int(optimizer)),
                 ("activations_bytes", .int(activations))])
    }
}
