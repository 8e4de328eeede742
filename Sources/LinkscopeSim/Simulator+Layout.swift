import LinkscopeCostModel
import LinkscopePlanning
import LinkscopeScenario
import LinkscopeTopology

/// Closed-form figures of one training layout, without simulating it: what the layout search ranks
/// thousands of candidates by before it simulates the best few (docs/plan.md).
public struct LayoutEstimate: Sendable, Equatable {
    /// Seconds per iteration: `pipelineTime` plus the data-parallel sync that the pipeline's drain does not hide.
    public var iterationTime: Double
    /// Compute, tensor-parallel collectives, pipeline sends and the bubble of one iteration, seconds.
    public var pipelineTime: Double
    /// The data-parallel gradient sync of the slowest stage (ZeRO-3: with its parameter gathers), seconds.
    public var syncTime: Double
    /// The largest peak memory of the job's GPUs (the simulator's memory model), bytes.
    public var peakMemoryBytes: Int64
    /// Memory of one GPU, bytes.
    public var capacityBytes: Int64
    /// Model FLOPs of one iteration (3 × forward × global batch; recomputation not counted), as MFU counts them.
    public var modelFLOPs: Double
    /// Peak FLOP/s of one GPU for the model's dtype.
    public var peakFLOPsPerGPU: Double
    public var fits: Bool { peakMemoryBytes <= capacityBytes }

    /// Model FLOPs utilisation at `iterationTime` seconds per iteration on `gpus` GPUs.
    public func mfu(iterationTime t: Double, gpus: Int) -> Double {
        t > 0 && peakFLOPsPerGPU > 0 && gpus > 0 ? modelFLOPs / (t * Double(gpus) * peakFLOPsPerGPU) : 0
    }
}

/// Prices training layouts of one scenario in closed form with the simulator's own pieces: the stage split
/// (`ParallelLayout`), compute per step (`StepCosts` rules), the tensor-parallel ring closed form on the
/// ring bandwidth the flow model would use (`TensorParallelPricing`), pipeline sends on their route's
/// bandwidth, the data-parallel ring closed form, and the memory model of the report (`memoryPerGPU`).
/// Assumes equally loaded groups (the first replica's groups stand for all) and no contention between
/// groups: the flow simulation of the best candidates shows where that does not hold.
/// Not thread-safe (it memoises topology facts): one estimator per task.
public struct LayoutEstimator {
    private var planner: JobBuilder
    private var chunkSizes: [Int: [Range<Int>]] = [:]
    private var tensorLoads: [[Int]: TensorParallelPricing.GroupLoad] = [:]
    private var dataRings: [[Int]: (bandwidth: Double, latency: Double)] = [:]

    /// An estimator for layouts of `scenario`'s model on its GPUs (`scenario.training` is replaced per call).
    public init(scenario: Scenario) {
        planner = JobBuilder(scenario: scenario)
    }

    /// The closed-form figures of `training` (its parallelism, batch, recompute and ZeRO) on the scenario's
    /// GPUs; nil when the scenario has no model.
    public mutating func estimate(_ training: TrainingDescription) -> LayoutEstimate? {
        let scenario = planner.scenario
        guard let model = scenario.model else { return nil }
        let par = training.parallelism
        let layout = parallelLayout(par, model: model)
        let memory = planner.memoryPerGPU(layout: layout, model: model, training: training)
        let spec = scenario.topology.gpuSpec
        let peak = model.dtype == .fp32 ? spec.fp32.flopsPerSecond : spec.fp16.flopsPerSecond
        var estimate = LayoutEstimate(
            iterationTime: 0, pipelineTime: 0, syncTime: 0, peakMemoryBytes: memory.map(\.peakBytes).max() ?? 0,
            capacityBytes: spec.memory.count,
            modelFLOPs: 3 * model.layers.reduce(0.0) { $0 + $1.forwardFLOPs } * Double(training.globalBatch),
            peakFLOPsPerGPU: peak)
        let hybrid = Simulator.isHybrid(training)
        let m = hybrid ? max(par.microBatches, 1) : 1
        let b = (training.batchPerGPU + m - 1) / m
        let (P, C) = (layout.pipeline, layout.chunks.count)
        let tp = model.transformer != nil ? layout.tensor : 1
        let q = Int64(model.dtype.bytes)

        // Seconds per FLOP of each stage: its slowest GPU (every replica waits for the slowest at the sync).
        var stageRate = Array(repeating: 0.0, count: P)
        for p in 0..<P {
            for d in 0..<layout.data {
                for t in 0..<layout.tensor {
                    stageRate[p] = max(stageRate[p], planner.secondsPerFLOP(gpu: layout.gpu(replica: d, stage: p, rank: t),
                                                                            model: model, training: training))
                }
            }
        }
        // Per chunk and micro-batch: forward and backward seconds, with the tensor-parallel all-reduces.
        var forward = Array(repeating: 0.0, count: C)
        var backward = Array(repeating: 0.0, count: C)
        var send = Array(repeating: 0.0, count: C)
        for c in 0..<C {
            let p = layout.stage(ofChunk: c)
            var blocks = 0
            for l in layout.chunks[c] {
                let f = model.layers[l].forwardFLOPs
                forward[c] += f / Double(tp) * Double(b) * stageRate[p]
                if l >= training.frozenLayers {
                    backward[c] += (2 * f + JobBuilder.recomputeFLOPs(layer: l, model: model, recompute: training.recompute))
                        / Double(tp) * Double(b) * stageRate[p]
                }
                if layout.isTransformerBlock(l, model) { blocks += 1 }
            }
            if let transformer = model.transformer, layout.tensor > 1, blocks > 0 {
                let load = tensorLoad(layout.tensorGroup(replica: 0, stage: p))
                let each = Double(transformer.boundaryElements * Int64(b) * q) * load.secondsPerByte + load.latency
                forward[c] += Double(2 * blocks) * each
                backward[c] += Double((2 + (training.recompute == .full ? 2 : 0)) * blocks) * each
            }
            // The activation to the next chunk (and its gradient back): 1/t of it per tensor rank.
            if c + 1 < C {
                let bytes = (planner.boundaryBytes(afterChunk: c, layout: layout, model: model) * Int64(b) + Int64(tp) - 1)
                    / Int64(tp)
                let from = layout.gpu(replica: 0, stage: p, rank: 0)
                let to = layout.gpu(replica: 0, stage: layout.stage(ofChunk: c + 1), rank: 0)
                if from != to, let a = scenario.topology.device(ofGPU: from), let z = scenario.topology.device(ofGPU: to),
                   let path = planner.topo.pathFigures(from: a, to: z), path.bandwidth > 0 {
                    send[c] = path.latency + Double(bytes) / path.bandwidth
                }
            }
        }
        if training.inference { backward = backward.map { _ in 0 } }
        var stageWork = Array(repeating: 0.0, count: P)
        var stageBackward = Array(repeating: 0.0, count: P)
        for c in 0..<C {
            stageWork[layout.stage(ofChunk: c)] += forward[c] + backward[c]
            stageBackward[layout.stage(ofChunk: c)] += backward[c]
        }
        let heaviest = stageWork.max() ?? 0
        let fill = send.reduce(0, +) * (training.inference ? 1 : 2)
        let pipeline: Double
        if P == 1 {
            pipeline = Double(m) * heaviest
        } else if par.schedule == .interleaved {
            // Megatron-LM: bubble (p − 1)/v of one micro-batch's stage time.
            let v = Double(layout.virtual)
            let steady: Double = (0..<(P - 1)).map { 2 * send[$0] }.max() ?? 0
            let periods: Double = Double(m) * (heaviest + steady / v)
            let bubble: Double = Double(P - 1) * heaviest / v
            pipeline = periods + bubble + fill
        } else {
            // 1F1B / GPipe with unequal stages: fill and drain through every stage, then m − 1 periods of the
            // slowest stage, whose period includes the round trip to its neighbour (docs/cost-model.md §13).
            var period = 0.0
            for p in 0..<P { period = max(period, stageWork[p] + (p + 1 < P ? 2 * send[p] : 0)) }
            pipeline = stageWork.reduce(0, +) + fill + Double(m - 1) * period
        }

        // Data-parallel sync per stage after its last backward (later stages finish earlier in the drain).
        var end = pipeline
        var slowestSync = 0.0
        var gatherAhead = 0.0
        if layout.data > 1 && !training.inference {
            let D = Double(layout.data)
            var drained = 0.0
            for p in 0..<P {
                let ring = dataRing(layout.dataGroup(stage: p, rank: 0))
                let full = Double(layout.parameters(stage: p, model: model) * q)
                let trainable = Double(layout.parameters(stage: p, model: model, frozen: training.frozenLayers) * q)
                // Ring closed forms: all-reduce 2(D−1)/D·S/B + 2(D−1)α; reduce-scatter + all-gather the same.
                let pass = { (bytes: Double) in ring.bandwidth > 0 ? (D - 1) / D * bytes / ring.bandwidth
                    + (D - 1) * ring.latency : 0 }
                let sync = training.zero == 3 ? pass(trainable) : 2 * pass(trainable)
                if training.zero == 3 { gatherAhead = max(gatherAhead, 2 * pass(full)) }
                slowestSync = max(slowestSync, sync)
                end = max(end, pipeline - drained + sync)
                drained += stageBackward[p] / Double(layout.virtual) + (p + 1 < P ? send[p] : 0)
            }
            if !hybrid {
                end = ddpIteration(model: model, training: training, group: layout.dataGroup(stage: 0, rank: 0))
            }
        }
        estimate.pipelineTime = pipeline
        estimate.syncTime = slowestSync + gatherAhead
        estimate.iterationTime = end + gatherAhead
        return estimate
    }

    /// Plain data parallelism (the DDP generator): with `overlap`, each 25 MiB gradient bucket's ring all-reduce
    /// starts once its layers' backward is done and the previous bucket's sync has finished.
    private mutating func ddpIteration(model: ModelDescription, training: TrainingDescription, group: [Int]) -> Double {
        let costs = planner.computeCosts(model: model, training: training)
        let ring = dataRing(group)
        let n = Double(group.count)
        let q = Int64(model.dtype.bytes)
        func allReduce(_ bytes: Int64) -> Double {
            ring.bandwidth > 0 && bytes > 0 ? 2 * (n - 1) / n * Double(bytes) / ring.bandwidth + 2 * (n - 1) * ring.latency : 0
        }
        var compute = costs.forward.reduce(0, +)
        var synced = 0.0
        var total: Int64 = 0
        for bucket in planner.buckets(model: model, frozen: training.frozenLayers) {
            compute += bucket.reduce(0.0) { $0 + costs.backward[$1] }
            let bytes = bucket.reduce(Int64(0)) { $0 + ($1 < training.frozenLayers ? 0 : model.layers[$1].parameters * q) }
            total += bytes
            if training.overlap && bytes > 0 { synced = max(compute, synced) + allReduce(bytes) }
        }
        return training.overlap ? max(compute, synced) : compute + allReduce(total)
    }

    /// The layout with its chunk split memoised by chunk count (the split depends only on the count).
    private mutating func parallelLayout(_ par: Parallelism, model: ModelDescription) -> ParallelLayout {
        let count = par.pipeline * par.virtualStages
        if par.split == nil, let known = chunkSizes[count] {
            return ParallelLayout(parallelism: par, jobGPUs: planner.scenario.gpus, chunks: known)
        }
        let layout = ParallelLayout(parallelism: par, jobGPUs: planner.scenario.gpus, model: model)
        if par.split == nil { chunkSizes[count] = layout.chunks }
        return layout
    }

    private mutating func tensorLoad(_ group: [Int]) -> TensorParallelPricing.GroupLoad {
        if let known = tensorLoads[group] { return known }
        let load = TensorParallelPricing.GroupLoad(gpus: group, planner: planner)
        tensorLoads[group] = load
        return load
    }

    private mutating func dataRing(_ group: [Int]) -> (bandwidth: Double, latency: Double) {
        if let known = dataRings[group] { return known }
        let devices = group.compactMap { planner.topology.device(ofGPU: $0) }
        let figures = planner.topo.ringFigures(rings: planner.topo.rings(for: group).rings, participants: devices)
        dataRings[group] = figures
        return figures
    }
}

extension ParallelLayout {
    /// A layout with a known chunk split (the layout search reuses one split for many candidates).
    init(parallelism p: Parallelism, jobGPUs: [Int], chunks: [Range<Int>]) {
        data = p.data
        tensor = p.tensor
        pipeline = p.pipeline
        virtual = p.virtualStages
        gpus = Array(jobGPUs.prefix(p.data * p.tensor * p.pipeline))
        self.chunks = chunks
    }
}
