/// Pipeline-parallel schedules (docs/cost-model.md §13): iteration time and idle (bubble) fraction.
public struct PipelineEstimate: Sendable, Equatable {
    /// Iteration time in the unit of the stage times given.
    public var iterationTime: Double
    /// Busy time per device.
    public var busyPerDevice: Double
    /// Fraction of the iteration a device idles: `1 − busy/T`.
    public var idleFraction: Double { iterationTime > 0 ? 1 - busyPerDevice / iterationTime : 0 }
}

extension CostFormulas {
    /// Vanilla layer split (§13): one stage busy at a time, the whole mini-batch (m micro-batches) per stage:
    /// `T = K·m·(t_f + t_b)`, idle `(K−1)/K`.
    public static func vanillaPipeline(stages k: Int, microBatches m: Int, forward tf: Double,
                                       backward tb: Double) -> PipelineEstimate {
        let busy = Double(m) * (tf + tb)
        return PipelineEstimate(iterationTime: Double(k) * busy, busyPerDevice: busy)
    }

    /// GPipe (§13, Huang et al. 2019): `T = (m + K − 1)(t_f + t_b)`, bubble `(K−1)/(m + K − 1)`.
    public static func gpipe(stages k: Int, microBatches m: Int, forward tf: Double, backward tb: Double)
        -> PipelineEstimate
    {
        PipelineEstimate(iterationTime: Double(m + k - 1) * (tf + tb), busyPerDevice: Double(m) * (tf + tb))
    }

    /// 1F1B (§13, Narayanan SC'21): same iteration time as GPipe, `bubble/ideal = (p−1)/m`; interleaved with
    /// v chunks per device: `(p−1)/(v·m)`.
    public static func oneFOneB(stages p: Int, microBatches m: Int, forward tf: Double, backward tb: Double,
                                chunksPerDevice v: Int = 1) -> PipelineEstimate {
        let ideal = Double(m) * (tf + tb)
        let bubble = ideal * Double(p - 1) / (Double(max(v, 1)) * Double(m))
        return PipelineEstimate(iterationTime: ideal + bubble, busyPerDevice: ideal)
    }

    /// Bubble as a fraction of the step, `(K−1)/(m + K − 1)` (GPipe / 1F1B, v = 1).
    public static func bubbleFraction(stages k: Int, microBatches m: Int) -> Double {
        Double(k - 1) / Double(m + k - 1)
    }

    /// Unequal stages (§13, [Derived]): `T ≈ (m−1)·max_k(t_f,k + t_b,k) + Σ_k(t_f,k + t_b,k)`.
    public static func unequalPipeline(microBatches m: Int, stageTimes: [(forward: Double, backward: Double)]) -> Double {
        let per = stageTimes.map { $0.forward + $0.backward }
        return Double(m - 1) * (per.max() ?? 0) + per.reduce(0, +)
    }
}
