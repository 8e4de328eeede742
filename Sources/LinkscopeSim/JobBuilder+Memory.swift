import LinkscopeCostModel
import LinkscopeScenario
import LinkscopeUnits

extension JobBuilder {
    /// Peak memory of every GPU of the layout (docs/cost-model.md §12): its stage's weights, gradients and
    /// optimizer state (ZeRO-sharded over the data replicas), plus the activations of the micro-batches
    /// the schedule keeps in flight on that stage.
    func memoryPerGPU(layout: ParallelLayout, model: ModelDescription, training: TrainingDescription) -> [MemoryResult] {
        let par = training.parallelism
        let capacity = topology.gpuSpec.memory.count
        let micro = (training.batchPerGPU + par.microBatches - 1) / max(par.microBatches, 1)
        let schedule = layout.pipeline > 1 ? par.schedule.rawValue : "none"
        var out: [MemoryResult] = []
        for p in 0..<layout.pipeline {
            var parts = MemoryModel.states(parameters: layout.parameters(stage: p, model: model), dtype: model.dtype,
                                           optimizer: training.optimizer, zero: training.zero, data: layout.data)
            if training.inference {
                parts.gradients = 0
                parts.optimizer = 0
            } else if training.frozenLayers > 0 {
                // Frozen layers keep their weights but no gradients or optimizer state.
                let trainable = MemoryModel.states(
                    parameters: layout.parameters(stage: p, model: model, frozen: training.frozenLayers),
                    dtype: model.dtype, optimizer: training.optimizer, zero: training.zero, data: layout.data)
                parts.gradients = trainable.gradients
                parts.optimizer = trainable.optimizer
            }
            // Serving keeps no activations for backward: one micro-batch's at a time.
            let inFlight = training.inference ? 1 : MemoryModel.microBatchesInFlight(schedule: schedule, stages: layout.pipeline, stage: p,
                                                            microBatches: par.microBatches,
                                                            virtualStages: layout.virtual)
            var perMicro: Int64 = 0
            for c in layout.chunks(ofStage: p) {
                // Frozen layers keep no activations for backward (docs/cost-model.md §16).
                for l in layout.chunks[c] where l >= training.frozenLayers {
                    if let t = model.transformer {
                        if layout.isTransformerBlock(l, model) {
                            perMicro += MemoryModel.blockActivations(t, microBatch: micro, tensor: layout.tensor,
                                                                     sequenceParallel: par.sequence,
                                                                     recompute: training.recompute)
                        } else if l == model.layers.count - 1 {
                            perMicro += MemoryModel.logitsActivations(t, microBatch: micro, tensor: layout.tensor)
                        }
                    } else {
                        // Layer activations are FP32 per sample; scaled to the dtype.
                        perMicro += model.layers[l].activationBytes * Int64(model.dtype.bytes) / 4 * Int64(micro)
                    }
                }
            }
            // `inFlight` counts whole-stage micro-batches (interleaved: chunks in flight ÷ v).
            parts.activations = Int64((Double(perMicro) * inFlight).rounded())
            for d in 0..<layout.data {
                for t in 0..<layout.tensor {
                    out.append(MemoryResult(gpu: layout.gpu(replica: d, stage: p, rank: t), peakBytes: parts.total,
                                            capacityBytes: capacity, weights: parts.weights, gradients: parts.gradients,
                                            optimizer: parts.optimizer, activations: parts.activations, stage: p))
                }
            }
        }
        return out.sorted { $0.gpu < $1.gpu }
    }
}

/// Text for memory results shared by the report renderers and warnings.
enum MemoryReport {
    /// One warning naming the GPUs that do not fit, with the worst one's breakdown.
    static func outOfMemoryWarnings(_ memory: [MemoryResult]) -> [String] {
        let over = memory.filter { !$0.fits }
        guard let worst = over.max(by: { $0.peakBytes < $1.peakBytes }) else { return [] }
        return ["OUT OF MEMORY on \(over.count) of \(memory.count) GPUs: GPU \(worst.gpu) needs "
            + "\(Report.decimalBytes(worst.peakBytes)) of \(Report.decimalBytes(worst.capacityBytes)) ("
            + breakdown(worst) + "); the timings assume it fit"]
    }

    static func breakdown(_ m: MemoryResult) -> String {
        "weights \(Report.decimalBytes(m.weights)), gradients \(Report.decimalBytes(m.gradients)), optimizer "
            + "\(Report.decimalBytes(m.optimizer)), activations \(Report.decimalBytes(m.activations))"
    }
}
