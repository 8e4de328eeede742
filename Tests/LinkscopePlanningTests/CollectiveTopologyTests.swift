import LinkscopeCostModel
import LinkscopePlanning
import LinkscopeTopology
import Testing

/// `CollectiveTopology`: the topology facts collectives are compiled with (rings, trees, node groups, path figures).
@Suite struct CollectiveTopologyTests {
    func preset(_ name: String, nodes: Int = 1) throws -> Topology { try Topology.preset(name, nodes: nodes) }

    /// Every ring NVLink ring packing returns on DGX-1 visits all eight GPUs once, and each hop (closing hop
    /// included) is a direct NVLink: rings never ride PCIe where the hybrid cube mesh has NVLink cycles.
    @Test func dgx1RingsAreNVLinkHamiltonianCycles() throws {
        let topology = try preset("dgx1-v100")
        let planner = CollectiveTopology(topology: topology)
        let gpus = Array(0..<8)
        let (rings, weights) = planner.rings(for: gpus)
        #expect(rings.count >= 2)
        #expect(rings.count == weights.count)
        for (ring, weight) in zip(rings, weights) {
            #expect(ring.sorted() == Array(0..<8))
            #expect(weight > 0)
            for i in ring.indices {
                let a = topology.device(ofGPU: gpus[ring[i]])!, b = topology.device(ofGPU: gpus[ring[(i + 1) % ring.count]])!
                let kinds = topology.links(from: a, to: b).map { topology.links[$0].kind }
                #expect(kinds.contains(.nvlink), "hop \(ring[i]) → \(ring[(i + 1) % ring.count]) is not NVLink")
            }
        }
    }

    /// A PCIe box has no NVLink cycle: one ring in rank order (the fallback), weight 1.
    @Test func pcieBoxFallsBackToOneRankOrderRing() throws {
        let planner = CollectiveTopology(topology: try preset("pcie-4gpu"))
        let (rings, weights) = planner.rings(for: [0, 1, 2, 3])
        #expect(rings.count == 1)
        #expect(Set(rings[0]) == Set(0..<4))
        #expect(weights.count == 1)
    }

    /// Two DGX A100 nodes: ranks grouped by node, in node order.
    @Test func groupsFollowNodes() throws {
        let planner = CollectiveTopology(topology: try preset("dgx-a100", nodes: 2))
        #expect(planner.groups(for: Array(0..<16)) == [Array(0..<8), Array(8..<16)])
        // Rank indices, not GPU numbers: GPUs 6, 7, 8, 9 are ranks 0-3.
        #expect(planner.groups(for: [6, 7, 8, 9]) == [[0, 1], [2, 3]])
    }

    /// A directly linked NVLink pair: the path bandwidth is that link's (all lanes), scaled by the efficiency.
    @Test func pathFiguresOfADirectLinkScaleWithEfficiency() throws {
        let topology = try preset("dgx1-v100")
        let a = topology.device(ofGPU: 0)!, b = topology.device(ofGPU: 1)!
        let direct = topology.links(from: a, to: b).filter { topology.links[$0].kind == .nvlink }
        try #require(!direct.isEmpty)
        let lineRate = direct.map { topology.links[$0].bandwidth.bytesPerSecond }.max()!
        let full = try #require(CollectiveTopology(topology: topology).pathFigures(from: a, to: b))
        let eighty = try #require(CollectiveTopology(topology: topology, linkEfficiency: 0.8).pathFigures(from: a, to: b))
        #expect(full.bandwidth == lineRate)
        #expect(abs(eighty.bandwidth - 0.8 * lineRate) < 1e-6 * lineRate)
        #expect(full.latency > 0)
    }

    @Test func unknownGPUIsAnError() throws {
        let planner = CollectiveTopology(topology: try preset("pcie-4gpu"))
        #expect(throws: PlanningError.unknownGPU(9)) {
            _ = try planner.request(op: .allreduce, algorithm: .ring, bytes: 1 << 20, gpus: [0, 9], chunkBytes: 1 << 20,
                                    id: 0)
        }
    }

    /// Spanning trees need NVLink; a PCIe box has none.
    @Test func spanningTreesWithoutNVLinkIsAnError() throws {
        let planner = CollectiveTopology(topology: try preset("pcie-4gpu"))
        #expect(throws: PlanningError.noSpanningTree(gpus: [0, 1, 2, 3])) {
            _ = try planner.request(op: .allreduce, algorithm: .spanningTrees, bytes: 1 << 20, gpus: [0, 1, 2, 3],
                                    chunkBytes: 1 << 20, id: 0)
        }
    }

    /// A ring request carries the packed rings and maps GPU numbers to device indices in rank order.
    @Test func ringRequestCarriesRingsAndParticipants() throws {
        let topology = try preset("dgx1-v100")
        let planner = CollectiveTopology(topology: topology)
        let gpus = [0, 1, 4, 5]
        let req = try planner.request(op: .allreduce, algorithm: .ring, bytes: 4 << 20, gpus: gpus, chunkBytes: 1 << 20,
                                      id: 7)
        #expect(req.participants == gpus.map { topology.device(ofGPU: $0)! })
        #expect(req.rings == planner.rings(for: gpus).rings)
        #expect(req.collectiveID == 7)
    }
}
