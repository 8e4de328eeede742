import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeScenario
import LinkscopeSchedule
import LinkscopeTopology

/// What the data × tensor × pipeline generator decided, for the report.
struct ParallelInfo {
    var layout: ParallelLayout
    /// Samples in each micro-batch of one replica.
    var microSizes: [Int]
    /// Tensor-parallel collectives priced analytically instead of as flows (see TensorParallelPricing).
    var analyticTensor: Bool
    /// Tensor-parallel all-reduces (or reduce-scatter + all-gather pairs) per iteration, all replicas.
    var tensorCollectivesPerIteration: Int
    /// Per-GPU busy seconds of compute of one iteration on the first replica's first tensor rank, per stage.
    var stageForward: [Double]
    var stageBackward: [Double]
    /// The last stage's forward of the first micro-batch (serving latency).
    var firstOutput: TaskID? = nil
}

/// Per-step figures computed once per job: FLOPs per sample and tensor rank of each chunk in each
/// direction, transformer blocks per chunk, seconds per FLOP of each GPU number.
struct StepCosts {
    var forwardFLOPs: [Double]
    var backwardFLOPs: [Double]
    var blocks: [Int]
    var secondsPerFLOP: [Double]
}

extension JobBuilder {
    /// Seconds per FLOP on GPU `gpu`: peak for the dtype × efficiency × its `gpu_speed` factor.
    func secondsPerFLOP(gpu: Int, model: ModelDescription, training: TrainingDescription) -> Double {
        let spec = topology.gpuSpec
        let peak = model.dtype == .fp32 ? spec.fp32.flopsPerSecond : spec.fp16.flopsPerSecond
        let rate = peak * (scenario.options.computeEfficiency ?? spec.efficiency) * (training.gpuSpeed[gpu] ?? 1)
        return 1 / rate
    }

    /// Extra backward work per sample of layer `l` from recomputation: full repeats the forward;
    /// selective repeats the attention core (QKᵀ and ·V, 4·s²·h), Korthikanti et al. 2022.
    static func recomputeFLOPs(layer l: Int, model: ModelDescription, recompute: Recompute) -> Double {
        switch recompute {
        case .none: return 0
        case .full: return model.layers[l].forwardFLOPs
        case .selective:
            guard let t = model.transformer, l > 0, l < model.layers.count - 1 else { return 0 }
            return 4 * Double(t.seqLen) * Double(t.seqLen) * Double(t.hidden)
        }
    }

    /// The hybrid training job: every replica's pipeline with per-stage forward and backward steps per
    /// micro-batch in the schedule's order, activations and their gradients sent point to point between
    /// stage GPUs, Megatron tensor-parallel collectives inside each step, then the data-parallel gradient
    /// sync per (stage, tensor rank) group (ZeRO 1-2: reduce-scatter + all-gather; 3: parameters
    /// gathered before forward and before backward).
    mutating func parallelTrainingJob() throws(SimulationError) -> (Job, ParallelInfo)? {
        guard let training = scenario.training, let model = scenario.model else { return nil }
        let par = training.parallelism
        let layout = ParallelLayout(parallelism: par, jobGPUs: scenario.gpus, model: model)
        let (P, T, D) = (layout.pipeline, layout.tensor, layout.data)
        let C = layout.chunks.count
        let m = par.microBatches
        let microSizes = (0..<m).map { training.batchPerGPU / m + ($0 < training.batchPerGPU % m ? 1 : 0) }
        let q = Int64(model.dtype.bytes)
        let tp = model.transformer != nil ? T : 1
        let blocksPerChunk = layout.chunks.map { r in r.filter { layout.isTransformerBlock($0, model) }.count }
        // Tensor collectives per layer per micro-batch: 2 forward, 2 backward (+2 recomputed forward).
        let tpPerBlock = 4 + (training.recompute == .full ? 2 : 0)
        let tpCount = T > 1 ? blocksPerChunk.reduce(0, +) * tpPerBlock * m * D : 0
        let analytic = TensorParallelPricing.useAnalytic(collectivesPerIteration: tpCount, mode: tensorPricing)

        var job = Job(label: "training")
        job.iterations = training.iterations
        var info = ParallelInfo(layout: layout, microSizes: microSizes, analyticTensor: analytic,
                                tensorCollectivesPerIteration: tpCount, stageForward: Array(repeating: 0, count: P),
                                stageBackward: Array(repeating: 0, count: P))
        let tpDivisor = Double(tp)
        let costs = StepCosts(
            forwardFLOPs: layout.chunks.map { r in r.reduce(0.0) { $0 + model.layers[$1].forwardFLOPs } / tpDivisor },
            backwardFLOPs: layout.chunks.map { r in
                r.reduce(0.0) { acc, l in
                    l < training.frozenLayers ? acc : acc + 2 * model.layers[l].forwardFLOPs
                        + JobBuilder.recomputeFLOPs(layer: l, model: model, recompute: training.recompute)
                } / tpDivisor
            },
            blocks: blocksPerChunk,
            secondsPerFLOP: (0..<topology.gpus.count).map { secondsPerFLOP(gpu: $0, model: model, training: training) })
        let groups = (0..<D).map { d in (0..<P).map { layout.tensorGroup(replica: d, stage: $0) } }
        // Serving runs the forwards only, in the schedule's order.
        let orders = (0..<P).map { PipelineOrder.ops(schedule: par.schedule, stage: $0, stages: P, micro: m,
                                                      virtual: layout.virtual)
                .filter { !training.inference || $0.direction == .forward } }
        // Last task on each device (by GPU number), carried across iterations.
        let gpuCount = topology.gpus.count
        var last: [[TaskID]] = Array(repeating: [], count: gpuCount)
        var tensorPricing: [TensorParallelPricing.GroupLoad?] = Array(repeating: nil, count: D * P)
        var deviceOf = Array(repeating: Int32(-1), count: gpuCount)
        for g in layout.gpus { deviceOf[g] = Int32(try devices([g])[0]) }
        // Tensor groups whose ranks run identically: analytic collectives and equally fast GPUs.
        let mirrored = groups.map { replica in
            replica.map { group in
                analytic && self.tensorPricing.representativeRank && group.count > 1
                    && group.allSatisfy { costs.secondsPerFLOP[$0] == costs.secondsPerFLOP[group[0]] }
            }
        }
        let opsPerIteration = orders.reduce(0) { $0 + $1.count } * D * T
        job.schedule.reserveCapacity(tasks: opsPerIteration * 3 * training.iterations,
                                     dependencies: opsPerIteration * 6 * training.iterations)

        var load: TaskID? = nil
        for it in 0..<training.iterations {
            load = dataLoad(after: load, iteration: it, job: &job)
            // ZeRO-3: parameters all-gathered for forward and again for backward (both prefetched
            // before the iteration's first step; the weights are freed between uses).
            var gatherBeforeForward: [[TaskID]] = Array(repeating: [], count: gpuCount)
            if training.zero == 3 && D > 1 {
                for p in 0..<P {
                    for t in 0..<T {
                        let group = layout.dataGroup(stage: p, rank: t)
                        var ends = group.flatMap { last[$0] }
                        for use in ["forward", "backward"] {
                            ends = try dataCollective(.allgather, "iter \(it) zero-3 gather \(use) stage \(p)",
                                                      bytes: layout.parameters(stage: p, model: model) * q,
                                                      group: group, after: ends, job: &job)
                        }
                        for g in group { gatherBeforeForward[g] = ends }
                    }
                }
            }
            for d in 0..<D {
                // Outputs of each (direction, chunk, micro): per tensor rank, what the consumer waits for.
                var outputs: [[TaskID]?] = Array(repeating: nil, count: 2 * C * m)
                func slot(_ op: PipelineOp) -> Int { ((op.direction == .forward ? 0 : 1) * C + op.chunk) * m + op.micro }
                var cursor = Array(repeating: 0, count: P)
                var remaining = orders.reduce(0) { $0 + $1.count }
                while remaining > 0 {
                    var progressed = false
                    for p in 0..<P {
                        while cursor[p] < orders[p].count {
                            let op = orders[p][cursor[p]]
                            let input: PipelineOp?
                            switch op.direction {
                            case .forward:
                                input = op.chunk > 0 ? PipelineOp(direction: .forward, chunk: op.chunk - 1, micro: op.micro) : nil
                            case .backward:
                                input = op.chunk < C - 1
                                    ? PipelineOp(direction: .backward, chunk: op.chunk + 1, micro: op.micro)
                                    : PipelineOp(direction: .forward, chunk: op.chunk, micro: op.micro)
                            }
                            if let input, outputs[slot(input)] == nil { break }
                            let group = groups[d][p]
                            var inputs: [[TaskID]] = group.map { g in last[g] + gatherBeforeForward[g] }
                            for g in group { gatherBeforeForward[g] = [] }
                            if let input, let arrived = outputs[slot(input)] {
                                for t in 0..<T { inputs[t].append(arrived[t]) }
                            } else if let load, op.direction == .forward {
                                for t in 0..<T { inputs[t].append(load) }
                            }
                            let ends = try emitStep(op, iteration: it, replica: d, group: group, inputs: inputs,
                                                    layout: layout, model: model, training: training,
                                                    micro: microSizes[op.micro], analytic: analytic, mirror: mirrored[d][p],
                                                    pricing: &tensorPricing[d * P + p], costs: costs,
                                                    deviceOf: deviceOf, job: &job, info: &info)
                            let mirror = mirrored[d][p]
                            for (t, g) in group.enumerated() { last[g] = [ends[t]] }
                            // Send the activation forward or its gradient backward to the next stage's
                            // same tensor rank (Megatron scatter/gather: each rank sends 1/t of it).
                            var out = ends
                            let next = op.direction == .forward ? op.chunk + 1 : op.chunk - 1
                            if next >= 0 && next < C {
                                let sample = boundaryBytes(afterChunk: min(op.chunk, next), layout: layout, model: model)
                                let bytes = (sample * Int64(microSizes[op.micro]) + Int64(tp) - 1) / Int64(tp)
                                let to = groups[d][layout.stage(ofChunk: next)]
                                for t in 0..<T where bytes > 0 && to[t] != group[t] {
                                    out[t] = job.schedule.add(
                                        .transfer(from: deviceOf[group[t]], to: deviceOf[to[t]], bytes: bytes,
                                                  path: .automatic),
                                        tag: TaskTag(phase: .sendRecv, step: Int32(it), chunk: Int32(op.micro),
                                                     instance: Int16(truncatingIfNeeded: next)),
                                        after: [ends[t]])
                                    // Rank 0's send stands for its tensor group's (same bytes, own NIC).
                                    if mirror && t > 0 && to[0] != group[0] && mirrored[d][layout.stage(ofChunk: next)] {
                                        job.mirrors.append((out[t], out[0]))
                                    }
                                }
                            }
                            outputs[slot(op)] = out
                            if it == 0 && d == 0 && op.direction == .forward && op.chunk == C - 1 && op.micro == 0 {
                                info.firstOutput = ends[0]
                            }
                            cursor[p] += 1
                            remaining -= 1
                            progressed = true
                        }
                    }
                    guard progressed else { throw .pipelineDeadlock(schedule: par.schedule.rawValue) }
                }
            }
            // Data-parallel gradient sync per (stage, tensor rank) group once its backward is done.
            guard D > 1, !training.inference else { continue }
            for p in 0..<P {
                for t in 0..<T {
                    let group = layout.dataGroup(stage: p, rank: t)
                    let bytes = layout.parameters(stage: p, model: model, frozen: training.frozenLayers) * q
                    let after = group.flatMap { last[$0] }
                    let name = "iter \(it) sync stage \(p)" + (T > 1 ? " tp\(t)" : "")
                    var ends: [TaskID]
                    if training.zero == 0 {
                        ends = try dataCollective(.allreduce, name, bytes: bytes, group: group, after: after, job: &job)
                    } else {
                        ends = try dataCollective(.reducescatter, name + " reduce-scatter", bytes: bytes, group: group,
                                                  after: after, job: &job)
                        if training.zero < 3 {
                            ends = try dataCollective(.allgather, name + " all-gather", bytes: bytes, group: group,
                                                      after: ends, job: &job)
                        }
                    }
                    let join = job.schedule.add(.delay(seconds: 0), after: ends)
                    for g in group { last[g] = [join] }
                }
            }
        }
        return (job, info)
    }

    /// Bytes per sample crossing the boundary after chunk `c`: a transformer's s·h activation, or the
    /// chunk's last layer's activation scaled from FP32 to the dtype.
    func boundaryBytes(afterChunk c: Int, layout: ParallelLayout, model: ModelDescription) -> Int64 {
        let q = Int64(model.dtype.bytes)
        if let t = model.transformer { return t.boundaryElements * q }
        guard let l = layout.chunks[c].last else { return 0 }
        return model.layers[l].activationBytes * q / 4
    }

    /// A data-parallel collective of the training sync (ring unless `sync` says otherwise).
    mutating func dataCollective(_ op: CollectiveOp, _ name: String, bytes: Int64, group: [Int], after: [TaskID],
                                 job: inout Job) throws(SimulationError) -> [TaskID] {
        guard let training = scenario.training, bytes > 0, group.count > 1 else { return after }
        let sync = training.sync
        let algorithm: Algorithm = op != .allreduce ? .ring : (sync.scheme == .parameterServer ? .ps : sync.algorithm)
        let req = try request(op: op, algorithm: algorithm, bytes: bytes, gpus: group, rootGPU: group[0],
                              servers: sync.servers, sharding: sync.sharding, placement: sync.placement,
                              layerBytes: [bytes])
        let ends: [TaskID]
        do {
            ends = try CollectiveCompiler.compile(req, into: &job.schedule, after: after)
        } catch {
            throw .collective(name: name, message: JobBuilder.describe(error))
        }
        job.collectives.append(CollectiveMeta(name: name, op: op, algorithm: algorithm, gpus: group, bytes: bytes,
                                              request: req, concurrentGroup: nil, isTrainingSync: true))
        return ends
    }

    /// One pipeline step on every rank of a tensor group; returns each rank's last task.
    mutating func emitStep(_ op: PipelineOp, iteration it: Int, replica d: Int, group: [Int], inputs: [[TaskID]],
                           layout: ParallelLayout, model: ModelDescription, training: TrainingDescription,
                           micro b: Int, analytic: Bool, mirror: Bool = false, pricing: inout TensorParallelPricing.GroupLoad?,
                           costs: StepCosts, deviceOf: [Int32], job: inout Job, info: inout ParallelInfo)
        throws(SimulationError) -> [TaskID]
    {
        let T = group.count
        let tp = Double(model.transformer != nil ? T : 1)
        let forward = op.direction == .forward
        let stepFLOPs = (forward ? costs.forwardFLOPs : costs.backwardFLOPs)[op.chunk] * Double(b)
        let phase: Phase = forward ? .stageForward : .stageBackward
        let tag = TaskTag(phase: phase, step: Int32(it), chunk: Int32(op.micro),
                          instance: Int16(truncatingIfNeeded: op.chunk))
        /// FLOPs per sample of layer l in this direction, on one tensor rank.
        func flops(_ l: Int) -> Double {
            let f = model.layers[l].forwardFLOPs
            return (forward ? f : 2 * f + JobBuilder.recomputeFLOPs(layer: l, model: model,
                                                                   recompute: training.recompute)) / tp
        }
        let stage = layout.stage(ofChunk: op.chunk)
        if d == 0 {
            let total = stepFLOPs * costs.secondsPerFLOP[group[0]]
            if forward { info.stageForward[stage] += total } else { info.stageBackward[stage] += total }
        }
        let blockCount = costs.blocks[op.chunk]
        guard let transformer = model.transformer, T > 1, blockCount > 0 else {
            return group.enumerated().map { t, g in
                job.schedule.add(.compute(device: deviceOf[g], seconds: stepFLOPs * costs.secondsPerFLOP[g], lane: 0),
                                 tag: tag, after: inputs[t])
            }
        }
        let bytes = transformer.boundaryElements * Int64(b) * Int64(model.dtype.bytes)
        let perLayer = forward ? 2 : 2 + (training.recompute == .full ? 2 : 0)
        if analytic {
            var ends = group.enumerated().map { t, g in
                job.schedule.add(.compute(device: deviceOf[g], seconds: stepFLOPs * costs.secondsPerFLOP[g], lane: 0),
                                 tag: tag, after: inputs[t])
            }
            if mirror { for t in 1..<T { job.mirrors.append((ends[t], ends[0])) } }
            var load = pricing ?? TensorParallelPricing.GroupLoad(gpus: group, planner: self)
            let join = load.charge(collectives: perLayer * blockCount, bytes: bytes,
                                   sequenceParallel: training.parallelism.sequence, after: ends, job: &job)
            pricing = load
            ends = Array(repeating: join, count: T)
            return ends
        }
        // Flows: each block runs attention then MLP, each followed by its all-reduce (f/g operators);
        // backward (after a recomputed forward under full recompute) runs them in reverse.
        var frontier = inputs
        let secondsPerSampleFLOP = group.map { Double(b) * secondsPerFLOP(gpu: $0, model: model, training: training) }
        /// `work` FLOPs per sample on every rank.
        func compute(_ work: Double, _ job: inout Job) {
            for (t, g) in group.enumerated() {
                frontier[t] = [job.schedule.add(.compute(device: deviceOf[g], seconds: work * secondsPerSampleFLOP[t],
                                                         lane: 0), tag: tag, after: frontier[t])]
            }
        }
        let layers = Array(layout.chunks[op.chunk])
        let ordered = forward ? layers : layers.reversed()
        for l in ordered {
            guard layout.isTransformerBlock(l, model) else {
                compute(flops(l), &job)
                continue
            }
            let attention = transformer.attentionForwardFLOPs / transformer.blockForwardFLOPs
            let parts: [Double] = forward ? [attention, 1 - attention] : [1 - attention, attention]
            if !forward && training.recompute == .full {
                for share in [attention, 1 - attention] {
                    compute(model.layers[l].forwardFLOPs / tp * share, &job)
                    try tensorCollective(bytes: bytes, group: group, layer: l, iteration: it, frontier: &frontier,
                                         sequenceParallel: training.parallelism.sequence, job: &job)
                }
            }
            for share in parts {
                let work = forward ? model.layers[l].forwardFLOPs / tp
                    : (2 * model.layers[l].forwardFLOPs
                       + (training.recompute == .selective ? JobBuilder.recomputeFLOPs(layer: l, model: model,
                                                                                     recompute: .selective) : 0)) / tp
                compute(work * share, &job)
                try tensorCollective(bytes: bytes, group: group, layer: l, iteration: it, frontier: &frontier,
                                     sequenceParallel: training.parallelism.sequence, job: &job)
            }
        }
        return frontier.map { $0.last! }
    }

    /// One Megatron tensor-parallel all-reduce of `bytes` as flows (reduce-scatter + all-gather with
    /// sequence parallelism), after every rank's frontier; every rank continues after it.
    mutating func tensorCollective(bytes: Int64, group: [Int], layer: Int, iteration: Int, frontier: inout [[TaskID]],
                                   sequenceParallel: Bool, job: inout Job) throws(SimulationError) {
        let ops: [CollectiveOp] = sequenceParallel ? [.reducescatter, .allgather] : [.allreduce]
        var after = frontier.flatMap { $0 }
        for op in ops {
            let req = try request(op: op, algorithm: .ring, bytes: bytes, gpus: group, rootGPU: group[0], servers: 1,
                                  sharding: .balanced, placement: .gpus, layerBytes: [])
            let name = "iter \(iteration) tp \(op.rawValue) layer \(layer)"
            do {
                after = try CollectiveCompiler.compile(req, into: &job.schedule, after: after)
            } catch {
                throw .collective(name: name, message: JobBuilder.describe(error))
            }
            job.collectives.append(CollectiveMeta(name: name, op: op, algorithm: .ring, gpus: group, bytes: bytes,
                                                  request: req, concurrentGroup: nil, isTrainingSync: true))
        }
        let join = job.schedule.add(.delay(seconds: 0), after: after)
        frontier = Array(repeating: [join], count: group.count)
    }
}
