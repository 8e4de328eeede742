/// Exact byte counts one sync scheme moves per iteration (docs/cost-model.md §3–§7, §21 A).
///
/// `perWorkerSent`/`perWorkerReceived` describe a plain worker (for tree: a leaf); `serverIn`/`serverOut` the
/// busiest server or root (0 when the scheme has none); `networkTotal` all bytes that cross a link.
public struct Traffic: Sendable, Equatable {
    /// Bytes a plain worker (tree: a leaf) sends.
    public var perWorkerSent: Int64
    /// Bytes a plain worker (tree: a leaf) receives.
    public var perWorkerReceived: Int64
    /// Bytes into the busiest server or root; 0 without one.
    public var serverIn: Int64
    /// Bytes out of the busiest server or root; 0 without one.
    public var serverOut: Int64
    /// All bytes that cross a link.
    public var networkTotal: Int64

    /// Traffic; server figures default to 0 (no server).
    public init(perWorkerSent: Int64, perWorkerReceived: Int64, serverIn: Int64 = 0, serverOut: Int64 = 0,
                networkTotal: Int64) {
        self.perWorkerSent = perWorkerSent
        self.perWorkerReceived = perWorkerReceived
        self.serverIn = serverIn
        self.serverOut = serverOut
        self.networkTotal = networkTotal
    }
}

extension Traffic {
    /// Exact split of `total` into `parts` pieces, floor/ceil, the first `total % parts` getting the extra byte.
    public static func evenSplit(_ total: Int64, parts: Int) -> [Int64] {
        guard parts > 0 else { return [] }
        let p = Int64(parts), q = total / p, r = total % p
        return (0..<parts).map { Int64($0) < r ? q + 1 : q }
    }

    /// Single PS (§3): worker sends M, receives M; PS in N·M, out N·M; total 2·N·M.
    public static func singleParameterServer(workers n: Int, bytes m: Int64) -> Traffic {
        let n = Int64(n)
        return Traffic(perWorkerSent: m, perWorkerReceived: m, serverIn: n * m, serverOut: n * m,
                       networkTotal: 2 * n * m)
    }

    /// Sharded PS on dedicated server nodes (§4): workers still send and receive M; shard j sees N·M_j each way
    /// (reported for the largest shard); total 2·N·M.
    public static func shardedParameterServer(workers n: Int, shards: [Int64]) -> Traffic {
        let m = shards.reduce(0, +), n64 = Int64(n), big = shards.max() ?? 0
        return Traffic(perWorkerSent: m, perWorkerReceived: m, serverIn: n64 * big, serverOut: n64 * big,
                       networkTotal: 2 * n64 * m)
    }

    /// Co-located sharded PS, k = N, balanced shards (§4): node j sends `(M − M_j) + (N−1)M_j` and receives the
    /// same; reported for the busiest node (largest shard), `2(N−1)M/N` when N divides M.
    /// Network total `2(N−1)M`, the ring total.
    public static func colocatedParameterServer(nodes n: Int, bytes m: Int64) -> Traffic {
        guard n > 1 else { return Traffic(perWorkerSent: 0, perWorkerReceived: 0, networkTotal: 0) }
        let shards = evenSplit(m, parts: n), n64 = Int64(n)
        let perNode = shards.map { (m - $0) + (n64 - 1) * $0 }
        let most = perNode.max() ?? 0
        let big = shards.max() ?? 0
        return Traffic(perWorkerSent: most, perWorkerReceived: most, serverIn: (n64 - 1) * big,
                       serverOut: (n64 - 1) * big, networkTotal: 2 * (n64 - 1) * m)
    }

    /// Ring all-reduce (§6): per rank `2(N−1)M/N` each way (the busiest rank when N does not divide M);
    /// total `2(N−1)M`.
    public static func ring(ranks n: Int, bytes m: Int64) -> Traffic {
        guard n > 1 else { return Traffic(perWorkerSent: 0, perWorkerReceived: 0, networkTotal: 0) }
        let n64 = Int64(n), s = evenSplit(m, parts: n)
        // Rank i skips two (cyclically adjacent) segments, one per phase; the busiest skips the two smallest.
        let smallest = s.sorted()
        let perRank = n == 2 ? m : 2 * m - smallest[0] - smallest[1]
        return Traffic(perWorkerSent: perRank, perWorkerReceived: perRank, networkTotal: 2 * (n64 - 1) * m)
    }

    /// Naive all-to-all all-reduce (§5): `(N−1)M` each way per worker; total `N(N−1)M`.
    public static func naive(ranks n: Int, bytes m: Int64) -> Traffic {
        let n64 = Int64(n)
        return Traffic(perWorkerSent: (n64 - 1) * m, perWorkerReceived: (n64 - 1) * m,
                       networkTotal: n64 * (n64 - 1) * m)
    }

    /// Reduce to root + broadcast (§5): worker M each way, root `(N−1)M` in and out, total `2(N−1)M`.
    public static func reduceBroadcast(ranks n: Int, bytes m: Int64) -> Traffic {
        let k = Int64(max(n - 1, 0))
        return Traffic(perWorkerSent: n > 1 ? m : 0, perWorkerReceived: n > 1 ? m : 0, serverIn: k * m,
                       serverOut: k * m, networkTotal: 2 * k * m)
    }

    /// Binomial tree reduce + broadcast (§7): a leaf sends M up and receives M down; the root receives and sends
    /// `⌈lg N⌉·M`; total `2(N−1)M`.
    public static func tree(ranks n: Int, bytes m: Int64) -> Traffic {
        let k = Int64(max(n - 1, 0)), l = Int64(CostFormulas.ceilLog2(n))
        return Traffic(perWorkerSent: n > 1 ? m : 0, perWorkerReceived: n > 1 ? m : 0, serverIn: l * m,
                       serverOut: l * m, networkTotal: 2 * k * m)
    }

    /// Recursive doubling (power-of-two N): `lg N·M` each way per rank, total `N·lg N·M`.
    public static func recursiveDoubling(ranks n: Int, bytes m: Int64) -> Traffic {
        let l = Int64(CostFormulas.ceilLog2(n))
        return Traffic(perWorkerSent: l * m, perWorkerReceived: l * m, networkTotal: Int64(n) * l * m)
    }
}
