/// The one entry the simulator calls: closed-form time of a collective (docs/cost-model.md §3–§11).
extension CostFormulas {
    /// Closed-form time in seconds of `op` by `algorithm`, or nil where no closed form exists (unsupported
    /// combination, or a formula needing options that were not given: `hierarchical` without `tiers`,
    /// `hybrid-pcie` without the PCIe bandwidth).
    ///
    /// - Parameters:
    ///   - ranks: N.
    ///   - bytes: size per the nccl-tests convention (see ``CostFormulas``).
    ///   - bandwidth: bottleneck bytes/s per direction (the server NIC for `ps`, NVLink for `hybrid-pcie`).
    ///   - latency: α in seconds per message.
    ///   - gamma: γ in seconds per reduced byte.
    public static func time(op: CollectiveOp, algorithm: Algorithm, ranks n: Int, bytes m: Double,
                            bandwidth b: Double, latency a: Double, gamma g: Double = 0,
                            options o: FormulaOptions = FormulaOptions()) -> Double? {
        guard b > 0, n >= 1 else { return nil }
        if n == 1 {  // nothing moves, but only where a closed form exists at all
            return time(op: op, algorithm: algorithm, ranks: 2, bytes: m, bandwidth: b, latency: a, gamma: g,
                        options: o) == nil ? nil : 0
        }
        let depth = o.treeDepth ?? ceilLog2(n)
        switch (op, algorithm) {
        case (.allreduce, .ring): return ringAllReduce(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)
        case (.allreduce, .tree):
            if let c = o.chunkBytes {
                return pipelinedTreeAllReduce(depth: ceilLog2(n), bytes: m, chunkBytes: c, bandwidth: b,
                                              latency: a, gamma: g)
            }
            return treeAllReduce(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)
        case (.allreduce, .doubleBinaryTree):
            return doubleBinaryTreeAllReduce(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)
        case (.allreduce, .halvingDoubling):
            return halvingDoublingAllReduce(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)
        case (.allreduce, .recursiveDoubling):
            return recursiveDoublingAllReduce(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)
        case (.allreduce, .direct): return directAllReduce(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)
        case (.allreduce, .naive): return naiveAllReduce(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)
        case (.allreduce, .reduceBroadcast):
            return reduceBroadcastAllReduce(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)
        case (.allreduce, .hierarchical):
            guard let t = o.tiers else { return nil }
            return hierarchicalAllReduce(bytes: m, tiers: t)
        case (.allreduce, .spanningTrees):
            return spanningTreesAllReduce(bytes: m, rate: o.treeRate ?? b, depth: depth, latency: a,
                                          chunkBytes: o.chunkBytes ?? 0)
        case (.allreduce, .hybridPCIe):
            guard let bp = o.pcieBandwidth, bp > 0 else { return nil }
            return hybridAllReduce(ranks: n, bytes: m, nvlinkBandwidth: b, nvlinkLatency: a, pcieBandwidth: bp,
                                   pcieLatency: o.pcieLatency ?? a).seconds
        case (.allreduce, .ps):
            let bps = o.serverBandwidth ?? b
            if o.servers <= 1 { return singleParameterServer(workers: n, bytes: m, serverBandwidth: bps, latency: a) }
            let shard = o.largestShardBytes ?? (m / Double(o.servers)).rounded(.up)
            return shardedParameterServer(workers: n, bytes: m, largestShard: shard, serverBandwidth: bps,
                                          workerBandwidth: b, latency: a)

        case (.broadcast, .ring): return chainBroadcast(ranks: n, bytes: m, bandwidth: b, latency: a,
                                                        chunkBytes: o.chunkBytes)
        case (.broadcast, .tree): return treeBroadcast(ranks: n, bytes: m, bandwidth: b, latency: a,
                                                       chunkBytes: o.chunkBytes)
        case (.broadcast, .direct): return directBroadcast(ranks: n, bytes: m, bandwidth: b, latency: a)
        case (.broadcast, .spanningTrees):
            return spanningTreesBroadcast(bytes: m, rate: o.treeRate ?? b, depth: depth, latency: a,
                                          chunkBytes: o.chunkBytes ?? 0)

        case (.reduce, .ring): return chainReduce(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g,
                                                  chunkBytes: o.chunkBytes)
        case (.reduce, .tree): return treeReduce(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)
        case (.reduce, .direct): return directReduce(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)

        case (.gather, .direct), (.scatter, .direct):
            return directGather(ranks: n, bytes: m, bandwidth: b, latency: a)
        case (.gather, .tree), (.scatter, .tree):
            return treeGather(ranks: n, bytes: m, bandwidth: b, latency: a)

        case (.allgather, .ring): return ringAllGather(ranks: n, bytes: m, bandwidth: b, latency: a)
        case (.allgather, .recursiveDoubling):
            return recursiveDoublingAllGather(ranks: n, bytes: m, bandwidth: b, latency: a)
        case (.allgather, .direct): return directAllGather(ranks: n, bytes: m, bandwidth: b, latency: a)

        case (.reducescatter, .ring):
            return ringReduceScatter(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)
        case (.reducescatter, .halvingDoubling):
            return halvingDoublingReduceScatter(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)
        case (.reducescatter, .direct):
            return directReduceScatter(ranks: n, bytes: m, bandwidth: b, latency: a, gamma: g)

        case (.alltoall, .direct): return directAllToAll(ranks: n, bytes: m, bandwidth: b, latency: a)
        case (.sendrecv, .direct), (.sendrecv, .ring): return sendRecv(ranks: n, bytes: m, bandwidth: b, latency: a)
        default: return nil
        }
    }
}
