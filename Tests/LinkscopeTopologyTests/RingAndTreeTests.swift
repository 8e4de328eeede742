import LinkscopeUnits
import Testing
@testable import LinkscopeTopology

func gbps(_ b: Bandwidth) -> Double { b.gigabytesPerSecond }

@Test func dgx1SquareHasRingAndPathHasNone() throws {
    let t = try Topology.preset("dgx1-v100")
    #expect(t.nvlinkRings(gpus: [0, 1, 4, 5]) == [[0, 1, 5, 4]])
    // Ring 0-1-5-4 both ways, each limited by the single 1-5 link.
    #expect(abs(gbps(t.ringPacking(gpus: [0, 1, 4, 5]).totalRate) - 50) < 1e-9)
    #expect(t.nvlinkRings(gpus: [0, 1, 5, 6]).isEmpty)
}

@Test func pathSubsetTreesBeatPCIeRing() throws {
    let t = try Topology.preset("dgx1-v100")
    let a = try t.analyze(gpus: [0, 1, 5, 6])
    #expect(a.nvlinkRings.isEmpty && a.ringPacking.rings.isEmpty)
    // Closing the ring 6 -> 0 needs PCIe Gen3 through both sockets: 15.75 GB/s.
    #expect(abs(gbps(a.ringRate) - 15.75) < 1e-9)
    // Path 0 =(50)= 1 -(25)- 5 -(25)- 6: every root's min-cut is 25 GB/s.
    #expect(abs(gbps(a.treeBroadcastRate) - 25) < 1e-9)
    #expect(a.treeBroadcastRate > a.ringRate)
    #expect(abs(gbps(a.treeAllreduceRate) - 25) < 1e-9)
    // The path is the only spanning tree.
    #expect(a.allreduce.trees.count == 1 && abs(gbps(a.allreduce.treesRate) - 25) < 1e-6)
    #expect(a.broadcast.trees.allSatisfy { $0.parent.filter { $0 == -1 }.count == 1 })
}

@Test func dgx1AllEightRingPacking() throws {
    let t = try Topology.preset("dgx1-v100")
    let p = t.ringPacking(gpus: Array(0..<8))
    // Double-link ring both ways at 50, single-link ring both ways at 25: every lane used.
    #expect(abs(gbps(p.totalRate) - 150) < 1e-9)
    #expect(p.rings.first?.gpus == [0, 1, 3, 2, 6, 7, 5, 4])
    #expect(p.rings.map { gbps($0.rate) } == [50, 50, 25, 25])
    #expect(t.nvlinkRings(gpus: Array(0..<8)) == [[0, 1, 3, 2, 6, 7, 5, 4], [0, 2, 1, 5, 6, 4, 7, 3]])
    let a = try t.analyze()
    #expect(abs(gbps(a.ringRate) - 50) < 1e-9)
    #expect(abs(gbps(a.treeBroadcastRate) - 150) < 1e-6)
    // All singletons: (8 × 50 + 8 × 25) / 7.
    #expect(abs(gbps(a.treeAllreduceRate) - 600.0 / 7) < 1e-6)
    #expect(gbps(a.allreduce.treesRate) > 0.9 * 600 / 7 && gbps(a.allreduce.treesRate) <= 600.0 / 7 + 1e-6)
    #expect(gbps(a.broadcast.treesRate) > 0.9 * 150 && gbps(a.broadcast.treesRate) <= 150 + 1e-6)
}

@Test func treePackingsRespectCapacities() throws {
    let t = try Topology.preset("dgx1-v100")
    for gpus in [[0, 1, 5, 6], [0, 1, 2, 3], Array(0..<8), [0, 3, 7, 4, 5]] {
        let c = NVLinkCapacity(t, gpus: gpus).arcCapacities()
        var load = c.map { $0.map { _ in 0.0 } }
        for tree in t.broadcastTrees(gpus: gpus).trees {
            for (v, p) in tree.parent.enumerated() where p >= 0 { load[p][v] += tree.rate.bytesPerSecond }
        }
        for tree in t.allreduceTrees(gpus: gpus).trees {
            for (v, p) in tree.parent.enumerated() where p >= 0 {
                load[p][v] += tree.rate.bytesPerSecond
                load[v][p] += tree.rate.bytesPerSecond
            }
        }
        // Broadcast and all-reduce are separate packings; each alone fits, so together ≤ 2c.
        for i in c.indices { for j in c.indices { #expect(load[i][j] <= 2 * c[i][j] * (1 + 1e-9)) } }
    }
}

@Test func nvswitchSystemsUseUplinkBounds() throws {
    let a100 = try t(("dgx-a100"))
    let x = try a100.analyze()
    #expect(abs(gbps(x.ringPacking.totalRate) - 300) < 1e-9)
    #expect(x.nvlinkRings == [Array(0..<8)])
    #expect(abs(gbps(x.treeBroadcastRate) - 300) < 1e-6)
    #expect(abs(gbps(x.broadcast.treesRate) - 300) < 1e-6 && x.broadcast.trees.count == 7)
    #expect(abs(gbps(x.treeAllreduceRate) - 8 * 300 / 14.0) < 1e-6)
    #expect(x.allreduce.trees.count == 8 && x.allreduce.trees[3].parent[3] == -1)
    let dgx2 = try t("dgx2").analyze()
    #expect(abs(gbps(dgx2.ringPacking.totalRate) - 150) < 1e-9)
    #expect(abs(gbps(dgx2.treeBroadcastRate) - 150) < 1e-6)
    #expect(abs(gbps(dgx2.treeAllreduceRate) - 80) < 1e-6)
    let h = try t("dgx-h100").analyze(gpus: [1, 4, 6])
    #expect(abs(gbps(h.ringPacking.totalRate) - 450) < 1e-9)
}

private func t(_ name: String) throws -> Topology { try Topology.preset(name) }

@Test func analysisRejectsBadGPUSets() throws {
    let topo = try t("pcie-4gpu")
    #expect(throws: TopologyError.self) { try topo.analyze(gpus: [0, 4]) }
    #expect(throws: TopologyError.self) { try topo.analyze(gpus: [1, 1]) }
    let a = try topo.analyze()
    #expect(a.nvlinkRings.isEmpty && gbps(a.treeBroadcastRate) == 0)
    // Ring 0-1-3-2: the two switch uplinks each carry one hop per direction: 15.75.
    #expect(abs(gbps(a.ringRate) - 15.75) < 1e-9)
}

@Test func analysisIsDeterministic() throws {
    let topo = try t("dgx1-p100")
    let a = try topo.analyze(gpus: [0, 2, 4, 6, 7])
    let b = try topo.analyze(gpus: [0, 2, 4, 6, 7])
    #expect(a.ringPacking == b.ringPacking && a.broadcast == b.broadcast && a.allreduce == b.allreduce)
    #expect(a.bestRing == b.bestRing)
}
