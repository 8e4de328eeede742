/// nccl-tests bandwidth conventions (docs/cost-model.md §9).
extension CostFormulas {
    /// `algbw = S/t` in bytes/s (`S` per the nccl-tests size convention; 0 when t ≤ 0).
    public static func algorithmBandwidth(bytes s: Double, seconds t: Double) -> Double {
        t > 0 ? s / t : 0
    }

    /// `busbw = algbw × factor(op, n)` in bytes/s, comparable with link speed (not for in-network reduction).
    public static func busBandwidth(op: CollectiveOp, ranks n: Int, bytes s: Double, seconds t: Double) -> Double {
        algorithmBandwidth(bytes: s, seconds: t) * op.busBandwidthFactor(ranks: n)
    }
}
