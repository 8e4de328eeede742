import Foundation

/// How a payload splits between PCIe and NVLink so both finish together (docs/cost-model.md §11, [Derived]).
public struct HybridSplit: Sendable, Equatable {
    /// Bytes sent over PCIe (clamped to `[0, D]`).
    public var pcieBytes: Double
    /// Bytes sent over NVLink.
    public var nvlinkBytes: Double
    /// Finish time of the slower path (s).
    public var seconds: Double
    /// Time with NVLink alone (s).
    public var nvlinkOnlySeconds: Double

    /// `pcieBytes / D` (0 for an empty payload).
    public var pcieShare: Double { pcieBytes + nvlinkBytes > 0 ? pcieBytes / (pcieBytes + nvlinkBytes) : 0 }
    /// NVLink-alone time over hybrid time.
    public var speedup: Double { seconds > 0 ? nvlinkOnlySeconds / seconds : 1 }

    /// Equalises the finish times of the two paths (§11):
    /// `x = [D·B_p + B_p·B_n·(α_n − α_p)]/(B_p + B_n)`, clamped to `[0, D]`, `T = α_p + x/B_p`.
    /// Without overheads this is `D·B_p/(B_p + B_n)` and speed-up `(B_n + B_p)/B_n`.
    /// - Parameters:
    ///   - bytes: payload D.
    ///   - nvlinkBandwidth, pcieBandwidth: B_n, B_p in bytes/s.
    ///   - nvlinkLatency, pcieLatency: α_n, α_p in seconds.
    public init(bytes d: Double, nvlinkBandwidth bn: Double, pcieBandwidth bp: Double,
                nvlinkLatency an: Double = 0, pcieLatency ap: Double = 0) {
        let raw = bp + bn > 0 ? (d * bp + bp * bn * (an - ap)) / (bp + bn) : 0
        let x = min(max(raw, 0), d)
        pcieBytes = x
        nvlinkBytes = d - x
        let tp = x > 0 ? ap + x / bp : 0
        let tn = d - x > 0 ? an + (d - x) / bn : 0
        seconds = max(tp, tn)
        nvlinkOnlySeconds = d > 0 ? an + d / bn : 0
    }
}

extension CostFormulas {
    /// Hybrid PCIe + NVLink all-reduce ([Derived] from §11 and §6): two concurrent rings, the PCIe ring carrying
    /// `x` bytes; the §11 split applied to the ring's per-byte cost `2(N−1)/N` and per-ring latency `2(N−1)α`.
    public static func hybridAllReduce(ranks n: Int, bytes m: Double, nvlinkBandwidth bn: Double,
                                       nvlinkLatency an: Double, pcieBandwidth bp: Double,
                                       pcieLatency ap: Double) -> (split: HybridSplit, seconds: Double) {
        guard n > 1 else { return (HybridSplit(bytes: 0, nvlinkBandwidth: bn, pcieBandwidth: bp), 0) }
        let f = 2 * Double(n - 1) / Double(n), steps = 2 * Double(n - 1)
        // Scale the payload to "bytes on the busiest link" and the latencies to per-ring totals.
        let s = HybridSplit(bytes: f * m, nvlinkBandwidth: bn, pcieBandwidth: bp,
                            nvlinkLatency: steps * an, pcieLatency: steps * ap)
        let x = s.pcieBytes / f
        let split = HybridSplit(bytes: m, nvlinkBandwidth: bn, pcieBandwidth: bp)
        var out = split
        out.pcieBytes = x
        out.nvlinkBytes = m - x
        out.seconds = s.seconds
        out.nvlinkOnlySeconds = s.nvlinkOnlySeconds
        return (out, s.seconds)
    }
}
