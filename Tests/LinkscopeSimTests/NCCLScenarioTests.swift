import LinkscopeCostModel
import LinkscopeScenario
import LinkscopeSim
import Testing

@Suite("NCCL-like model in scenarios")
struct NCCLScenarioTests {
    @Test("algorithm: auto names NCCL's pick; flows and analytical agree within 2 %")
    func autoAndAnalytical() throws {
        func run(_ fidelity: String) throws -> Report {
            let s = try load("""
                name: auto
                cluster: {preset: dgx-h100}
                collectives:
                  - {op: allreduce, algorithm: auto, sizes: [8 B, 64 MiB]}
                simulation: {collectives: \(fidelity)}
                """)
            return try Simulator.run(s).report
        }
        let flows = try run("flows"), analytical = try run("analytical")
        #expect(flows.collectives[0].algorithm.contains("ring/ll"))
        #expect(flows.collectives[1].algorithm.contains("nvls/simple"))
        #expect(analytical.collectives[1].algorithm.contains("analytical"))
        for (f, a) in zip(flows.collectives, analytical.collectives) {
            #expect(abs(f.time / a.time - 1) < 0.02, "\(f.name): flows \(f.time) analytical \(a.time)")
        }
        // Analytical still charges the links: the NVSwitch uplinks carry bytes.
        #expect(analytical.links.contains { $0.bytes > 0 })
        #expect(analytical.collectiveModel?.contains("NCCL effective bandwidth") == true)
    }

    @Test("protocol on a non-NCCL algorithm is a located error")
    func protocolNeedsNCCLAlgorithm() {
        #expect(throws: ScenarioError.self) {
            try load("""
                name: bad
                cluster: {preset: dgx-a100}
                collectives:
                  - {op: allreduce, algorithm: halving-doubling, protocol: ll, sizes: [1 MiB]}
                """)
        }
    }

    @Test("default scenarios keep the idealised model")
    func idealByDefault() throws {
        let s = try load("""
            name: ideal
            cluster: {preset: dgx-a100}
            collectives:
              - {op: allreduce, algorithm: ring, sizes: [1 MiB]}
            """)
        let r = try Simulator.run(s).report
        #expect(r.collectiveModel == nil)
        #expect(r.collectives[0].algorithm == "ring")
    }
}
