import Foundation

/// All-reduce closed forms (docs/cost-model.md §5, §6, §8, §10). `M` = buffer bytes per rank.
extension CostFormulas {
    /// Ring all-reduce (§6): `2(N−1)α + 2(N−1)/N·M/B + (N−1)/N·M·γ`.
    public static func ringAllReduce(ranks n: Int, bytes m: Double, bandwidth b: Double, latency a: Double,
                                     gamma g: Double = 0) -> Double {
        guard n > 1 else { return 0 }
        let f = Double(n - 1) / Double(n)
        return 2 * Double(n - 1) * a + 2 * f * m / b + f * m * g
    }

    /// Binomial-tree all-reduce = binomial reduce + binomial broadcast (§7), unpipelined:
    /// `2⌈lg N⌉(α + M/B) + ⌈lg N⌉·M·γ`.
    public static func treeAllReduce(ranks n: Int, bytes m: Double, bandwidth b: Double, latency a: Double,
                                     gamma g: Double = 0) -> Double {
        let l = Double(ceilLog2(n))
        return 2 * l * (a + m / b) + l * m * g
    }

    /// Pipelined tree all-reduce with `C = ⌈M/chunk⌉` chunks over a tree of depth `d` on dedicated links
    /// ([Derived]): reduce and broadcast each fill `d` hops, then stream:
    /// `(2d + C − 1)(α + c/B) + (d + C − 1)·c·γ` with `c = M/C` (γ paid on the way up only).
    public static func pipelinedTreeAllReduce(depth d: Int, bytes m: Double, chunkBytes: Double,
                                              bandwidth b: Double, latency a: Double, gamma g: Double = 0) -> Double {
        guard d > 0, m > 0 else { return 0 }
        let chunks = max(1, (m / max(chunkBytes, 1)).rounded(.up))
        let c = m / chunks
        return (2 * Double(d) + chunks - 1) * (a + c / b) + (Double(d) + chunks - 1) * c * g
    }

    /// Double binary tree all-reduce (§8, [Ext-R]): two complementary pipelined trees carrying `M/2` each;
    /// `2⌈lg N⌉α + 2(N−1)/N·M/B + (N−1)/N·M·γ` (bandwidth term ≈ ring's, latency logarithmic).
    public static func doubleBinaryTreeAllReduce(ranks n: Int, bytes m: Double, bandwidth b: Double,
                                                 latency a: Double, gamma g: Double = 0) -> Double {
        guard n > 1 else { return 0 }
        let f = Double(n - 1) / Double(n)
        return 2 * Double(ceilLog2(n)) * a + 2 * f * m / b + f * m * g
    }

    /// Rabenseifner halving-doubling all-reduce (§8): `2 lg p·α + 2(p−1)/p·M/B + (p−1)/p·M·γ`.
    /// Non-power-of-two p ([Derived], MPICH fold): p' = 2^⌊lg p⌋ ranks run the algorithm, the extra r = p − p'
    /// ranks first send their whole buffer to a partner and get the result back: `+ 2(α + M/B) + M·γ`.
    public static func halvingDoublingAllReduce(ranks n: Int, bytes m: Double, bandwidth b: Double,
                                                latency a: Double, gamma g: Double = 0) -> Double {
        guard n > 1 else { return 0 }
        let p = powerOfTwoFloor(n)
        let f = Double(p - 1) / Double(p)
        var t = 2 * Double(floorLog2(p)) * a + 2 * f * m / b + f * m * g
        if p != n { t += 2 * (a + m / b) + m * g }
        return t
    }

    /// Recursive-doubling all-reduce (§8): `lg p·(α + M/B + M·γ)`; non-power-of-two adds the fold
    /// `2(α + M/B) + M·γ` ([Derived]).
    public static func recursiveDoublingAllReduce(ranks n: Int, bytes m: Double, bandwidth b: Double,
                                                  latency a: Double, gamma g: Double = 0) -> Double {
        guard n > 1 else { return 0 }
        let p = powerOfTwoFloor(n)
        var t = Double(floorLog2(p)) * (a + m / b + m * g)
        if p != n { t += 2 * (a + m / b) + m * g }
        return t
    }

    /// Direct all-reduce (ASTRA-sim `direct`, §8): RS-direct + AG-direct through a port reaching all peers at
    /// aggregate B: `2α + 2(p−1)/p·M/B + (p−1)/p·M·γ`.
    public static func directAllReduce(ranks n: Int, bytes m: Double, bandwidth b: Double, latency a: Double,
                                       gamma g: Double = 0) -> Double {
        guard n > 1 else { return 0 }
        let f = Double(n - 1) / Double(n)
        return 2 * a + 2 * f * m / b + f * m * g
    }

    /// Naive all-to-all all-reduce (§5): every worker sends its full M to each peer through its port:
    /// `α + (N−1)M/B + (N−1)M·γ`.
    public static func naiveAllReduce(ranks n: Int, bytes m: Double, bandwidth b: Double, latency a: Double,
                                      gamma g: Double = 0) -> Double {
        guard n > 1 else { return 0 }
        return a + Double(n - 1) * m / b + Double(n - 1) * m * g
    }

    /// Reduce to root + broadcast (§5), unpipelined, root link bound: `2α + 2(N−1)M/B_root + (N−1)M·γ`.
    public static func reduceBroadcastAllReduce(ranks n: Int, bytes m: Double, bandwidth b: Double,
                                                latency a: Double, gamma g: Double = 0) -> Double {
        guard n > 1 else { return 0 }
        return 2 * a + 2 * Double(n - 1) * m / b + Double(n - 1) * m * g
    }

    /// Hierarchical / 2-D all-reduce (§8): RS on tier 1 → AR of M/p1 on tier 2 → AG on tier 1:
    /// `2(p1−1)α1 + 2(p1−1)/p1·M/B1 + 2(p2−1)α2 + 2(p2−1)/p2·(M/p1)/B2`.
    public static func hierarchicalAllReduce(bytes m: Double, tiers t: HierarchyTiers) -> Double {
        let p1 = Double(max(t.localRanks, 1)), p2 = Double(max(t.groups, 1))
        return 2 * (p1 - 1) * t.localLatency + 2 * (p1 - 1) / p1 * m / t.localBandwidth
            + 2 * (p2 - 1) * t.remoteLatency + 2 * (p2 - 1) / p2 * (m / p1) / t.remoteBandwidth
    }

    /// Spanning-tree packing all-reduce (§10): `T ≈ D/R_ar + 2·depth_max·(α + chunk/r_min)`.
    /// - Parameters:
    ///   - rate: the packing's all-reduce rate R_ar (bytes/s).
    ///   - minTreeRate: r_min, the slowest tree's rate; defaults to `rate`.
    public static func spanningTreesAllReduce(bytes d: Double, rate: Double, depth: Int, latency a: Double,
                                              chunkBytes: Double = 0, minTreeRate: Double? = nil) -> Double {
        let rMin = minTreeRate ?? rate
        return d / rate + 2 * Double(depth) * (a + chunkBytes / rMin)
    }

    /// Lower bound for any point-to-point all-reduce (§8): `2(p−1)/p·M/B`.
    public static func allReduceLowerBound(ranks n: Int, bytes m: Double, bandwidth b: Double) -> Double {
        guard n > 1 else { return 0 }
        return 2 * Double(n - 1) / Double(n) * m / b
    }
}
