import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// `model:` and `training:` → `ModelDescription`, `TrainingDescription` (parallelism, gradient sync); the
/// finer training keys (transformer, memory, elastic, jobs) are in ScenarioBuilder+Training.swift.
extension ScenarioBuilder {
    // MARK: Model

    func buildModel(_ node: DocNode, path: String) throws(ScenarioError) -> ModelDescription {
        let f = try reader.mapping(node, path, allowed: Self.modelKeys)
        let dtype = try f.choice("dtype", "dtype", default: DType.fp32)
        let given = ["preset", "layers", "transformer"].filter { f.has($0) }
        if given.count > 1, let e = f.entry(given[1]) {
            throw reader.error(e.keyLocation, path, "give one of 'preset', 'layers' or 'transformer', not "
                + given.map { "'\($0)'" }.joined(separator: " and "))
        }
        if let t = f["transformer"] {
            let config = try buildTransformer(t, path: f.path("transformer"))
            return ModelDescription(preset: nil, layers: config.layerSpecs(), dtype: dtype, transformer: config)
        }
        if let presetNode = f["preset"] {
            let name = try reader.string(presetNode, f.path("preset"))
            guard let layers = ModelCatalog.layers(name) else {
                throw reader.error(presetNode, f.path("preset"),
                                   Suggest.unknownValue(name, what: "model preset", allowed: ModelCatalog.names))
            }
            return ModelDescription(preset: name, layers: layers, dtype: dtype,
                                    transformer: TransformerConfig.preset(name))
        }
        guard let layersNode = f["layers"] else {
            throw reader.error(node, path, "the model needs a 'preset' (one of "
                + ModelCatalog.names.joined(separator: ", ") + ") or 'layers'")
        }
        var layers: [LayerSpec] = []
        var total: Int64 = 0
        for (i, item) in try reader.list(layersNode, f.path("layers")).enumerated() {
            let l = try reader.mapping(item, "\(f.path("layers"))[\(i)]", allowed: Self.layerKeys)
            let name = try l.string("name") ?? "layer\(i)"
            let params = try reader.int(try l.required("params"), l.path("params"), in: 0...Int(1) << 50)
            total += Int64(params)
            guard total <= Int64(1) << 50 else {
                throw reader.error(item, l.path, "the model has more than 2^50 parameters")
            }
            let forward = try l["forward"].map { (n: DocNode) throws(ScenarioError) -> Double in
                try reader.flops(n, l.path("forward"))
            } ?? 0
            let backward = try l["backward"].map { (n: DocNode) throws(ScenarioError) -> Double in
                try reader.flops(n, l.path("backward"))
            }
            let activations = try l["activations"].map { (n: DocNode) throws(ScenarioError) -> Bytes in
                try reader.bytes(n, l.path("activations"), allowZero: true)
            } ?? .zero
            layers.append(LayerSpec(name: name, parameters: Int64(params), forwardFLOPs: forward,
                                    activationBytes: activations.count, backwardFLOPs: backward))
        }
        return ModelDescription(preset: nil, layers: layers, dtype: dtype)
    }

    // MARK: Training

    func buildTraining(_ node: DocNode, path: String, gpus: [Int], topology: Topology,
                       model: ModelDescription) throws(ScenarioError) -> TrainingDescription {
        let f = try reader.mapping(node, path, allowed: Self.trainingKeys)
        let batch = try replicaBatch(f, gpus: gpus)
        let iterations = try f.int("iterations", default: 3, in: 1...100_000)
        let overlap = try f.bool("overlap", default: true)
        let parallelism = try buildParallelism(f["parallelism"], path: f.path("parallelism"), gpus: gpus,
                                               batch: batch, training: f)
        try checkModelParallel(parallelism, f: f, model: model)
        let sync = try buildSync(f["sync"], path: f.path("sync"), training: f,
                                 dataGPUs: Array(gpus.prefix(parallelism.data)), topology: topology)
        var training = TrainingDescription(batchPerGPU: batch, iterations: iterations, parallelism: parallelism,
                                           sync: sync, overlap: overlap)
        try readMemoryKeys(f, into: &training, gpus: gpus)
        try readElastic(f, into: &training, topology: topology)
        training.frozenLayers = try f.int("frozen_layers", default: 0, in: 0...model.layers.count)
        training.inference = try f.bool("inference", default: false)
        return training
    }

    func buildParallelism(_ node: DocNode?, path: String, gpus: [Int], batch: Int,
                          training: Fields) throws(ScenarioError) -> Parallelism {
        guard let node else { return Parallelism(data: gpus.count) }
        let f = try reader.mapping(node, path, allowed: Self.parallelismKeys)
        let n = gpus.count
        let tensor = try f.int("tensor", default: 1, in: 1...n)
        let pipeline = try f.int("pipeline", default: 1, in: 1...n)
        let modelParallel = tensor * pipeline
        let data: Int
        if let d = f["data"] {
            data = try reader.int(d, f.path("data"), in: 1...n)
            guard data * modelParallel == n else {
                throw reader.error(d, f.path("data"), "data × tensor × pipeline = \(data) × \(tensor) × \(pipeline) "
                    + "= \(data * modelParallel), but the job has \(n) GPU\(n == 1 ? "" : "s")")
            }
        } else {
            guard n % modelParallel == 0 else {
                let key = f["pipeline"] != nil ? "pipeline" : "tensor"
                throw reader.error(f[key] ?? node, f.path(key), "tensor × pipeline = \(modelParallel) does not divide "
                    + "the job's \(n) GPUs")
            }
            data = n / modelParallel
        }
        let defaultMicro = pipeline > 1 ? min(4 * pipeline, batch) : 1
        let micro = try f.int("micro_batches", default: defaultMicro, in: 1...batch)
        let schedule = try f.choice("schedule", "pipeline schedule", default: Parallelism.PipelineSchedule.gpipe)
        var result = Parallelism(data: data, tensor: tensor, pipeline: pipeline, microBatches: micro,
                                 schedule: schedule)
        try readPipelineKeys(f, into: &result)
        return result
    }

    func buildSync(_ node: DocNode?, path: String, training: Fields, dataGPUs: [Int],
                   topology: Topology) throws(ScenarioError) -> SyncDescription {
        guard let node else { return SyncDescription(scheme: .allreduce, algorithm: .ring) }
        let f = try reader.mapping(node, path, allowed: Self.syncKeys)
        let scheme = try f.choice("scheme", "sync scheme", SyncDescription.Scheme.self)
        let algorithm = try f.choice("algorithm", "algorithm", Algorithm.self)
        let resolvedScheme: SyncDescription.Scheme
        let resolvedAlgorithm: Algorithm
        switch (scheme, algorithm) {
        case (nil, nil): (resolvedScheme, resolvedAlgorithm) = (.allreduce, .ring)
        case (nil, .ps?), (.parameterServer?, nil), (.parameterServer?, .ps?):
            (resolvedScheme, resolvedAlgorithm) = (.parameterServer, .ps)
        case (nil, let a?), (.allreduce?, let a?):
            if a == .ps {
                throw reader.error(f["algorithm"] ?? node, f.path("algorithm"), "algorithm 'ps' is the "
                    + "parameter-server scheme; write scheme: parameter-server or leave 'scheme' out")
            }
            (resolvedScheme, resolvedAlgorithm) = (.allreduce, a)
        case (.allreduce?, nil): (resolvedScheme, resolvedAlgorithm) = (.allreduce, .ring)
        case (.parameterServer?, let a?):
            throw reader.error(f["algorithm"] ?? node, f.path("algorithm"), "the parameter-server scheme has no "
                + "algorithm choice ('\(a.rawValue)'); write algorithm: ps or leave 'algorithm' out")
        }
        if resolvedAlgorithm == .hierarchical {
            try requireSeveralNodes(dataGPUs, topology: topology, at: f["algorithm"] ?? node, f.path("algorithm"))
        }
        let placement = try f.choice("placement", "server placement", default: ServerPlacement.gpus)
        let servers = try serverCount(f, gpus: dataGPUs, placement: placement, topology: topology,
                                      what: "data-parallel GPU")
        let sharding = try f.choice("sharding", "sharding policy", default: ShardingPolicy.balanced)
        return SyncDescription(scheme: resolvedScheme, algorithm: resolvedAlgorithm, servers: servers,
                               sharding: sharding, placement: placement)
    }
}
