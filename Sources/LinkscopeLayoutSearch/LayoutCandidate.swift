import LinkscopeCostModel
import LinkscopeScenario

/// One training layout the search considers: data × tensor × pipeline (with the schedule and model chunks
/// per stage), the micro-batch size and count, activation recomputation and the ZeRO stage.
public struct LayoutCandidate: Sendable, Hashable {
    public var data: Int
    public var tensor: Int
    public var pipeline: Int
    /// Model chunks per pipeline GPU: 1, or ≥ 2 with the interleaved schedule.
    public var virtualStages: Int
    /// `1f1b` or `interleaved` with a pipeline; `1f1b` (gradient accumulation) without one.
    public var schedule: Parallelism.PipelineSchedule
    /// Samples per micro-batch (b).
    public var microBatchSize: Int
    /// Micro-batches per replica and iteration (m = global batch ÷ data ÷ b).
    public var microBatches: Int
    public var recompute: Recompute
    /// ZeRO stage 0…3.
    public var zero: Int

    public init(data: Int, tensor: Int, pipeline: Int, virtualStages: Int = 1,
                schedule: Parallelism.PipelineSchedule = .oneFOneB, microBatchSize: Int, microBatches: Int,
                recompute: Recompute, zero: Int) {
        self.data = data
        self.tensor = tensor
        self.pipeline = pipeline
        self.virtualStages = virtualStages
        self.schedule = schedule
        self.microBatchSize = microBatchSize
        self.microBatches = microBatches
        self.recompute = recompute
        self.zero = zero
    }

    /// The layout a scenario's training keys describe (micro-batch size rounded up when uneven).
    public init(_ training: TrainingDescription) {
        let p = training.parallelism
        let m = max(p.microBatches, 1)
        self.init(data: p.data, tensor: p.tensor, pipeline: p.pipeline, virtualStages: p.virtualStages,
                  schedule: p.pipeline > 1 ? p.schedule : .oneFOneB, microBatchSize: (training.batchPerGPU + m - 1) / m, microBatches: m,
                  recompute: training.recompute, zero: training.zero)
    }

    /// The scenario as written, for one iteration of its training only (its own layout, for comparison).
    public static func ownScenario(_ base: Scenario) -> Scenario {
        var s = base
        s.training?.iterations = 1
        s.collectives = []
        s.sweep = []
        s.jobs = []
        return s
    }

    /// GPUs the layout uses.
    public var gpus: Int { data * tensor * pipeline }

    /// `1f1b`, `interleaved ×2`, or `-` without a pipeline.
    public var scheduleLabel: String {
        pipeline == 1 ? "-" : schedule == .interleaved ? "interleaved ×\(virtualStages)" : schedule.rawValue
    }

    /// One line: `data 8 × tensor 8 × pipeline 16, 1f1b, micro-batch 1 × 192, recompute full, ZeRO 1`.
    public var summary: String {
        "data \(data) × tensor \(tensor) × pipeline \(pipeline)"
            + (pipeline > 1 ? ", \(scheduleLabel)" : "")
            + ", micro-batch \(microBatchSize) × \(microBatches), recompute \(recompute.rawValue), ZeRO \(zero)"
    }

    /// The scenario's training keys with this layout in place of its own: one iteration (they are all
    /// alike), the global batch kept, the split balanced, sequence parallelism kept where tensor > 1.
    public func training(from base: TrainingDescription) -> TrainingDescription {
        var t = base
        t.batchPerGPU = base.globalBatch / data
        t.iterations = 1
        t.recompute = recompute
        t.zero = zero
        t.elastic = nil
        t.parallelism = Parallelism(data: data, tensor: tensor, pipeline: pipeline, microBatches: microBatches,
                                    schedule: pipeline > 1 ? schedule : .oneFOneB, virtualStages: virtualStages,
                                    sequence: base.parallelism.sequence && tensor > 1, split: nil)
        return t
    }

    /// The scenario to simulate for this layout: its training replaced, standalone collectives, sweeps and
    /// other jobs left out (the search compares training iterations only).
    public func scenario(from base: Scenario) -> Scenario {
        var s = base
        if let t = base.training { s.training = training(from: t) }
        s.collectives = []
        s.sweep = []
        s.jobs = []
        return s
    }
}
