/// One row of `linkscope formulas`: a sync scheme's traffic (exact integers, nil where the scheme has no such
/// quantity or no exact closed form) and its closed-form time.
public struct FormulaRow: Sendable, Equatable {
    /// The scheme's name as the table prints it.
    public var scheme: String
    /// Bytes one worker sends.
    public var perWorkerSent: Int64?
    /// Bytes one worker receives.
    public var perWorkerReceived: Int64?
    /// Bytes into the busiest server or root.
    public var serverIn: Int64?
    /// Bytes that cross any link, summed.
    public var networkTotal: Int64?
    /// Closed-form time in seconds.
    public var seconds: Double
}

extension CostFormulas {
    /// The book's all-reduce schemes side by side for N ranks and M bytes (docs/cost-model.md §3–§8, §21 A).
    ///
    /// `bandwidth` (bytes/s per direction) is used for every link, the PS NIC included; `servers` > 1 adds a
    /// sharded-PS row on dedicated servers, and a co-located row (k = N) is always listed.
    public static func formulaTable(ranks n: Int, bytes m: Int64, bandwidth b: Double, latency a: Double,
                                    gamma g: Double = 0, servers k: Int = 2) -> [FormulaRow] {
        let md = Double(m)
        func row(_ name: String, _ t: Traffic?, server: Bool, _ s: Double) -> FormulaRow {
            FormulaRow(scheme: name, perWorkerSent: t?.perWorkerSent, perWorkerReceived: t?.perWorkerReceived,
                       serverIn: server ? t?.serverIn : nil, networkTotal: t?.networkTotal, seconds: s)
        }
        var rows: [FormulaRow] = []
        rows.append(row("single PS", Traffic.singleParameterServer(workers: n, bytes: m), server: true,
                        singleParameterServer(workers: n, bytes: md, serverBandwidth: b, latency: a)))
        if k > 1 {
            let shards = Traffic.evenSplit(m, parts: k)
            rows.append(row("sharded PS (k = \(k))", Traffic.shardedParameterServer(workers: n, shards: shards),
                            server: true,
                            shardedParameterServer(workers: n, bytes: md, largestShard: Double(shards.max() ?? 0),
                                                   serverBandwidth: b, workerBandwidth: b, latency: a)))
        }
        let colo = Traffic.colocatedParameterServer(nodes: n, bytes: m)
        let coloShard = Double(Traffic.evenSplit(m, parts: max(n, 1)).max() ?? 0)
        rows.append(row("co-located PS (k = N)", colo, server: true,
                        n > 1 ? 2 * a + 2 * Double(n - 1) * coloShard / b : 0))
        rows.append(row("ring", Traffic.ring(ranks: n, bytes: m), server: false,
                        ringAllReduce(ranks: n, bytes: md, bandwidth: b, latency: a, gamma: g)))
        rows.append(row("naive all-to-all", Traffic.naive(ranks: n, bytes: m), server: false,
                        naiveAllReduce(ranks: n, bytes: md, bandwidth: b, latency: a, gamma: g)))
        rows.append(row("reduce + broadcast", Traffic.reduceBroadcast(ranks: n, bytes: m), server: true,
                        reduceBroadcastAllReduce(ranks: n, bytes: md, bandwidth: b, latency: a, gamma: g)))
        rows.append(row("binomial tree", Traffic.tree(ranks: n, bytes: m), server: true,
                        treeAllReduce(ranks: n, bytes: md, bandwidth: b, latency: a, gamma: g)))
        let hdTraffic: Traffic? = isPowerOfTwo(n) ? Traffic.ring(ranks: n, bytes: m) : nil
        rows.append(row("halving-doubling", hdTraffic, server: false,
                        halvingDoublingAllReduce(ranks: n, bytes: md, bandwidth: b, latency: a, gamma: g)))
        let rdTraffic: Traffic? = isPowerOfTwo(n) ? Traffic.recursiveDoubling(ranks: n, bytes: m) : nil
        rows.append(row("recursive doubling", rdTraffic, server: false,
                        recursiveDoublingAllReduce(ranks: n, bytes: md, bandwidth: b, latency: a, gamma: g)))
        rows.append(row("double binary tree", nil, server: false,
                        doubleBinaryTreeAllReduce(ranks: n, bytes: md, bandwidth: b, latency: a, gamma: g)))
        rows.append(row("direct", Traffic.ring(ranks: n, bytes: m), server: false,
                        directAllReduce(ranks: n, bytes: md, bandwidth: b, latency: a, gamma: g)))
        return rows
    }
}
