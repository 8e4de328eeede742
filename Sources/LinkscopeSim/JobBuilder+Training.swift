import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeScenario
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits

/// Per-GPU compute times of one training step, from layer FLOPs and the GPU's achieved rate.
struct ComputeCosts {
    var forward: [Double]
    var backward: [Double]
    var forwardTotal: Double { forward.reduce(0, +) }
    var backwardTotal: Double { backward.reduce(0, +) }
}

extension JobBuilder {
    /// DDP's default gradient bucket (bucket_cap_mb = 25).
    static let bucketCap: Int64 = 25 * 1_048_576

    func computeCosts(model: ModelDescription, training: TrainingDescription) -> ComputeCosts {
        let spec = topology.gpuSpec
        let peak = model.dtype == .fp32 ? spec.fp32.flopsPerSecond : spec.fp16.flopsPerSecond
        let rate = peak * (scenario.options.computeEfficiency ?? spec.efficiency)
        let batch = Double(training.batchPerGPU)
        let forward = model.layers.map { $0.forwardFLOPs * batch / rate }
        // Backward ≈ 2 × forward (gradients w.r.t. inputs and weights), cost model §12, unless the layer gives
        // its own (a calibrated machine measures it), plus what recomputation repeats. A frozen prefix needs no
        // backward at all: nothing before it takes gradients (cost model §16).
        let backward = model.layers.indices.map { l in
            l < training.frozenLayers ? 0
                : (model.layers[l].backwardFLOPs.map { $0 * batch / rate } ?? 2 * forward[l])
                    + JobBuilder.recomputeFLOPs(layer: l, model: model, recompute: training.recompute) * batch / rate
        }
        return ComputeCosts(forward: forward, backward: backward)
    }

    /// Gradient buckets in backward order: each a range of layer indices (highest first) holding
    /// at least `bucketCap` bytes, the last one whatever remains.
    func buckets(model: ModelDescription, frozen: Int = 0) -> [[Int]] {
        var out: [[Int]] = []
        var current: [Int] = []
        var bytes: Int64 = 0
        let q = Int64(model.dtype.bytes)
        for l in model.layers.indices.reversed() {
            current.append(l)
            bytes += l < frozen ? 0 : model.layers[l].parameters * q
            if bytes >= JobBuilder.bucketCap {
                out.append(current)
                current = []
                bytes = 0
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The training job: `iterations` data-parallel steps of forward, backward and gradient sync.
    /// With `overlap`, each bucket's sync starts when every GPU has finished that bucket's backward.
    mutating func trainingJob() throws(SimulationError) -> (Job, ComputeCosts)? {
        guard let training = scenario.training, let model = scenario.model else { return nil }
        let gpus = Array(scenario.gpus.prefix(max(1, min(training.parallelism.data, scenario.gpus.count))))
        let devs = try devices(gpus)
        let costs = computeCosts(model: model, training: training)
        let q = Int64(model.dtype.bytes)
        let layerBytes = model.layers.indices.map { $0 < training.frozenLayers ? 0 : model.layers[$0].parameters * q }
        let sync = training.sync
        let algorithm: Algorithm = sync.scheme == .parameterServer ? .ps : sync.algorithm
        let bucketList = training.overlap ? buckets(model: model, frozen: training.frozenLayers)
            : [Array(model.layers.indices.reversed())]

        var job = Job(label: "training")
        job.iterations = training.iterations
        var previous: [TaskID] = []
        var load: TaskID? = nil
        for it in 0..<training.iterations {
            load = dataLoad(after: load, iteration: it, job: &job)
            // Forward then backward, per GPU on its compute lane.
            var backwardDone: [[TaskID]] = Array(repeating: [], count: model.layers.count)
            for (rank, d) in devs.enumerated() {
                var last: [TaskID] = previous + (load.map { [$0] } ?? [])
                let slowdown = 1 / (training.gpuSpeed[gpus[rank]] ?? 1)
                for (l, t) in costs.forward.enumerated() {
                    let id = job.schedule.add(.compute(device: Int32(d), seconds: t * slowdown, lane: 0),
                                              tag: TaskTag(phase: .forward, step: Int32(it), chunk: Int32(l),
                                                           instance: Int16(clamping: rank)), after: last)
                    last = [id]
                }
                for l in model.layers.indices.reversed() {
                    let id = job.schedule.add(.compute(device: Int32(d), seconds: costs.backward[l] * slowdown, lane: 0),
                                              tag: TaskTag(phase: .backward, step: Int32(it), chunk: Int32(l),
                                                           instance: Int16(clamping: rank)), after: last)
                    backwardDone[l].append(id)
                    last = [id]
                }
            }
            var syncEnds: [TaskID] = []
            for (b, layers) in bucketList.enumerated() {
                let bytes = layers.reduce(Int64(0)) { $0 + layerBytes[$1] }
                guard bytes > 0, gpus.count > 1 else { continue }
                let ready = layers.flatMap { backwardDone[$0] }
                let req = try request(op: .allreduce, algorithm: algorithm, bytes: bytes, gpus: gpus,
                                      rootGPU: gpus[0], servers: sync.servers, sharding: sync.sharding,
                                      placement: sync.placement, layerBytes: layers.map { layerBytes[$0] })
                let name = "iter \(it) sync" + (bucketList.count > 1 ? " bucket \(b)" : "")
                do {
                    syncEnds += try CollectiveCompiler.compile(req, into: &job.schedule, after: ready)
                } catch {
                    throw .collective(name: name, message: JobBuilder.describe(error))
                }
                job.collectives.append(CollectiveMeta(name: name, op: .allreduce, algorithm: algorithm, gpus: gpus,
                                                      bytes: bytes, request: req, concurrentGroup: nil,
                                                      isTrainingSync: true))
            }
            let allBackward = backwardDone.flatMap { $0 }
            previous = syncEnds.isEmpty ? allBackward : syncEnds
        }
        return (job, costs)
    }
}
