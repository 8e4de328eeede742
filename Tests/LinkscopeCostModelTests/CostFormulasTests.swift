import Foundation
import Testing
@testable import LinkscopeCostModel

private func close(_ a: Double, _ b: Double, rel: Double = 1e-9) -> Bool {
    abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)
}

@Test func ringAllReduceClosedForm() {
    let t = CostFormulas.ringAllReduce(ranks: 8, bytes: 8e6, bandwidth: 1e9, latency: 1e-6, gamma: 1e-10)
    #expect(close(t, 14e-6 + 2 * 7.0 / 8 * 8e6 / 1e9 + 7.0 / 8 * 8e6 * 1e-10))
    #expect(CostFormulas.time(op: .allreduce, algorithm: .ring, ranks: 8, bytes: 8e6, bandwidth: 1e9,
                              latency: 1e-6, gamma: 1e-10) == t)
    #expect(CostFormulas.ringAllReduce(ranks: 1, bytes: 1e6, bandwidth: 1e9, latency: 1) == 0)
}

@Test func logarithmicAllReduces() {
    // p = 8: lg p = 3.
    let hd = CostFormulas.halvingDoublingAllReduce(ranks: 8, bytes: 8e6, bandwidth: 1e9, latency: 1e-6)
    #expect(close(hd, 6e-6 + 2 * 7.0 / 8 * 8e-3))
    #expect(close(hd, MPIFormula.allReduceRabenseifner.time(ranks: 8, bytes: 8e6, bandwidth: 1e9, latency: 1e-6)))
    let rd = CostFormulas.recursiveDoublingAllReduce(ranks: 8, bytes: 8e6, bandwidth: 1e9, latency: 1e-6)
    #expect(close(rd, 3 * (1e-6 + 8e-3)))
    let tree = CostFormulas.treeAllReduce(ranks: 5, bytes: 1e6, bandwidth: 1e9, latency: 1e-6)
    #expect(close(tree, 2 * 3 * (1e-6 + 1e-3)))
    // Non-power-of-two fold: 6 ranks → p' = 4, plus two full-buffer steps.
    let hd6 = CostFormulas.halvingDoublingAllReduce(ranks: 6, bytes: 4e6, bandwidth: 1e9, latency: 0)
    #expect(close(hd6, 2 * 3.0 / 4 * 4e-3 + 2 * 4e-3))
}

@Test func mpiRingMatchesRing() {
    for p in [2, 3, 8, 13] {
        let a = MPIFormula.allReduceRing.time(ranks: p, bytes: 1e7, bandwidth: 2e9, latency: 3e-6, gamma: 1e-11)
        let b = CostFormulas.ringAllReduce(ranks: p, bytes: 1e7, bandwidth: 2e9, latency: 3e-6, gamma: 1e-11)
        #expect(close(a, b))
    }
    #expect(close(MPIFormula.allToAllPairwise.time(ranks: 4, bytes: 1e6, bandwidth: 1e9, latency: 1e-6),
                  3e-6 + 1e-3))
    #expect(close(MPIFormula.broadcastBinomial.time(ranks: 5, bytes: 1e6, bandwidth: 1e9, latency: 0), 3e-3))
}

@Test func parameterServerForms() {
    let m = 4_805_528.0
    #expect(close(CostFormulas.singleParameterServer(workers: 4, bytes: m, serverBandwidth: 1e9), 8 * m / 1e9))
    // Sharded: the largest shard or the worker link decides.
    let t = CostFormulas.shardedParameterServer(workers: 4, bytes: m, largestShard: m / 2, serverBandwidth: 1e9,
                                                workerBandwidth: 1e9)
    #expect(close(t, max(4 * m / 1e9, 2 * m / 1e9)))
    let opts = FormulaOptions(servers: 2)
    #expect(close(CostFormulas.time(op: .allreduce, algorithm: .ps, ranks: 4, bytes: m, bandwidth: 1e9,
                                    latency: 0, options: opts) ?? -1, 4 * m / 1e9))
    let sweep = CostFormulas.serverRatioSweep(nodes: 4, bytes: 1e6, bandwidth: 1e9, computeSeconds: 0.01,
                                              batchPerWorker: 32)
    #expect(sweep.map(\.servers) == [1, 2, 3])
}

@Test func hierarchicalTwoTiers() {
    let tiers = HierarchyTiers(localRanks: 8, localLatency: 1e-6, localBandwidth: 100e9, groups: 4,
                               remoteLatency: 5e-6, remoteBandwidth: 10e9)
    let m = 1e9
    let expected = 14e-6 + 2 * 7.0 / 8 * m / 100e9 + 6 * 5e-6 + 2 * 3.0 / 4 * (m / 8) / 10e9
    #expect(close(CostFormulas.hierarchicalAllReduce(bytes: m, tiers: tiers), expected))
    #expect(CostFormulas.time(op: .allreduce, algorithm: .hierarchical, ranks: 32, bytes: m, bandwidth: 1e9,
                              latency: 0) == nil)
}

@Test func unsupportedHasNoClosedForm() {
    #expect(CostFormulas.time(op: .broadcast, algorithm: .ps, ranks: 4, bytes: 1, bandwidth: 1, latency: 0) == nil)
    #expect(CostFormulas.time(op: .alltoall, algorithm: .ring, ranks: 4, bytes: 1, bandwidth: 1, latency: 0) == nil)
}

@Test func everyOpHasAtLeastOneClosedForm() {
    for op in CollectiveOp.allCases {
        let any = Algorithm.allCases.contains {
            CostFormulas.time(op: op, algorithm: $0, ranks: 4, bytes: 1e6, bandwidth: 1e9, latency: 1e-6) != nil
        }
        #expect(any, "\(op)")
    }
}

@Test func pipelinedBroadcastFill() {
    // 4 chunks over a chain of 5 ranks: (N − 2 + C) hops of a chunk.
    let t = CostFormulas.chainBroadcast(ranks: 5, bytes: 4e6, bandwidth: 1e9, latency: 1e-6, chunkBytes: 1e6)
    #expect(close(t, 7 * (1e-6 + 1e-3)))
    #expect(close(CostFormulas.chainBroadcast(ranks: 5, bytes: 4e6, bandwidth: 1e9, latency: 0), 4 * 4e-3))
}

@Test func busBandwidthFactors() {
    let algbw = CostFormulas.algorithmBandwidth(bytes: 1e9, seconds: 0.1)
    #expect(close(algbw, 1e10))
    #expect(close(CostFormulas.busBandwidth(op: .allreduce, ranks: 8, bytes: 1e9, seconds: 0.1), 1e10 * 14 / 8))
    #expect(close(CostFormulas.busBandwidth(op: .allgather, ranks: 8, bytes: 1e9, seconds: 0.1), 1e10 * 7 / 8))
    #expect(close(CostFormulas.busBandwidth(op: .broadcast, ranks: 8, bytes: 1e9, seconds: 0.1), 1e10))
    // busbw of the ideal ring equals the link bandwidth when α = 0.
    let t = CostFormulas.ringAllReduce(ranks: 8, bytes: 1e9, bandwidth: 25e9, latency: 0)
    #expect(close(CostFormulas.busBandwidth(op: .allreduce, ranks: 8, bytes: 1e9, seconds: t), 25e9))
}

@Test func logHelpers() {
    #expect(CostFormulas.ceilLog2(1) == 0)
    #expect(CostFormulas.ceilLog2(2) == 1)
    #expect(CostFormulas.ceilLog2(5) == 3)
    #expect(CostFormulas.ceilLog2(8) == 3)
    #expect(CostFormulas.floorLog2(7) == 2)
    #expect(CostFormulas.powerOfTwoFloor(6) == 4)
}
