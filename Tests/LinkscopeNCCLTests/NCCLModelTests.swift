import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeFabric
import LinkscopePlanning
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits
import Testing

@Suite("NCCL tuner constants and graphs")
struct NCCLTunerTests {
    @Test("dgx-a100 graphs: ring 12 channels × 20 GB/s (NCCL log in nccl-tests#100), no NVLS")
    func a100Graphs() {
        let p = NCCLPlanner(topology: preset("dgx-a100"))
        let s = p.system(gpus: Array(0..<8))
        #expect(s.arch == .ampere)
        #expect(s.ring.channels == 12)
        #expect(abs(s.ring.bwIntra - 20) < 1e-9)
        #expect(s.nvls == nil)
    }

    @Test("dgx-h100 graphs: ring 12 × 30 GB/s, NVLS 8 channels 40/60 (nccl#1197)")
    func h100Graphs() {
        let p = NCCLPlanner(topology: preset("dgx-h100"))
        let s = p.system(gpus: Array(0..<8))
        #expect(s.ring.channels == 12)
        #expect(abs(s.ring.bwIntra - 30) < 1e-9)
        #expect(s.nvls == NCCLGraph(channels: 8, bwIntra: 40, bwInter: 60))
    }

    @Test("hand-computed model values, dgx-a100 8 GPUs all-reduce")
    func handComputed() throws {
        let s = NCCLPlanner(topology: preset("dgx-a100")).system(gpus: Array(0..<8))
        // Ring Simple: busBw = 12 × 20 = 240; lat = 8.4 + 14 × 3.4 = 56.0 µs.
        let simple = try #require(NCCLTuner.cost(.allreduce, .ring, .simple, system: s))
        #expect(abs(simple.busBandwidth - 240) < 1e-9)
        #expect(abs(simple.latencyMicroseconds - 56.0) < 1e-9)
        // Ring LL: min(87.7, 120) = 87.7; lat = 6.6 + 14 × 0.6 = 15.0 µs.
        let ll = try #require(NCCLTuner.cost(.allreduce, .ring, .ll, system: s))
        #expect(abs(ll.busBandwidth - 87.7) < 1e-9)
        #expect(abs(ll.latencyMicroseconds - 15.0) < 1e-9)
        // Ring LL128: min(0.92 × 240, 12 × 20) = 220.8.
        let ll128 = try #require(NCCLTuner.cost(.allreduce, .ring, .ll128, system: s))
        #expect(abs(ll128.busBandwidth - 220.8) < 1e-9)
        // Tree Simple: min(0.92 × 240, 12 × 24) = 220.8, algBw = 110.4; lat = 8.4 + 2 × 7 × 4.0 = 64.4.
        let tree = try #require(NCCLTuner.cost(.allreduce, .tree, .simple, system: s))
        #expect(abs(tree.algorithmBandwidth - 110.4) < 1e-9)
        #expect(abs(tree.latencyMicroseconds - 64.4) < 1e-9)
        // Broadcast has only Ring.
        #expect(NCCLTuner.cost(.broadcast, .tree, .simple, system: s) == nil)
    }
}

@Suite("NCCL-like collectives on the fabric")
struct NCCLSimulationTests {
    static let sizes: [Int64] = [4 << 10, 1 << 20, 16 << 20]

    /// Simulated vs model time for every (algorithm, protocol) NCCL offers, no contention: within 2 %.
    func check(_ presetName: String, op: CollectiveOp) throws {
        let planner = NCCLPlanner(topology: preset(presetName))
        let gpus = Array(0..<8)
        for a in NCCLAlgorithm.allCases {
            for p in NCCLProtocol.allCases {
                for bytes in Self.sizes {
                    guard let plan = planner.plan(op: op, bytes: bytes, gpus: gpus, algorithm: a, proto: p) else { continue }
                    #expect(plan.cost.algorithm == a && plan.cost.proto == p)
                    let sim = try simulate(plan, op: op, bytes: bytes, gpus: gpus, planner: planner).time
                    let err = sim / plan.modelTime - 1
                    #expect(abs(err) < 0.02, "\(presetName) \(op) \(a)/\(p) \(bytes) B: sim \(sim) model \(plan.modelTime)")
                }
            }
        }
    }

    @Test("dgx-a100 all-reduce: ring and tree × LL/LL128/Simple")
    func a100AllReduce() throws { try check("dgx-a100", op: .allreduce) }

    @Test("dgx-h100 all-reduce: ring, tree × LL/LL128/Simple, NVLS")
    func h100AllReduce() throws { try check("dgx-h100", op: .allreduce) }

    @Test("dgx-a100 all-gather, reduce-scatter, broadcast, reduce (ring)")
    func a100Others() throws {
        for op in [CollectiveOp.allgather, .reducescatter, .broadcast, .reduce] { try check("dgx-a100", op: op) }
    }

    @Test("dgx-h100 all-gather and reduce-scatter (ring, NVLS)")
    func h100Gather() throws {
        for op in [CollectiveOp.allgather, .reducescatter] { try check("dgx-h100", op: op) }
    }

    @Test("LL doubles the wire bytes, LL128 adds 128/120")
    func wireBytes() throws {
        let planner = NCCLPlanner(topology: preset("dgx-a100"))
        let bytes: Int64 = 96 << 20
        var totals: [NCCLProtocol: Int64] = [:]
        for p in NCCLProtocol.allCases {
            let plan = try #require(planner.plan(op: .allreduce, bytes: bytes, gpus: Array(0..<8), algorithm: .ring, proto: p))
            totals[p] = try simulate(plan, op: .allreduce, bytes: bytes, gpus: Array(0..<8), planner: planner)
                .schedule.transferredBytes
        }
        let simple = try #require(totals[.simple])
        #expect(simple == 2 * 7 * bytes)  // 2(N−1)/N · S per rank × 8 ranks
        #expect(abs(Double(try #require(totals[.ll])) / Double(simple) - 2) < 1e-3)
        #expect(abs(Double(try #require(totals[.ll128])) / Double(simple) - 128.0 / 120.0) < 1e-3)
    }

    @Test("channels: 1 on a uniform ring gives the one-ring time 2(N−1)/N·S/B within 1 %")
    func oneChannelRing() throws {
        let b = 20.0e9
        let planner = NCCLPlanner(topology: uniformRing(gpus: 8, bandwidth: .gigabytesPerSecond(20)), linkEfficiency: 1)
        let bytes: Int64 = 1 << 30
        let plan = try #require(planner.plan(op: .allreduce, bytes: bytes, gpus: Array(0..<8), algorithm: .ring,
                                             proto: .simple, channels: 1))
        #expect(plan.lowering.rings.count == 1)
        let sim = try simulate(plan, op: .allreduce, bytes: bytes, gpus: Array(0..<8), planner: planner).time
        let textbook = 2 * 7.0 / 8 * Double(bytes) / b
        #expect(abs(sim / textbook - 1) < 0.01, "sim \(sim) textbook \(textbook)")
    }
}
