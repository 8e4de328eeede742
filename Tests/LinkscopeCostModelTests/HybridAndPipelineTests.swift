import Foundation
import Testing
@testable import LinkscopeCostModel

struct HybridRow: Sendable { var nvl: Double, pcie: Double, share: Double, speedup: Double }

/// docs/cost-model.md §21 H.
@Test(arguments: [
    HybridRow(nvl: 150, pcie: 16, share: 0.0964, speedup: 1.107),
    HybridRow(nvl: 50, pcie: 12, share: 0.1935, speedup: 1.24),
    HybridRow(nvl: 20, pcie: 10, share: 0.333, speedup: 1.5),
])
func hybridShareTable(row: HybridRow) {
    let s = HybridSplit(bytes: 1e9, nvlinkBandwidth: row.nvl * 1e9, pcieBandwidth: row.pcie * 1e9)
    #expect(abs(s.pcieShare - row.share) < 5e-4)
    #expect(abs(s.speedup - row.speedup) < 5e-3)
    #expect(abs(s.pcieBytes / (row.pcie * 1e9) - s.nvlinkBytes / (row.nvl * 1e9)) < 1e-12)
}

@Test func hybridWithOverheads() {
    let big = HybridSplit(bytes: 1e6, nvlinkBandwidth: 50e9, pcieBandwidth: 12e9, nvlinkLatency: 5e-6,
                          pcieLatency: 20e-6)
    #expect(abs(big.pcieBytes - 48_387) < 1)
    #expect(abs(big.seconds - 24.03e-6) < 0.01e-6)
    #expect(abs(big.nvlinkOnlySeconds - 25e-6) < 1e-12)
    let small = HybridSplit(bytes: 1e5, nvlinkBandwidth: 50e9, pcieBandwidth: 12e9, nvlinkLatency: 5e-6,
                            pcieLatency: 20e-6)
    #expect(small.pcieBytes == 0)
    #expect(abs(small.seconds - (5e-6 + 1e5 / 50e9)) < 1e-15)
}

@Test func hybridAllReduceNoOverheadsMatchesShare() {
    let (split, t) = CostFormulas.hybridAllReduce(ranks: 4, bytes: 1e9, nvlinkBandwidth: 50e9, nvlinkLatency: 0,
                                                 pcieBandwidth: 12e9, pcieLatency: 0)
    #expect(abs(split.pcieShare - 12.0 / 62) < 1e-9)
    #expect(abs(t - 1.5 * 1e9 / 62e9) < 1e-12)
}

/// docs/cost-model.md §21 P: 3 layers on 3 GPUs, 3 inputs, cost 1 per input per layer each way.
@Test func bookPipelineExample() {
    let vanilla = CostFormulas.vanillaPipeline(stages: 3, microBatches: 3, forward: 1, backward: 1)
    #expect(vanilla.iterationTime == 18)
    #expect(vanilla.busyPerDevice == 6)
    #expect(abs(vanilla.idleFraction - 2.0 / 3) < 1e-12)
    let gpipe = CostFormulas.gpipe(stages: 3, microBatches: 3, forward: 1, backward: 1)
    #expect(gpipe.iterationTime == 10)
    #expect(abs(gpipe.idleFraction - 0.4) < 1e-12)
    #expect(abs(CostFormulas.bubbleFraction(stages: 3, microBatches: 3) - 0.4) < 1e-12)
    let ofob = CostFormulas.oneFOneB(stages: 3, microBatches: 3, forward: 1, backward: 1)
    #expect(ofob.iterationTime == 10)
    let interleaved = CostFormulas.oneFOneB(stages: 4, microBatches: 8, forward: 1, backward: 2, chunksPerDevice: 2)
    #expect(abs((interleaved.iterationTime - 24) / 24 - 3.0 / 16) < 1e-12)
    #expect(CostFormulas.unequalPipeline(microBatches: 3, stageTimes: [(1, 2), (2, 2), (1, 1)]) == 2 * 4 + 9)
}
