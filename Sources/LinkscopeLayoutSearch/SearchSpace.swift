import LinkscopeCostModel
import LinkscopeScenario

/// Why a scenario cannot be searched: a message and the scenario field it is about (for file:line:col).
public struct LayoutSearchError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// The field path (`training`, `model`, `jobs`), as `ScenarioLocator` takes it.
    public var path: String
    public init(_ message: String, at path: String) {
        self.message = message
        self.path = path
    }
    public var description: String { "\(message) (at \(path))" }
}

/// The layouts the search enumerates, and the rules that make one valid (docs/plan.md):
/// - d × t × p = the job's GPUs; the global batch divides over d replicas, each replica's batch into m
///   micro-batches of b samples (b up to `maxMicroBatchSize`);
/// - tensor groups (consecutive GPUs) inside one node, t dividing the attention heads (and key/value heads);
///   tensor parallelism only for transformers;
/// - transformer blocks divide over p·v model chunks (Megatron-LM's rule); other models: p·v ≤ layers;
/// - interleaved (v ≥ 2 chunks per GPU, up to `maxVirtualStages`): m a multiple of p;
/// - recompute none/selective/full (selective only for transformers); ZeRO 0–3 with d > 1, else 0 (both
///   restricted to `recomputes` and `zeroStages`);
/// - plain data parallelism (t = p = 1, ZeRO 0) runs DDP on the whole replica batch (m = 1).
public struct SearchSpace: Sendable, Equatable {
    /// Largest micro-batch size tried.
    public var maxMicroBatchSize: Int
    /// Most model chunks per GPU tried with the interleaved schedule.
    public var maxVirtualStages: Int
    /// ZeRO stages tried (when d > 1; d = 1 always uses 0).
    public var zeroStages: [Int]
    /// Recomputation modes tried (selective only for transformers).
    public var recomputes: [Recompute]
    public init(maxMicroBatchSize: Int = 16, maxVirtualStages: Int = 8, zeroStages: [Int] = [0, 1, 2, 3],
                recomputes: [Recompute] = Recompute.allCases) {
        self.maxMicroBatchSize = maxMicroBatchSize
        self.maxVirtualStages = maxVirtualStages
        self.zeroStages = zeroStages
        self.recomputes = recomputes
    }

    /// Checks that `scenario` describes one training job the search can vary.
    public static func validate(_ scenario: Scenario) throws(LayoutSearchError) -> (ModelDescription, TrainingDescription) {
        guard let model = scenario.model else {
            throw LayoutSearchError("plan needs a model to place: add `model:`", at: "model")
        }
        guard let training = scenario.training else {
            throw LayoutSearchError("plan needs the training job: add `training:` with `global_batch`", at: "training")
        }
        guard scenario.jobs.isEmpty else {
            throw LayoutSearchError("plan searches one training job; `jobs:` is not supported", at: "jobs")
        }
        guard !training.inference else {
            throw LayoutSearchError("plan searches training layouts; remove `inference: true`", at: "training.inference")
        }
        guard training.elastic == nil else {
            throw LayoutSearchError("plan searches a fixed GPU set; remove `elastic`", at: "training.elastic")
        }
        guard model.layers.count > 0, model.layers.contains(where: { $0.forwardFLOPs > 0 }) else {
            throw LayoutSearchError("the model has no compute to place", at: "model")
        }
        return (model, training)
    }

    /// Every valid layout of `scenario`'s model on its GPUs, in a fixed order (tensor, pipeline, schedule,
    /// micro-batch size, recompute, ZeRO).
    public func candidates(for scenario: Scenario) throws(LayoutSearchError) -> [LayoutCandidate] {
        let (model, training) = try Self.validate(scenario)
        let n = scenario.gpus.count
        let batch = training.globalBatch
        let transformer = model.transformer
        let blocks = transformer?.layers ?? model.layers.count
        var out: [LayoutCandidate] = []
        for t in divisors(n) where tensorFits(t, scenario: scenario, transformer: transformer) {
            for p in divisors(n / t) where p <= blocks && (transformer == nil || blocks % p == 0) {
                let d = n / (t * p)
                guard batch % d == 0 else { continue }
                let replicaBatch = batch / d
                var schedules: [(Parallelism.PipelineSchedule, Int)] = [(.oneFOneB, 1)]
                if p > 1 {
                    for v in 2...max(2, maxVirtualStages) where v <= maxVirtualStages {
                        let chunks = p * v
                        if transformer != nil ? blocks % chunks == 0 : chunks <= model.layers.count {
                            schedules.append((.interleaved, v))
                        }
                    }
                }
                let recomputes = Recompute.allCases.filter {
                    self.recomputes.contains($0) && (transformer != nil || $0 != .selective)
                }
                let zeros = d > 1 ? (0...3).filter { zeroStages.contains($0) } : [0]
                for (schedule, v) in schedules {
                    for b in divisors(replicaBatch) {
                        let m = replicaBatch / b
                        if schedule == .interleaved && m % p != 0 { continue }
                        for r in recomputes {
                            for z in zeros {
                                // Plain data parallelism is DDP over the whole replica batch (one pass).
                                let ddp = t == 1 && p == 1 && z == 0
                                if ddp ? b != replicaBatch : b > maxMicroBatchSize { continue }
                                out.append(LayoutCandidate(data: d, tensor: t, pipeline: p, virtualStages: v,
                                                           schedule: schedule, microBatchSize: b, microBatches: m,
                                                           recompute: r, zero: z))
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Tensor groups of t consecutive job GPUs, each inside one node; t divides the heads.
    private func tensorFits(_ t: Int, scenario: Scenario, transformer: TransformerConfig?) -> Bool {
        guard t > 1 else { return true }
        guard let transformer, transformer.heads % t == 0, transformer.kvHeads % t == 0 else { return false }
        let nodes = scenario.gpus.map { scenario.topology.node(ofGPU: $0) }
        return stride(from: 0, to: nodes.count, by: t).allSatisfy { start in
            nodes[start..<(start + t)].allSatisfy { $0 == nodes[start] }
        }
    }

    private func divisors(_ n: Int) -> [Int] { n < 1 ? [] : (1...n).filter { n % $0 == 0 } }
}
