import Foundation

/// Parameter-server sync (docs/cost-model.md §3, §4).
extension CostFormulas {
    /// Single PS, push then pull through the server NIC (§3): `2α + 2·N·M/B_ps`.
    public static func singleParameterServer(workers n: Int, bytes m: Double, serverBandwidth bps: Double,
                                             latency a: Double = 0) -> Double {
        2 * a + 2 * Double(n) * m / bps
    }

    /// Sharded PS (§4): `2α + max(2·N·max_j M_j/B_ps, 2·M/B_w)`.
    public static func shardedParameterServer(workers n: Int, bytes m: Double, largestShard mj: Double,
                                              serverBandwidth bps: Double, workerBandwidth bw: Double,
                                              latency a: Double = 0) -> Double {
        2 * a + max(2 * Double(n) * mj / bps, 2 * m / bw)
    }

    /// PS:worker ratio sweep (§4): node budget `total`, k servers, w = total − k workers,
    /// `T_iter(k) = T_comp + 2·w·M/(k·B)`; returns `(k, T_iter, throughput = w·b/T_iter)` for k = 1…total−1.
    public static func serverRatioSweep(nodes total: Int, bytes m: Double, bandwidth b: Double,
                                        computeSeconds: Double, batchPerWorker: Double)
        -> [(servers: Int, iterationSeconds: Double, samplesPerSecond: Double)]
    {
        guard total > 1 else { return [] }
        return (1..<total).map { k in
            let w = Double(total - k)
            let t = computeSeconds + 2 * w * m / (Double(k) * b)
            return (k, t, t > 0 ? w * batchPerWorker / t : 0)
        }
    }
}
