import LinkscopeCostModel
import LinkscopeFabric
import LinkscopeScenario
import LinkscopeSchedule
import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeUnits

extension Simulator {
    /// Uses the hybrid generator (pipeline stages, tensor groups, ZeRO); plain data parallelism keeps the
    /// bucketed DDP generator.
    static func isHybrid(_ t: TrainingDescription) -> Bool {
        t.parallelism.pipeline > 1 || t.parallelism.tensor > 1 || t.zero > 0 || t.inference
    }

    /// Throughput figures (tokens/s, MFU), input-pipeline time and the learning-rate rule, for both
    /// generators' summaries.
    static func finishSummary(_ summary: inout TrainingSummary, training: TrainingDescription, model: ModelDescription,
                              scenario: Scenario, iterationTime: Double, gpuCount: Int) {
        let spec = scenario.topology.gpuSpec
        let peak = model.dtype == .fp32 ? spec.fp32.flopsPerSecond : spec.fp16.flopsPerSecond
        let passes = training.inference ? 1.0 : 3.0
        let modelFLOPs = passes * model.layers.reduce(0.0) { $0 + $1.forwardFLOPs } * Double(training.globalBatch)
        if iterationTime > 0 && peak > 0 && gpuCount > 0 {
            summary.mfu = modelFLOPs / (iterationTime * Double(gpuCount) * peak)
            if let t = model.transformer {
                summary.tokensPerSecond = Double(training.globalBatch) * Double(t.seqLen) / iterationTime
            }
        }
        if let d = training.dataLoading { summary.dataLoadingTime = d.seconds(samples: training.globalBatch) }
        if let lr = training.learningRate {
            summary.learningRate = lr.rate(globalBatch: training.globalBatch)
            summary.learningRateRule = "\(lr.rule.rawValue) from \(lr.base) at batch \(lr.baseBatch)"
                + (lr.warmup > 0 ? ", \(lr.warmup) warm-up iterations" : "")
        }
    }

    /// Per job GPU: seconds it neither computed nor moved bytes during the job (from the timeline).
    static func idlePerGPU(job: Job, result: ExecutionResult, gpus: [Int], topology: Topology) -> [Int: Double] {
        var busy: [[(Double, Double)]] = Array(repeating: [], count: topology.devices.count)
        for (i, task) in job.schedule.tasks.enumerated() {
            let interval = (result.taskStart[i], result.taskEnd[i])
            switch task.kind {
            case .compute(let d, _, _): busy[Int(d)].append(interval)
            case .transfer(let a, let b, _, _) where a != b:
                busy[Int(a)].append(interval)
                busy[Int(b)].append(interval)
            default: break
            }
        }
        for load in job.analyticLoads {
            for d in job.analyticGroups[Int(load.group)].devices {
                busy[d].append((result.taskStart[load.task.index], result.taskEnd[load.task.index]))
            }
        }
        var out: [Int: Double] = [:]
        for g in gpus {
            guard let d = topology.device(ofGPU: g) else { continue }
            out[g] = max(0, result.makespan - IntervalUnion(busy[d]).length)
        }
        return out
    }

    /// The training summary, pipeline figures and per-GPU bubble of a hybrid job.
    static func parallelSummary(job: Job, result: ExecutionResult, info: ParallelInfo, scenario: Scenario,
                                training: TrainingDescription, model: ModelDescription, acc: Accounting,
                                report: inout Report) {
        let layout = info.layout
        let iterations = max(1, job.iterations)
        let iterationTime = result.makespan / Double(iterations)
        let gpus = layout.gpus
        let global = training.globalBatch
        let firstDevice = gpus.first.flatMap { scenario.topology.device(ofGPU: $0) } ?? 0
        var summary = TrainingSummary(
            model: model.preset ?? (model.transformer != nil ? "transformer" : "custom"), parameters: model.parameters,
            gradientBytes: model.gradientBytes, workers: layout.data, batchPerGPU: training.batchPerGPU,
            iterations: job.iterations,
            sync: training.inference ? "none (inference)" : training.zero > 0 ? "ZeRO-\(training.zero) reduce-scatter + all-gather"
                : (training.sync.scheme == .parameterServer ? "parameter-server" : "allreduce \(training.sync.algorithm.rawValue)"),
            forwardTime: info.stageForward.max() ?? 0, backwardTime: info.stageBackward.max() ?? 0,
            syncTime: syncTime(report.collectives.suffix(job.collectives.count), iterations: iterations),
            samplesPerSecond: iterationTime > 0 ? Double(global) / iterationTime : 0,
            perWorkerSent: acc.jobSent(firstDevice) / Int64(iterations),
            perWorkerReceived: acc.jobReceived(firstDevice) / Int64(iterations),
            perServerReceived: nil, perServerSent: nil)
        summary.layout = "data \(layout.data) × tensor \(layout.tensor) × pipeline \(layout.pipeline)"
            + (layout.virtual > 1 ? " (\(layout.virtual) chunks per stage)" : "")
        summary.globalBatch = global
        if training.inference, let first = info.firstOutput { summary.latency = result.taskEnd[first.index] }
        summary.tensorCollectives = layout.tensor > 1 ? info.tensorCollectivesPerIteration : nil
        summary.tensorAnalytic = info.analyticTensor
        let idle = idlePerGPU(job: job, result: result, gpus: gpus, topology: scenario.topology)
        let exposed = report.gpus.filter { gpus.contains($0.id) }.map(\.exposedCommunication)
        summary.exposedCommunication = exposed.isEmpty ? 0 : exposed.reduce(0, +) / Double(exposed.count) / Double(iterations)
        finishSummary(&summary, training: training, model: model, scenario: scenario, iterationTime: iterationTime,
                      gpuCount: gpus.count)
        report.training = summary
        if layout.pipeline > 1 {
            for i in report.gpus.indices { report.gpus[i].bubble = idle[report.gpus[i].id] }
            let p = training.parallelism
            let fractions = gpus.map { (idle[$0] ?? 0) / max(result.makespan, .leastNonzeroMagnitude) }
            let formula: Double
            switch p.schedule {
            case .vanilla: formula = Double(layout.pipeline - 1) / Double(layout.pipeline)
            case .interleaved:
                let ratio = Double(layout.pipeline - 1) / Double(layout.virtual * p.microBatches)
                formula = ratio / (1 + ratio)
            default: formula = CostFormulas.bubbleFraction(stages: layout.pipeline, microBatches: p.microBatches)
            }
            let boundary = layout.chunks.count > 1 ? scenarioBoundary(layout: layout, model: model, training: training) : 0
            report.pipeline = PipelineResult(
                bubbleFraction: fractions.reduce(0, +) / Double(max(fractions.count, 1)), schedule: p.schedule.rawValue,
                stages: layout.pipeline, microBatches: p.microBatches, virtualStages: layout.virtual,
                formulaBubbleFraction: formula, boundaryBytes: boundary)
        }
        if info.analyticTensor {
            report.warnings.append("\(info.tensorCollectivesPerIteration) tensor-parallel collectives per iteration: "
                + "priced with the ring closed form (bytes and busy time still charged to the links), not as flows")
        }
    }

    static func scenarioBoundary(layout: ParallelLayout, model: ModelDescription, training: TrainingDescription) -> Int64 {
        let q = Int64(model.dtype.bytes)
        let b = Int64(training.batchPerGPU / max(training.parallelism.microBatches, 1))
        if let t = model.transformer { return t.boundaryElements * q * b }
        guard let l = layout.chunks.first?.last else { return 0 }
        return model.layers[l].activationBytes * q / 4 * b
    }

    static func syncTime(_ collectives: ArraySlice<CollectiveResult>, iterations: Int) -> Double {
        let sync = collectives.filter { !$0.name.contains(" tp ") }
        // Sync window of each iteration (first start to last end of its collectives), averaged.
        var byIteration: [String: (Double, Double)] = [:]
        for c in sync {
            let key = String(c.name.split(separator: " ").prefix(2).joined(separator: " "))
            let cur = byIteration[key] ?? (c.start, c.end)
            byIteration[key] = (min(cur.0, c.start), max(cur.1, c.end))
        }
        return byIteration.values.reduce(0) { $0 + $1.1 - $1.0 } / Double(iterations)
    }
}

