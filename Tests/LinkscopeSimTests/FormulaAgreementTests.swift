import Testing
import LinkscopeSim

/// Bandwidth-bound cases must agree with their closed forms within 1 % (docs/cost-model.md §3, §6, §10).
@Suite struct FormulaAgreementTests {
    @Test(arguments: [4, 8])
    func ringAllReduceOnUniformRing(n: Int) throws {
        let m = Double(1 << 30)
        let run = try simulate("name: ring\n" + ringGraph(n, gbps: 25) +
                               "collectives:\n  - {op: allreduce, algorithm: ring, sizes: [1 GiB]}\n")
        let c = try #require(run.report.collectives.first)
        let expected = 2 * Double(n - 1) / Double(n) * m / 25e9
        #expect(relativeError(c.time, expected) < 0.01, "sim \(c.time) vs 2(N-1)/N·M/B \(expected)")
        let formula = try #require(c.formulaTime)
        #expect(relativeError(c.time, formula) < 0.01, "sim \(c.time) vs formula_time_s \(formula)")
    }

    @Test func bothRingDirectionsDoubleTheRingRate() throws {
        // Full-duplex ring: the ring packing finds both directed rings, B_ring,eff = Σ rings = 50 GB/s (§6).
        let n = 8
        let run = try simulate("name: ring2\n" + ringGraph(n, gbps: 25, duplex: "full") +
                               "collectives:\n  - {op: allreduce, algorithm: ring, sizes: [1 GiB]}\n")
        let c = try #require(run.report.collectives.first)
        let expected = 2 * Double(n - 1) / Double(n) * Double(1 << 30) / 50e9
        #expect(relativeError(c.time, expected) < 0.01, "sim \(c.time) vs 2(N-1)/N·M/(2B) \(expected)")
        #expect(relativeError(c.formulaBandwidth, 50e9) < 1e-9)
    }

    @Test func ringAllReduceLatencyBoundIncludesAlpha() throws {
        // 8 KiB over 8 GPUs at 1 us per hop: 2(N-1)α = 14 us dominates the 0.6 ns of bandwidth time.
        let n = 8
        let run = try simulate("name: small\n" + ringGraph(n, gbps: 25, latency: "1 us") +
                               "collectives:\n  - {op: allreduce, algorithm: ring, sizes: [8 KiB]}\n")
        let c = try #require(run.report.collectives.first)
        let expected = 2 * Double(n - 1) * 1e-6 + 2 * Double(n - 1) / Double(n) * 8192 / 25e9
        #expect(relativeError(c.time, expected) < 0.01, "sim \(c.time) vs 2(N-1)α + … \(expected)")
        let formula = try #require(c.formulaTime)
        #expect(relativeError(c.time, formula) < 0.01)
    }

    @Test(arguments: [2, 4, 8])
    func singleParameterServer(n: Int) throws {
        // Every worker pushes M then pulls M through the server's one link: 2·N·M / B_ps.
        let run = try simulate("name: ps\n" + starGraph(n, gbps: 100, hostGbps: 10) + """
            collectives:
              - {op: allreduce, algorithm: ps, sizes: [100 MB], servers: 1, placement: hosts}
            """)
        let c = try #require(run.report.collectives.first)
        let expected = 2 * Double(n) * 100e6 / 10e9
        #expect(relativeError(c.time, expected) < 0.01, "sim \(c.time) vs 2NM/B \(expected)")
        let formula = try #require(c.formulaTime)
        #expect(relativeError(c.time, formula) < 0.01)
    }

    @Test func broadcastBySpanningTreesOnFragmentedDGX1() throws {
        // {0,1,5,6} on a DGX-1V: NVLink path 0=1 (2 links), 1-5, 5-6 (1 link each): root min-cut 25 GB/s.
        let run = try simulate("""
            name: trees
            cluster: {preset: dgx1-v100}
            gpus: [0, 1, 5, 6]
            collectives:
              - {op: broadcast, algorithm: spanning-trees, sizes: [1 GiB], root: 1}
            """)
        let c = try #require(run.report.collectives.first)
        let expected = Double(1 << 30) / 25e9
        #expect(relativeError(c.time, expected) < 0.01, "sim \(c.time) vs D/R_bc \(expected)")
    }

    @Test func treesBeatRingsWithoutAnNVLinkRing() throws {
        let run = try simulate("""
            name: trees vs ring
            cluster: {preset: dgx1-v100}
            gpus: [0, 1, 5, 6]
            collectives:
              - {op: allreduce, algorithm: ring, sizes: [256 MiB]}
              - {op: allreduce, algorithm: spanning-trees, sizes: [256 MiB]}
              - {op: broadcast, algorithm: ring, sizes: [256 MiB]}
              - {op: broadcast, algorithm: spanning-trees, sizes: [256 MiB]}
            """)
        let t = run.report.collectives.map(\.time)
        try #require(t.count == 4)
        #expect(t[1] < t[0], "spanning-tree all-reduce \(t[1]) should beat the PCIe ring \(t[0])")
        // A broadcast chain 0-1-5-6 needs no closing edge, so it ties the trees here (both 25 GB/s).
        #expect(t[3] <= t[2] * 1.001, "spanning-tree broadcast \(t[3]) should not lose to the chain \(t[2])")
    }
}
