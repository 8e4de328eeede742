import Foundation

/// Rooted and personalised collectives (docs/cost-model.md §7, §8). `n` follows the nccl-tests size convention.
extension CostFormulas {
    /// Number of pipeline chunks for `bytes` in pieces of ≤ `chunkBytes` (1 when no chunking).
    public static func chunkCount(bytes m: Double, chunkBytes: Double?) -> Double {
        guard let c = chunkBytes, c > 0, m > 0 else { return 1 }
        return max(1, (m / c).rounded(.up))
    }

    /// Chain (ring) broadcast, pipelined in C chunks (§7): `(N−2+C)(α + (M/C)/B)`; C = 1 gives `(N−1)(α + M/B)`.
    public static func chainBroadcast(ranks n: Int, bytes m: Double, bandwidth b: Double, latency a: Double,
                                      chunkBytes: Double? = nil) -> Double {
        guard n > 1 else { return 0 }
        let c = chunkCount(bytes: m, chunkBytes: chunkBytes)
        return (Double(n - 2) + c) * (a + m / c / b)
    }

    /// Binomial-tree broadcast (§7, §8): `⌈lg N⌉(α + M/B)`; pipelined in C chunks: `(⌈lg N⌉ − 1 + C)(α + (M/C)/B)`
    /// on dedicated links ([Derived]).
    public static func treeBroadcast(ranks n: Int, bytes m: Double, bandwidth b: Double, latency a: Double,
                                     chunkBytes: Double? = nil) -> Double {
        guard n > 1 else { return 0 }
        let c = chunkCount(bytes: m, chunkBytes: chunkBytes)
        return (Double(ceilLog2(n)) - 1 + c) * (a + m / c / b)
    }

    /// Flat (direct) broadcast (§7): the root sends `(N−1)M` through its port: `α + (N−1)M/B`.
    public static func directBroadcast(ranks n: Int, bytes m: Double, bandwidth b: Double, latency a: Double) -> Double {
        guard n > 1 else { return 0 }
        return a + Double(n - 1) * m / b
    }

    /// Spanning-tree broadcast (§10): `D/R_bc + depth_max·(α + chunk/r_min)`.
    public static func spanningTreesBroadcast(bytes d: Double, rate: Double, depth: Int, latency a: Double,
                                              chunkBytes: Double = 0, minTreeRate: Double? = nil) -> Double {
        d / rate + Double(depth) * (a + chunkBytes / (minTreeRate ?? rate))
    }

    /// Chain reduce, pipelined (§7): `(N−2+C)(α + c/B + c·γ)` with `c = M/C`.
    public static func chainReduce(ranks n: Int, bytes m: Double, bandwidth b: Double, latency a: Double,
                                   gamma g: Double = 0, chunkBytes: Double? = nil) -> Double {
        guard n > 1 else { return 0 }
        let c = chunkCount(bytes: m, chunkBytes: chunkBytes)
        return (Double(n - 2) + c) * (a + m / c / b + m / c * g)
    }

    /// Binomial reduce (§7, §8): `⌈lg N⌉(α + M/B + M·γ)`.
    public static func treeReduce(ranks n: Int, bytes m: Double, bandwidth b: Double, latency a: Double,
                                  gamma g: Double = 0) -> Double {
        Double(ceilLog2(n)) * (a + m / b + m * g)
    }

    /// Flat reduce (§7): the root receives `(N−1)M`: `α + (N−1)M/B + (N−1)M·γ`.
    public static func directReduce(ranks n: Int, bytes m: Double, bandwidth b: Double, latency a: Double,
                                    gamma g: Double = 0) -> Double {
        guard n > 1 else { return 0 }
        return a + Double(n - 1) * m / b + Double(n - 1) * m * g
    }

    /// Flat gather or scatter (§7), `n` = total gathered size, piece `s = n/N`: `α + (N−1)s/B`.
    public static func directGather(ranks p: Int, bytes n: Double, bandwidth b: Double, latency a: Double) -> Double {
        guard p > 1 else { return 0 }
        return a + Double(p - 1) * (n / Double(p)) / b
    }

    /// Binomial gather or scatter (§7): `⌈lg N⌉α + (N−1)s/B`, `s = n/N`.
    public static func treeGather(ranks p: Int, bytes n: Double, bandwidth b: Double, latency a: Double) -> Double {
        guard p > 1 else { return 0 }
        return Double(ceilLog2(p)) * a + Double(p - 1) * (n / Double(p)) / b
    }

    /// Ring all-gather (§8), `n` = total gathered: `(p−1)α + (p−1)/p·n/B`.
    public static func ringAllGather(ranks p: Int, bytes n: Double, bandwidth b: Double, latency a: Double) -> Double {
        guard p > 1 else { return 0 }
        return Double(p - 1) * a + Double(p - 1) / Double(p) * n / b
    }

    /// Recursive-doubling / Bruck all-gather (§8): `⌈lg p⌉α + (p−1)/p·n/B` (equals `lg p·α + …` for powers of two).
    public static func recursiveDoublingAllGather(ranks p: Int, bytes n: Double, bandwidth b: Double,
                                                  latency a: Double) -> Double {
        guard p > 1 else { return 0 }
        return Double(ceilLog2(p)) * a + Double(p - 1) / Double(p) * n / b
    }

    /// Direct all-gather (§8 `direct`): `α + (p−1)/p·n/B`.
    public static func directAllGather(ranks p: Int, bytes n: Double, bandwidth b: Double, latency a: Double) -> Double {
        guard p > 1 else { return 0 }
        return a + Double(p - 1) / Double(p) * n / b
    }

    /// Ring (pairwise) reduce-scatter (§8), `n` = input per rank: `(p−1)α + (p−1)/p·n(1/B + γ)`.
    public static func ringReduceScatter(ranks p: Int, bytes n: Double, bandwidth b: Double, latency a: Double,
                                         gamma g: Double = 0) -> Double {
        guard p > 1 else { return 0 }
        return Double(p - 1) * a + Double(p - 1) / Double(p) * n * (1 / b + g)
    }

    /// Recursive-halving reduce-scatter (§8): `lg p·α + (p−1)/p·n(1/B + γ)`. Non-power-of-two ([Derived]):
    /// fold the extra ranks in (`α + n/B + n·γ`) and hand their pieces back (`α + (n/p)/B`).
    public static func halvingDoublingReduceScatter(ranks p: Int, bytes n: Double, bandwidth b: Double,
                                                    latency a: Double, gamma g: Double = 0) -> Double {
        guard p > 1 else { return 0 }
        let q = powerOfTwoFloor(p)
        var t = Double(floorLog2(q)) * a + Double(q - 1) / Double(q) * n * (1 / b + g)
        if q != p { t += a + n / b + n * g + a + n / Double(p) / b }
        return t
    }

    /// Direct reduce-scatter: `α + (p−1)/p·n(1/B + γ)`.
    public static func directReduceScatter(ranks p: Int, bytes n: Double, bandwidth b: Double, latency a: Double,
                                           gamma g: Double = 0) -> Double {
        guard p > 1 else { return 0 }
        return a + Double(p - 1) / Double(p) * n * (1 / b + g)
    }

    /// Direct all-to-all (§7), `n` = total sent per rank incl. its own block: `α + (p−1)/p·n/B`.
    public static func directAllToAll(ranks p: Int, bytes n: Double, bandwidth b: Double, latency a: Double) -> Double {
        guard p > 1 else { return 0 }
        return a + Double(p - 1) / Double(p) * n / b
    }

    /// Send/recv (nccl-tests pattern: every rank sends M to its successor): `α + M/B`.
    public static func sendRecv(ranks p: Int, bytes m: Double, bandwidth b: Double, latency a: Double) -> Double {
        guard p > 1 else { return 0 }
        return a + m / b
    }
}
