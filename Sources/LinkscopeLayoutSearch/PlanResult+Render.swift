import LinkscopeJSON
import LinkscopeTimeline
import LinkscopeUnits

/// The ranked table as text, JSON and CSV (docs/plan.md). Memory is in GB (10^9 B); times in seconds.
extension PlanResult {
    private var throughputName: String { sequenceLength != nil ? "tokens/s" : "samples/s" }

    public var text: String {
        var out = "plan: \(scenario)\n"
        out += "model \(model) on \(gpus) GPUs, global batch \(globalBatch)"
            + (sequenceLength.map { " × \($0) tokens" } ?? "") + "\n"
        out += "\(candidates) layouts: \(candidates - outOfMemory) fit in memory, \(outOfMemory) out of memory; "
            + "the best \(simulated) by the closed form simulated with flows\n\n"
        var table = TextTable(["rank", "data", "tensor", "pipeline", "schedule", "micro-batch", "recompute", "ZeRO",
                               "closed form (s)", "flows (s)", throughputName, "memory/GPU (GB)", "MFU", "agree"],
                              alignments: [.right, .right, .right, .right, .left, .right, .left, .right, .right, .right,
                                           .right, .right, .right, .left])
        for row in rows {
            let c = row.candidate
            table.add(["\(row.rank)", "\(c.data)", "\(c.tensor)", "\(c.pipeline)", c.scheduleLabel,
                       "\(c.microBatchSize) × \(c.microBatches)", c.recompute.rawValue, "\(c.zero)",
                       Format.fixed(row.estimate.iterationTime, decimals: 3),
                       row.flow.map { Format.fixed($0.iterationTime, decimals: 3) } ?? (row.flowError != nil ? "failed" : "-"),
                       Format.fixed(throughput(row), decimals: 0),
                       Format.fixed(Double(row.flow?.peakMemoryBytes ?? row.estimate.peakMemoryBytes) / 1e9, decimals: 1),
                       Format.percent(mfu(row)), agreement(row)])
        }
        out += table.render()
        out += "\nclosed form: compute, tensor-parallel and data-parallel ring closed forms, pipeline bubble and sends "
            + "(docs/plan.md); flows: one iteration simulated on the fabric; agree: flows within ±"
            + Format.percent(tolerance, decimals: 0) + " of the closed form; \(throughputName), memory and MFU from flows "
            + "where simulated. GB = 10^9 B.\n"
        for row in rows where row.flowError != nil {
            out += "rank \(row.rank) failed to simulate: \(row.flowError ?? "")\n"
        }
        if let top = rows.first {
            out += "best: \(top.candidate.summary)\n"
        }
        if let own = reference {
            out += "scenario's own layout: \(own.candidate.summary): closed form "
                + Format.fixed(own.estimate.iterationTime, decimals: 3) + " s (rank \(own.rank) of \(candidates - outOfMemory)), "
                + (own.flow.map { "flows " + Format.fixed($0.iterationTime, decimals: 3) + " s, " } ?? "")
                + "\(Format.fixed(throughput(own), decimals: 0)) \(throughputName), MFU \(Format.percent(mfu(own))), "
                + "memory/GPU " + Format.fixed(Double(own.flow?.peakMemoryBytes ?? own.estimate.peakMemoryBytes) / 1e9, decimals: 1)
                + " GB" + (own.estimate.fits ? "" : " (OUT OF MEMORY)") + "\n"
        }
        return out
    }

    private func agreement(_ row: PlanRow) -> String {
        guard let agrees = agrees(row), let d = row.deviation else { return "-" }
        let size = Format.percent(abs(d))
        // No sign on a deviation that rounds to zero ("−0.0 %" reads as a disagreement).
        let sign = abs(d) < 0.0005 ? "±" : d >= 0 ? "+" : "−"
        return (agrees ? "yes " : "no ") + sign + size
    }

    private func rowObject(_ row: PlanRow) -> JSONValue {
        let c = row.candidate
        return .object([
            ("rank", .int(Int64(row.rank))), ("data", .int(Int64(c.data))), ("tensor", .int(Int64(c.tensor))),
            ("pipeline", .int(Int64(c.pipeline))), ("schedule", .string(c.pipeline > 1 ? c.schedule.rawValue : "none")),
            ("virtual_stages", .int(Int64(c.virtualStages))), ("micro_batch_size", .int(Int64(c.microBatchSize))),
            ("micro_batches", .int(Int64(c.microBatches))), ("recompute", .string(c.recompute.rawValue)),
            ("zero", .int(Int64(c.zero))),
            ("closed_form_iteration_time_s", .double(row.estimate.iterationTime)),
            ("flow_iteration_time_s", row.flow.map { .double($0.iterationTime) } ?? .null),
            (sequenceLength != nil ? "tokens_per_s" : "samples_per_s", .double(throughput(row))),
            ("peak_memory_bytes", .int(row.flow?.peakMemoryBytes ?? row.estimate.peakMemoryBytes)),
            ("capacity_bytes", .int(row.estimate.capacityBytes)),
            ("mfu", .double(mfu(row))),
            ("deviation", row.deviation.map { .double($0) } ?? .null),
            ("agree", agrees(row).map { .bool($0) } ?? .null),
            ("flow_error", row.flowError.map { .string($0) } ?? .null),
        ])
    }

    public var json: JSONValue {
        .object([
            ("scenario", .string(scenario)), ("model", .string(model)), ("gpus", .int(Int64(gpus))),
            ("global_batch", .int(Int64(globalBatch))),
            ("seq_len", sequenceLength.map { .int(Int64($0)) } ?? .null),
            ("candidates", .int(Int64(candidates))), ("out_of_memory", .int(Int64(outOfMemory))),
            ("simulated", .int(Int64(simulated))), ("tolerance", .double(tolerance)),
            ("layouts", .array(rows.map(rowObject))),
            ("scenario_layout", reference.map(rowObject) ?? .null),
        ])
    }

    public var csv: String { CSVTable(objects: rows.map(rowObject)).rendered }
}
