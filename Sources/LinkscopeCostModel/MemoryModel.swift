/// `training.optimizer`: state kept per parameter.
public enum Optimizer: String, Sendable, CaseIterable {
    case sgd, momentum, adam
    /// FP32 optimizer state per parameter: none, one momentum, Adam's two moments.
    public var stateBytesPerParameter: Int64 {
        switch self {
        case .sgd: return 0
        case .momentum: return 4
        case .adam: return 8
        }
    }
}

/// `training.recompute`: which activations are dropped in forward and rebuilt in backward.
public enum Recompute: String, Sendable, CaseIterable {
    case none, selective, full
}

/// Bytes one GPU holds at its peak (docs/cost-model.md §12), by part.
public struct MemoryBreakdown: Sendable, Equatable {
    /// Parameters in the training dtype (sharded under ZeRO stage 3).
    public var weights: Int64
    /// Gradients in the training dtype (sharded under ZeRO stage 2 and up).
    public var gradients: Int64
    /// Optimizer state, with FP32 master weights under mixed precision.
    public var optimizer: Int64
    /// Activations kept for backward at the peak (after recomputation).
    public var activations: Int64
    /// A breakdown; parts default to 0.
    public init(weights: Int64 = 0, gradients: Int64 = 0, optimizer: Int64 = 0, activations: Int64 = 0) {
        self.weights = weights
        self.gradients = gradients
        self.optimizer = optimizer
        self.activations = activations
    }
    /// Sum of the parts: the peak bytes on the GPU.
    public var total: Int64 { weights + gradients + optimizer + activations }
}

/// The memory model: model states with ZeRO (Rajbhandari et al. 2020) and transformer activations per
/// Korthikanti et al. 2022 ("Reducing Activation Recomputation in Large Transformer Models").
public enum MemoryModel {
    /// Weights, gradients and optimizer state of `parameters` parameters held by one GPU.
    /// Mixed precision (dtype fp16/bf16/int8) keeps an FP32 master copy (4 B/param) with the optimizer
    /// state; ZeRO stage 1 shards the optimizer state over the `data` replicas, stage 2 also the
    /// gradients, stage 3 also the weights.
    public static func states(parameters p: Int64, dtype: DType, optimizer: Optimizer, zero: Int,
                              data d: Int) -> MemoryBreakdown {
        let q = Int64(dtype.bytes)
        let master: Int64 = dtype == .fp32 ? 0 : 4
        let dd = Int64(max(d, 1))
        func shard(_ bytes: Int64, from stage: Int) -> Int64 { zero >= stage ? (bytes + dd - 1) / dd : bytes }
        return MemoryBreakdown(weights: shard(p * q, from: 3), gradients: shard(p * q, from: 2),
                               optimizer: shard(p * (optimizer.stateBytesPerParameter + master), from: 1))
    }

    /// Activation bytes one transformer block keeps for one micro-batch of `b` sequences (16-bit
    /// activations), Korthikanti et al. 2022 Table 2: `s·b·h·(10 + 24/t + 5·a·s/(h·t))` with tensor
    /// parallelism t, `s·b·h·(34 + 5·a·s/h)/t` with sequence parallelism; selective recompute drops the
    /// `5·a·s/h` attention term; full recompute keeps only the block input, `2·s·b·h` (÷t with sequence
    /// parallelism).
    public static func blockActivations(_ m: TransformerConfig, microBatch b: Int, tensor t: Int,
                                        sequenceParallel: Bool, recompute: Recompute) -> Int64 {
        let sbh = Double(m.seqLen) * Double(b) * Double(m.hidden)
        let td = Double(max(t, 1))
        let attention = 5 * Double(m.heads) * Double(m.seqLen) / Double(m.hidden)
        let bytes: Double
        switch (recompute, sequenceParallel) {
        case (.full, false): bytes = 2 * sbh
        case (.full, true): bytes = 2 * sbh / td
        case (.selective, false): bytes = sbh * (10 + 24 / td)
        case (.selective, true): bytes = sbh * 34 / td
        case (.none, false): bytes = sbh * (10 + 24 / td + attention / td)
        case (.none, true): bytes = sbh * (34 + attention) / td
        }
        return Int64(bytes.rounded())
    }

    /// The output layer's FP32 logits for one micro-batch, `4·s·b·V/t` (Korthikanti et al. 2022 §4.3).
    public static func logitsActivations(_ m: TransformerConfig, microBatch b: Int, tensor t: Int) -> Int64 {
        4 * Int64(m.seqLen) * Int64(b) * Int64(m.vocab) / Int64(max(t, 1))
    }

    /// Micro-batches whose activations a stage holds at its peak: GPipe all `m`; 1F1B `min(m, K − k)` on
    /// stage k (Narayanan et al. 2021); interleaved counts model chunks in flight (Megatron's warm-up plus
    /// one), returned in units of whole-stage micro-batches (÷ v); vanilla one (the whole batch).
    public static func microBatchesInFlight(schedule: String, stages kk: Int, stage k: Int, microBatches m: Int,
                                            virtualStages v: Int) -> Double {
        switch schedule {
        case "gpipe": return Double(m)
        case "1f1b": return Double(min(m, kk - k))
        case "interleaved":
            let chunks = min(m * v, (kk - k - 1) * 2 + (v - 1) * kk + 1)
            return Double(chunks) / Double(v)
        default: return 1
        }
    }
}
