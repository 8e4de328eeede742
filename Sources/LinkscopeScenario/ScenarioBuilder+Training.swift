import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// The training keys beyond data parallelism: transformer models, global batch, pipeline schedules,
/// memory (optimizer, recompute, ZeRO) and per-GPU speed.
extension ScenarioBuilder {
    static let transformerKeys = ["layers", "hidden", "heads", "seq_len", "vocab", "ffn_hidden", "kv_heads", "mlp",
                                  "bias", "tied_embeddings", "learned_positions"]

    func buildTransformer(_ node: DocNode, path: String) throws(ScenarioError) -> TransformerConfig {
        let f = try reader.mapping(node, path, allowed: Self.transformerKeys)
        func required(_ key: String, _ range: ClosedRange<Int>) throws(ScenarioError) -> Int {
            try reader.int(try f.required(key), f.path(key), in: range)
        }
        let layers = try required("layers", 1...100_000)
        let hidden = try required("hidden", 1...1 << 20)
        let heads = try required("heads", 1...1 << 16)
        let seq = try required("seq_len", 1...1 << 24)
        let vocab = try required("vocab", 1...1 << 24)
        guard hidden % heads == 0 else {
            throw reader.error(f["heads"] ?? node, f.path("heads"),
                               "hidden (\(hidden)) must be a multiple of heads (\(heads))")
        }
        let ffn = try f.int("ffn_hidden", default: 4 * hidden, in: 1...1 << 22)
        let kv = try f.int("kv_heads", default: heads, in: 1...heads)
        guard heads % kv == 0 else {
            throw reader.error(f["kv_heads"] ?? node, f.path("kv_heads"),
                               "heads (\(heads)) must be a multiple of kv_heads (\(kv))")
        }
        let mlp = try f.choice("mlp", "MLP kind", default: TransformerConfig.MLP.gelu)
        let bias = try f.bool("bias", default: mlp == .gelu)
        let config = TransformerConfig(
            layers: layers, hidden: hidden, heads: heads, seqLen: seq, vocab: vocab, ffnHidden: ffn, kvHeads: kv,
            mlp: mlp, bias: bias, learnedPositions: try f.bool("learned_positions", default: bias),
            tiedEmbeddings: try f.bool("tied_embeddings", default: bias))
        guard config.parameters <= Int64(1) << 50 else {
            throw reader.error(node, path, "the model has more than 2^50 parameters")
        }
        return config
    }

    /// Samples per data-parallel replica: `batch_per_gpu`, or `global_batch` ÷ data replicas.
    func replicaBatch(_ f: Fields, gpus: [Int]) throws(ScenarioError) -> Int {
        guard let g = f["global_batch"] else { return try f.int("batch_per_gpu", default: 64, in: 1...1_000_000) }
        if let e = f.entry("batch_per_gpu") {
            throw reader.error(e.keyLocation, f.path("batch_per_gpu"),
                               "give either 'global_batch' or 'batch_per_gpu', not both")
        }
        let global = try reader.int(g, f.path("global_batch"), in: 1...1_000_000_000)
        let replicas = try dataReplicas(f["parallelism"], path: f.path("parallelism"), gpus: gpus)
        guard global % replicas == 0, global / replicas <= 1_000_000 else {
            throw reader.error(g, f.path("global_batch"), global % replicas == 0
                ? "global_batch \(global) gives more than 1,000,000 samples per replica"
                : "global_batch \(global) does not divide over \(replicas) data-parallel replicas")
        }
        return global / replicas
    }

    /// Data-parallel replicas as `buildParallelism` will find them (1 where that will report an error).
    private func dataReplicas(_ node: DocNode?, path: String, gpus: [Int]) throws(ScenarioError) -> Int {
        let n = gpus.count
        guard let node else { return n }
        let f = try reader.mapping(node, path, allowed: Self.parallelismKeys)
        if let d = f["data"] { return try reader.int(d, f.path("data"), in: 1...max(n, 1)) }
        let mp = try f.int("tensor", default: 1, in: 1...n) * f.int("pipeline", default: 1, in: 1...n)
        return n % mp == 0 ? n / mp : 1
    }

    func readPipelineKeys(_ f: Fields, into p: inout Parallelism) throws(ScenarioError) {
        p.sequence = try f.bool("sequence", default: false)
        let defaultV = p.schedule == .interleaved ? 2 : 1
        p.virtualStages = try f.int("virtual_stages", default: defaultV, in: 1...1024)
        if p.virtualStages > 1 && p.schedule != .interleaved, let n = f["virtual_stages"] {
            throw reader.error(n, f.path("virtual_stages"), "virtual_stages > 1 needs schedule: interleaved")
        }
        if p.schedule == .interleaved {
            guard p.pipeline > 1, p.microBatches % p.pipeline == 0 else {
                throw reader.error(f["micro_batches"] ?? f["schedule"] ?? f.node, f.path("micro_batches"),
                                   "the interleaved schedule needs pipeline > 1 and micro_batches (\(p.microBatches)) "
                                   + "a multiple of pipeline (\(p.pipeline))")
            }
        }
        if p.schedule == .vanilla { p.microBatches = 1 }
        if let s = f["split"] {
            var split: [Int] = []
            for (i, item) in try reader.list(s, f.path("split")).enumerated() {
                split.append(try reader.int(item, "\(f.path("split"))[\(i)]", in: 0...1_000_000))
            }
            let chunks = p.pipeline * p.virtualStages
            guard split.count == chunks else {
                throw reader.error(s, f.path("split"), "split has \(split.count) entries, but pipeline × virtual_stages "
                    + "= \(chunks) model chunks")
            }
            p.split = split
        }
    }

    /// Model-parallel settings the model must support.
    func checkModelParallel(_ p: Parallelism, f: Fields, model: ModelDescription) throws(ScenarioError) {
        guard let pf = f["parallelism"], let fields = try? reader.mapping(pf, f.path("parallelism"),
                                                                         allowed: Self.parallelismKeys)
        else { return }
        if p.tensor > 1, model.transformer == nil {
            throw reader.error(fields["tensor"] ?? pf, fields.path("tensor"), "tensor parallelism splits transformer "
                + "layers (Megatron); use a transformer model (model.transformer or a preset such as gpt2)")
        }
        if let t = model.transformer, p.tensor > 1, t.heads % p.tensor != 0 {
            throw reader.error(fields["tensor"] ?? pf, fields.path("tensor"),
                               "tensor (\(p.tensor)) must divide the attention heads (\(t.heads))")
        }
        let chunks = p.pipeline * p.virtualStages
        if let split = p.split {
            let total = split.reduce(0, +)
            guard total == model.layers.count else {
                throw reader.error(fields["split"] ?? pf, fields.path("split"), "split covers \(total) layers, but the "
                    + "model has \(model.layers.count) (" + model.layers.prefix(4).map(\.name).joined(separator: ", ")
                    + (model.layers.count > 4 ? ", …)" : ")"))
            }
        } else if chunks > model.layers.count {
            throw reader.error(fields["pipeline"] ?? pf, fields.path("pipeline"), "pipeline × virtual_stages = "
                + "\(chunks) model chunks, but the model has only \(model.layers.count) layers")
        }
    }

    func readMemoryKeys(_ f: Fields, into t: inout TrainingDescription, gpus: [Int]) throws(ScenarioError) {
        t.optimizer = try f.choice("optimizer", "optimizer", default: Optimizer.momentum)
        t.recompute = try f.choice("recompute", "recompute policy", default: Recompute.none)
        t.zero = try f.int("zero", default: 0, in: 0...3)
        if let n = f["data_loading"] {
            let d = try reader.mapping(n, f.path("data_loading"), allowed: ["bandwidth", "sample_bytes"])
            t.dataLoading = DataLoading(bandwidth: try reader.bandwidth(try d.required("bandwidth"), d.path("bandwidth")),
                                        sampleBytes: try reader.bytes(try d.required("sample_bytes"),
                                                                      d.path("sample_bytes")))
        }
        if let n = f["learning_rate"] {
            let l = try reader.mapping(n, f.path("learning_rate"), allowed: ["base", "base_batch", "rule", "warmup"])
            t.learningRate = LearningRateRule(
                base: try reader.double(try l.required("base"), l.path("base"), in: 0...1e6, lowerExclusive: true),
                baseBatch: try reader.int(try l.required("base_batch"), l.path("base_batch"), in: 1...1_000_000_000),
                rule: try l.choice("rule", "learning-rate rule", default: LearningRateRule.Rule.linear),
                warmup: try l.int("warmup", default: 0, in: 0...10_000_000))
        }
        guard let node = f["gpu_speed"] else { return }
        guard let entries = node.entries else {
            throw reader.error(node, f.path("gpu_speed"), "expected a mapping of GPU number to speed factor, "
                + "such as {3: 0.5}, found \(node.foundDescription)")
        }
        for e in entries where !e.value.isNull {
            let keyPath = f.path("gpu_speed") + "." + e.key
            guard let g = Int(e.key), gpus.contains(g) else {
                throw reader.error(e.keyLocation, keyPath, "'\(e.key)' is not one of the job's GPUs")
            }
            t.gpuSpeed[g] = try reader.double(e.value, keyPath, in: 0...100, lowerExclusive: true)
        }
    }

    /// `elastic: {keep: local-batch|global-batch [local-batch], resizes: [{at, gpus}]}`: data parallel only.
    func readElastic(_ f: Fields, into t: inout TrainingDescription, topology: Topology) throws(ScenarioError) {
        guard let node = f["elastic"] else { return }
        let e = try reader.mapping(node, f.path("elastic"), allowed: ["keep", "resizes"])
        let p = t.parallelism
        if p.tensor > 1 || p.pipeline > 1 || t.zero > 0 {
            throw reader.error(node, f.path("elastic"), "elastic resizes apply to data-parallel jobs (tensor 1, "
                + "pipeline 1, zero 0)")
        }
        var keepGlobal = false
        if let k = e["keep"] {
            let text = try reader.string(k, e.path("keep"))
            guard text == "local-batch" || text == "global-batch" else {
                throw reader.error(k, e.path("keep"), "unknown batch policy '\(text)'; expected one of local-batch, "
                    + "global-batch")
            }
            keepGlobal = text == "global-batch"
        }
        var resizes: [ElasticPlan.Resize] = []
        let all = Array(0..<topology.gpus.count)
        for (i, item) in try reader.list(try e.required("resizes"), e.path("resizes")).enumerated() {
            let path = "\(e.path("resizes"))[\(i)]"
            let r = try reader.mapping(item, path, allowed: ["at", "gpus"])
            let atNode = try r.required("at")
            let at = try reader.int(atNode, r.path("at"), in: 1...max(1, t.iterations - 1))
            if let last = resizes.last, at <= last.at {
                throw reader.error(atNode, r.path("at"), "resizes must be in increasing iteration order "
                    + "(\(at) after \(last.at))")
            }
            let gpus = try gpuSet(try r.required("gpus"), r.path("gpus"), from: all, topology: topology,
                                  setName: "the cluster")
            if keepGlobal && t.globalBatch % gpus.count != 0 {
                throw reader.error(try r.required("gpus"), r.path("gpus"), "the global batch \(t.globalBatch) does not "
                    + "divide over \(gpus.count) GPUs (keep: global-batch)")
            }
            resizes.append(ElasticPlan.Resize(at: at, gpus: gpus))
        }
        t.elastic = ElasticPlan(keepGlobalBatch: keepGlobal, resizes: resizes)
    }

    /// `jobs: [{name, gpus *required*, model *required*, training *required*}]`: training jobs sharing the
    /// fabric (and, where their GPU sets overlap, the GPUs).
    func buildJobs(_ node: DocNode, path: String, topology: Topology) throws(ScenarioError) -> [JobDescription] {
        var jobs: [JobDescription] = []
        let all = Array(0..<topology.gpuCount)
        for (i, item) in try reader.list(node, path).enumerated() {
            let f = try reader.mapping(item, "\(path)[\(i)]", allowed: ["name", "gpus", "model", "training"])
            let gpus = try gpuSet(try f.required("gpus"), f.path("gpus"), from: all, topology: topology,
                                  setName: "the topology")
            let model = try buildModel(try f.required("model"), path: f.path("model"))
            let training = try buildTraining(try f.required("training"), path: f.path("training"), gpus: gpus,
                                             topology: topology, model: model)
            if training.elastic != nil, let t = f["training"] {
                throw reader.error(t, f.path("training.elastic"), "elastic resizes are not supported inside 'jobs'")
            }
            jobs.append(JobDescription(name: try f.string("name") ?? "job\(i)", gpus: gpus, model: model,
                                       training: training))
        }
        return jobs
    }
}
