import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopePlanning
import LinkscopeTopology
import LinkscopeUnits
import Testing

@Suite("NCCL algorithm choice and multi-node rings")
struct NCCLChoiceTests {
    static let sizes: [Int64] = (0...30).map { Int64(8) << $0 }  // 8 B … 8 GiB

    /// The brute-force minimum over the model's table, written independently of `NCCLTuner.choose`.
    func modelMinimum(_ op: CollectiveOp, bytes: Int64, system: NCCLSystem) -> (NCCLAlgorithm, NCCLProtocol)? {
        var best: (NCCLAlgorithm, NCCLProtocol, Double)?
        for a in [NCCLAlgorithm.tree, .ring, .nvls] {
            for p in [NCCLProtocol.ll, .ll128, .simple] {
                guard let c = NCCLTuner.cost(op, a, p, system: system) else { continue }
                let t = c.latencyMicroseconds * (a == .ring && p == .simple && system.nodes > 1 ? 1.4 : 1)
                    + Double(bytes) / (1000 * NCCLTuner.effectiveAlgorithmBandwidth(op, c, bytes: bytes))
                if best == nil || t < best!.2 { best = (a, p, t) }
            }
        }
        return best.map { ($0.0, $0.1) }
    }

    @Test("auto picks the model's pair for every size 8 B – 8 GiB", arguments: ["dgx-a100", "dgx-h100"])
    func autoMatchesModel(presetName: String) throws {
        let planner = NCCLPlanner(topology: preset(presetName))
        let gpus = Array(0..<8)
        let system = planner.system(gpus: gpus)
        for op in [CollectiveOp.allreduce, .allgather, .reducescatter, .broadcast, .reduce] {
            for bytes in Self.sizes {
                let plan = try #require(planner.plan(op: op, bytes: bytes, gpus: gpus))
                let expected = try #require(modelMinimum(op, bytes: bytes, system: system))
                #expect(plan.cost.algorithm == expected.0 && plan.cost.proto == expected.1,
                        "\(presetName) \(op) \(bytes) B: picked \(plan.cost.algorithm)/\(plan.cost.proto)")
            }
        }
    }

    @Test("hand-checked picks: LL for tiny, Simple ring for large on A100, NVLS on H100")
    func knownPicks() throws {
        let a100 = NCCLPlanner(topology: preset("dgx-a100"))
        let h100 = NCCLPlanner(topology: preset("dgx-h100"))
        let g = Array(0..<8)
        let tiny = try #require(a100.plan(op: .allreduce, bytes: 8, gpus: g))
        #expect(tiny.cost.proto == .ll)
        let big = try #require(a100.plan(op: .allreduce, bytes: 1 << 30, gpus: g))
        #expect(big.cost.algorithm == .ring && big.cost.proto == .simple)
        let nv = try #require(h100.plan(op: .allreduce, bytes: 1 << 30, gpus: g))
        #expect(nv.cost.algorithm == .nvls)
        // NVLS busbw (nccl-tests definition) ≈ 476 GB/s: sjeaugey in nccl-tests#212, "peak busBw of ~480GB/s".
        let busbw = Double(1 << 30) / nv.modelTime / 1e9 * 14 / 8
        #expect(busbw > 450 && busbw < 480)
    }

    @Test("flat ring over 128 dgx-a100 nodes uses all 8 rails (analytical charges)")
    func railsAt128Nodes() throws {
        let topo = try Topology.preset("dgx-a100", nodes: 128)
        let planner = NCCLPlanner(topology: topo)
        let gpus = Array(0..<1024)
        let bytes: Int64 = 1 << 30
        let plan = try #require(planner.plan(op: .allreduce, bytes: bytes, gpus: gpus, algorithm: .ring, proto: .simple))
        #expect(plan.system.ring.channels == 8)
        #expect(abs(plan.cost.busBandwidth - 8 * 24) < 1e-9)  // 8 rails × NCCL's 24 GB/s inter speed
        let busbw = Double(bytes) / plan.modelTime / 1e9 * 2 * 1023 / 1024
        let oneRail = topo.links.first { $0.kind == .network }!.bandwidth.bytesPerSecond / 1e9
        #expect(busbw > 3 * oneRail, "busbw \(busbw) GB/s vs one rail \(oneRail)")
        // Every NIC of every node sends the same bytes.
        var sent: [Int: Int64] = [:]
        for c in planner.linkCharges(plan) {
            let link = planner.topology.links[c.link]
            if link.kind == .network, planner.topology.devices[link.from].kind == .nic { sent[link.from, default: 0] += c.bytes }
        }
        #expect(sent.count == 1024)
        let values = sent.values
        #expect((values.max() ?? 0) - (values.min() ?? 0) <= (values.max() ?? 0) / 100)
        print("128-node flat ring 1 GiB: model \(plan.modelTime * 1e3) ms, busbw \(busbw) GB/s, bandwidth term busbw \(plan.cost.busBandwidth) GB/s, latency \(plan.latency * 1e3) ms")
    }
}

@Suite("NCCL rail-aligned rings on the fabric")
struct NCCLRailFlowTests {
    @Test("flat ring over 2 dgx-a100 nodes: every NIC sends, time near the model")
    func railsInFlows() throws {
        let planner = NCCLPlanner(topology: try Topology.preset("dgx-a100", nodes: 2))
        let gpus = Array(0..<16)
        let bytes: Int64 = 64 << 20
        let plan = try #require(planner.plan(op: .allreduce, bytes: bytes, gpus: gpus, algorithm: .ring, proto: .simple))
        let run = try simulate(plan, op: .allreduce, bytes: bytes, gpus: gpus, planner: planner)
        var nicsSending = 0
        for (l, link) in planner.topology.links.enumerated()
        where link.kind == .network && planner.topology.devices[link.from].kind == .nic && run.result.linkBytes[l] > 0 {
            nicsSending += 1
        }
        #expect(nicsSending == 16, "NICs carrying ring traffic: \(nicsSending) of 16")
        // Network hops add latency the single-node calibration does not see: a looser bound than 2 %.
        #expect(abs(run.time / plan.modelTime - 1) < 0.1, "sim \(run.time) model \(plan.modelTime)")
    }
}
