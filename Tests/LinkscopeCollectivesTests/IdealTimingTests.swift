import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeSchedule
import Testing

/// Step-synchronous timing on dedicated links (α + bytes/B per transfer) against the closed forms.
let alpha = 2e-6, bw = 10e9

@Test(arguments: [2, 4, 8, 16])
func ringAllReduceTiming(n: Int) throws {
    let m = Int64(n) * 1_000_000
    let ex = IdealExecutor(alpha: alpha, bandwidth: bw)
    let t = ex.makespan(try compiled(request(.allreduce, .ring, ranks: n, bytes: m)).0)
    #expect(close(t, CostFormulas.ringAllReduce(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha)))
    // γ: the reduce-scatter pays (N−1)/N·M·γ on the critical path.
    let g = 1e-11
    let tg = ex.makespan(try compiled(request(.allreduce, .ring, ranks: n, bytes: m, gamma: g)).0)
    #expect(close(tg, CostFormulas.ringAllReduce(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha, gamma: g)))
    // C chunks per segment on FIFO links: each link streams 2(N−1)·C chunks back to back.
    let c = 4
    let tc = ex.makespan(try compiled(request(.allreduce, .ring, ranks: n, bytes: m, chunk: 250_000)).0)
    #expect(close(tc, 2 * Double(n - 1) * (Double(c) * alpha + Double(m) / Double(n) / bw)))
}

@Test(arguments: [2, 4, 8, 16])
func treeAllReduceTiming(n: Int) throws {
    let m: Int64 = 3_000_000
    let ex = IdealExecutor(alpha: alpha, bandwidth: bw)
    let t = ex.makespan(try compiled(request(.allreduce, .tree, ranks: n, bytes: m)).0)
    #expect(close(t, CostFormulas.treeAllReduce(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha)))
    let g = 1e-11
    let tg = ex.makespan(try compiled(request(.allreduce, .tree, ranks: n, bytes: m, gamma: g)).0)
    #expect(close(tg, CostFormulas.treeAllReduce(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha, gamma: g)))
    // Pipelined: (2·lg N + C − 1) chunk hops.
    let tp = ex.makespan(try compiled(request(.allreduce, .tree, ranks: n, bytes: m, chunk: 300_000)).0)
    #expect(close(tp, CostFormulas.pipelinedTreeAllReduce(depth: CostFormulas.ceilLog2(n), bytes: Double(m),
                                                          chunkBytes: 300_000, bandwidth: bw, latency: alpha)))
    #expect(close(tp, CostFormulas.time(op: .allreduce, algorithm: .tree, ranks: n, bytes: Double(m), bandwidth: bw,
                                        latency: alpha, options: FormulaOptions(chunkBytes: 300_000)) ?? -1))
}

@Test(arguments: [2, 4, 8, 16])
func halvingDoublingTiming(n: Int) throws {
    let m = Int64(n) * 1_000_000
    let ex = IdealExecutor(alpha: alpha, bandwidth: bw)
    let g = 1e-11
    let t = ex.makespan(try compiled(request(.allreduce, .halvingDoubling, ranks: n, bytes: m, gamma: g)).0)
    #expect(close(t, CostFormulas.halvingDoublingAllReduce(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha,
                                                           gamma: g)))
    let rd = ex.makespan(try compiled(request(.allreduce, .recursiveDoubling, ranks: n, bytes: m, gamma: g)).0)
    #expect(close(rd, CostFormulas.recursiveDoublingAllReduce(ranks: n, bytes: Double(m), bandwidth: bw,
                                                              latency: alpha, gamma: g)))
    let rs = ex.makespan(try compiled(request(.reducescatter, .halvingDoubling, ranks: n, bytes: m, gamma: g)).0)
    #expect(close(rs, CostFormulas.halvingDoublingReduceScatter(ranks: n, bytes: Double(m), bandwidth: bw,
                                                                latency: alpha, gamma: g)))
}

@Test(arguments: [3, 5, 6, 7])
func nonPowerOfTwoFoldTiming(n: Int) throws {
    let m: Int64 = 4_000_000
    let ex = IdealExecutor(alpha: alpha, bandwidth: bw)
    let hd = ex.makespan(try compiled(request(.allreduce, .halvingDoubling, ranks: n, bytes: m)).0)
    #expect(close(hd, CostFormulas.halvingDoublingAllReduce(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha)))
    // Recursive doubling: an unfolded rank's first exchange overlaps the fold (it sends its own data), so the
    // dataflow schedule can beat the step-synchronous formula by at most one step.
    let rd = ex.makespan(try compiled(request(.allreduce, .recursiveDoubling, ranks: n, bytes: m)).0)
    let formula = CostFormulas.recursiveDoublingAllReduce(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha)
    #expect(rd <= formula * (1 + 1e-9))
    #expect(rd >= formula - (alpha + Double(m) / bw) * (1 + 1e-9))
}

@Test(arguments: [2, 3, 5, 8])
func ringCollectivesTiming(n: Int) throws {
    let total = Int64(n) * 500_000
    let ex = IdealExecutor(alpha: alpha, bandwidth: bw)
    let ag = ex.makespan(try compiled(request(.allgather, .ring, ranks: n, bytes: total)).0)
    #expect(close(ag, CostFormulas.ringAllGather(ranks: n, bytes: Double(total), bandwidth: bw, latency: alpha)))
    let rs = ex.makespan(try compiled(request(.reducescatter, .ring, ranks: n, bytes: total)).0)
    #expect(close(rs, CostFormulas.ringReduceScatter(ranks: n, bytes: Double(total), bandwidth: bw, latency: alpha)))
    let bruck = ex.makespan(try compiled(request(.allgather, .recursiveDoubling, ranks: n, bytes: total)).0)
    if CostFormulas.isPowerOfTwo(n) {
        #expect(close(bruck, CostFormulas.recursiveDoublingAllGather(ranks: n, bytes: Double(total), bandwidth: bw,
                                                                     latency: alpha)))
    }
    // Chain broadcast and reduce, pipelined in 5 chunks.
    let m: Int64 = 5_000_000
    let bc = ex.makespan(try compiled(request(.broadcast, .ring, ranks: n, bytes: m, chunk: 1_000_000)).0)
    #expect(close(bc, CostFormulas.chainBroadcast(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha,
                                                  chunkBytes: 1_000_000)))
    let rd = ex.makespan(try compiled(request(.reduce, .ring, ranks: n, bytes: m, chunk: 1_000_000)).0)
    #expect(close(rd, CostFormulas.chainReduce(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha,
                                               chunkBytes: 1_000_000)))
}

@Test(arguments: [2, 4, 8])
func binomialRootedTiming(n: Int) throws {
    let m: Int64 = 2_000_000
    let ex = IdealExecutor(alpha: alpha, bandwidth: bw)
    let bc = ex.makespan(try compiled(request(.broadcast, .tree, ranks: n, bytes: m, root: n - 1)).0)
    #expect(close(bc, CostFormulas.treeBroadcast(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha)))
    let pc = ex.makespan(try compiled(request(.broadcast, .tree, ranks: n, bytes: m, chunk: 500_000)).0)
    #expect(close(pc, CostFormulas.treeBroadcast(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha,
                                                 chunkBytes: 500_000)))
    let g = 1e-11
    let rd = ex.makespan(try compiled(request(.reduce, .tree, ranks: n, bytes: m, gamma: g)).0)
    #expect(close(rd, CostFormulas.treeReduce(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha, gamma: g)))
}

@Test func directAndPerPairForms() throws {
    // Full mesh with per-pair bandwidth b: direct all-reduce = 2α + 2(M/N)/b.
    let n = 4, m: Int64 = 4_000_000
    let ex = IdealExecutor(alpha: alpha, bandwidth: bw)
    let t = ex.makespan(try compiled(request(.allreduce, .direct, ranks: n, bytes: m)).0)
    #expect(close(t, 2 * alpha + 2 * Double(m) / Double(n) / bw))
    let sr = ex.makespan(try compiled(request(.sendrecv, .direct, ranks: n, bytes: m)).0)
    #expect(close(sr, CostFormulas.sendRecv(ranks: n, bytes: Double(m), bandwidth: bw, latency: alpha)))
}

@Test func parameterServerIsServerLinkBound() throws {
    // With one shared server port the PS time is 2NM/B_ps; on dedicated links it is push + pull.
    let n = 4, m: Int64 = 1_000_000
    var r = request(.allreduce, .ps, ranks: n, bytes: m)
    r.servers = [9]
    let t = IdealExecutor(alpha: alpha, bandwidth: bw).makespan(try compiled(r).0)
    #expect(close(t, 2 * (alpha + Double(m) / bw)))
}

@Test func afterAndFinalsWireUp() throws {
    var s = Schedule()
    let pre = s.add(.delay(seconds: 1))
    let finals = try CollectiveCompiler.compile(request(.allreduce, .ring, ranks: 4, bytes: 4_000), into: &s,
                                                after: [pre])
    let next = s.add(.delay(seconds: 0), after: finals)
    let finish = IdealExecutor(alpha: 0, bandwidth: 1e3).run(s)
    // Every transfer waits for `pre`; the follower starts after the last transfer.
    #expect(finish[next.index] == finish.max())
    #expect(close(finish[next.index], 1 + 6 * 1.0))
    // Finals: the last all-gather hop of each piece.
    #expect(finals.count == 4)
    for f in finals { #expect(s[f].tag.phase == .allGather && s[f].tag.step == 5) }
}

@Test func largeRingStaysWithinBudget() throws {
    // 1 GiB over 1024 GPUs: 1 MiB segments under the 4 MiB chunk size → 2(N−1)N transfers, unchunked.
    let r = request(.allreduce, .ring, ranks: 1024, bytes: 1 << 30, chunk: 4 << 20)
    let (s, finals) = try compiled(r)
    #expect(s.count == 2 * 1023 * 1024 + 1)  // + one join
    #expect(finals.count == 1)
    #expect(ByteCounts(s).total == 2 * 1023 * Int64(1 << 30))
}

@Test func hierarchicalTiming() throws {
    // 2 groups × 4: intra RS, inter AR of M/p1, intra AG; on uniform dedicated links the phases add up.
    let m: Int64 = 8_000_000
    var r = request(.allreduce, .hierarchical, ranks: 8, bytes: m)
    r.groups = [[0, 1, 2, 3], [4, 5, 6, 7]]
    let t = IdealExecutor(alpha: alpha, bandwidth: bw).makespan(try compiled(r).0)
    let tiers = HierarchyTiers(localRanks: 4, localLatency: alpha, localBandwidth: bw, groups: 2,
                               remoteLatency: alpha, remoteBandwidth: bw)
    #expect(close(t, CostFormulas.hierarchicalAllReduce(bytes: Double(m), tiers: tiers)))
}

@Test func spanningTreeChainPipelines() throws {
    // One chain tree 0-1-2-3 (depth 3), 8 chunks: reduce up and broadcast down overlap on opposite directions.
    let m: Int64 = 8_000_000
    var r = request(.allreduce, .spanningTrees, ranks: 4, bytes: m, chunk: 1_000_000)
    r.trees = [WeightedTree(parent: [-1, 0, 1, 2], weight: 1)]
    let t = IdealExecutor(alpha: alpha, bandwidth: bw).makespan(try compiled(r).0)
    #expect(close(t, CostFormulas.pipelinedTreeAllReduce(depth: 3, bytes: Double(m), chunkBytes: 1_000_000,
                                                         bandwidth: bw, latency: alpha)))
    // And the Blink form D/R + 2·depth·(α + chunk/r) bounds it from above.
    let blink = CostFormulas.spanningTreesAllReduce(bytes: Double(m), rate: bw, depth: 3, latency: alpha,
                                                    chunkBytes: 1_000_000)
    #expect(t <= blink * (1 + 1e-9))
}
