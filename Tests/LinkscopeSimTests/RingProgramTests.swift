import Foundation
import Testing
@testable import LinkscopeSim
import LinkscopeSchedule
import LinkscopeFabric

/// Rings compiled lazily (`RingProgram`, expanded by the fabric as it runs) against the same rings compiled to
/// one task per transfer: the reports, traffic analyses and event counts must be byte-identical.
@Suite struct RingProgramTests {
    static let scenarios: [String] = {
        let dir = packageRoot.appendingPathComponent("scenarios")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    static func run(_ yaml: String, file: String, lazy: Bool) throws -> SimulationRun {
        var options = RunOptions(runSweep: true)
        options.lazyRings = lazy
        return try Simulator.run(load(yaml, file: file), options: options)
    }

    @Test(arguments: scenarios)
    func exampleScenarioIsIdenticalEitherWay(_ name: String) throws {
        let yaml = try String(contentsOf: packageRoot.appendingPathComponent("scenarios/" + name), encoding: .utf8)
        let lazy = try Self.run(yaml, file: name, lazy: true)
        let eager = try Self.run(yaml, file: name, lazy: false)
        #expect(lazy.report.json.serialized() == eager.report.json.serialized())
        #expect(lazy.report.text == eager.report.text)
        #expect(lazy.traffic.serialized == eager.traffic.serialized)
    }

    /// Rings the examples do not cover: chunked pieces (pipelining on a stream), several rings, uneven segments,
    /// contention with a concurrent collective, a ring that starts after another collective.
    static let cases: [String] = [
        """
        cluster: {preset: dgx1-v100}
        simulation: {chunk: 64 KiB}
        collectives:
          - {op: allreduce, algorithm: ring, sizes: [1000003 B, 8 MiB]}
        """,
        """
        cluster: {preset: dgx-a100, nodes: 2, fabric: {kind: fat-tree, nic_bandwidth: 200 Gb/s, latency: 2 us}}
        collectives:
          - {op: allreduce, algorithm: ring, sizes: [64 MiB], group: g}
          - {op: alltoall, algorithm: direct, sizes: [16 MiB], group: g}
        """,
        """
        cluster: {preset: dgx1-v100}
        gpus: [0, 1, 2, 3]
        collectives:
          - {op: allreduce, algorithm: ring, sizes: [7 B, 13 MiB, 1 GiB]}
          - {op: allreduce, algorithm: hybrid-pcie, sizes: [32 MiB]}
        """,
        """
        cluster: {preset: dgx-a100, nodes: 2, fabric: {kind: fat-tree, nic_bandwidth: 200 Gb/s, latency: 2 us}}
        collectives:
          - {op: allreduce, algorithm: hierarchical, sizes: [100 KB, 64 MiB, 1 GiB]}
        """,
        """
        cluster: {preset: dgx-a100, nodes: 4, fabric: {kind: fat-tree, nic_bandwidth: 100 Gb/s, latency: 5 us}}
        simulation: {chunk: 1 MiB}
        collectives:
          - {op: allreduce, algorithm: hierarchical, sizes: [96 MiB], group: g}
          - {op: allreduce, algorithm: ring, sizes: [32 MiB], group: g, gpus: [0, 8, 16, 24]}
        """,
    ]

    @Test(arguments: cases.indices)
    func ringCaseIsIdenticalEitherWay(_ index: Int) throws {
        let lazy = try Self.run(Self.cases[index], file: "case\(index).yaml", lazy: true)
        let eager = try Self.run(Self.cases[index], file: "case\(index).yaml", lazy: false)
        #expect(lazy.report.json.serialized() == eager.report.json.serialized())
        #expect(lazy.traffic.serialized == eager.traffic.serialized)
    }

    /// The lazy form really is lazy: ASTRA-sim's ring (one chunk per segment) compiles to one placeholder task and
    /// still gives 2(N−1)/N·S/B + 2(N−1)·α.
    @Test func largeRingCompilesToAProgram() throws {
        var yaml = "simulation: {chunk: 1 GiB}\ncluster:\n  devices:\n"
        let n = 64
        for i in 0..<n { yaml += "    - {id: g\(i), kind: gpu, model: a100}\n" }
        yaml += "  links:\n"
        for i in 0..<n {
            yaml += "    - {from: g\(i), to: g\((i + 1) % n), bandwidth: 50 GiB/s, latency: 500 ns, kind: nvlink, duplex: half}\n"
        }
        yaml += "collectives:\n  - {op: allreduce, algorithm: ring, sizes: [1 GiB]}\n"
        var builder = JobBuilder(scenario: try load(yaml))
        builder.lazyRings = true
        let jobs = try builder.collectiveJobs()
        #expect(jobs.count == 1)
        #expect(jobs[0].schedule.ringPrograms.count == 1)
        #expect(jobs[0].schedule.count <= 2)
        #expect(jobs[0].schedule.transferCount == 2 * n * (n - 1))
        let run = try Self.run(yaml, file: "ring.yaml", lazy: true)
        let s = 1024.0 * 1024 * 1024, b = 50 * s, alpha = 500e-9, nn = Double(n)
        let formula = 2 * (nn - 1) / nn * s / b + 2 * (nn - 1) * alpha
        let time = try #require(run.report.collectives.first?.time)
        #expect(abs(time / formula - 1) < 1e-6)
    }

    /// A hierarchical all-reduce's inter-node rings become programs gated on each node's reduce-scatter, with one
    /// output per holder for the all-gather that follows.
    @Test func hierarchicalInterPhaseCompilesToPrograms() throws {
        let yaml = """
            cluster: {preset: dgx-a100, nodes: 4, fabric: {kind: fat-tree, nic_bandwidth: 200 Gb/s, latency: 2 us}}
            collectives:
              - {op: allreduce, algorithm: hierarchical, sizes: [1 GiB]}
            """
        var builder = JobBuilder(scenario: try load(yaml))
        builder.lazyRings = true
        let programs = try builder.collectiveJobs()[0].schedule.ringPrograms
        #expect(programs.count == 8)  // one per segment (local rank)
        #expect(programs.allSatisfy { $0.positions == 4 && $0.gates.count == 4 && $0.outputs.count == 4 })
    }

    /// On long rings a device's communication intervals (a gap per step where a slower hop paces the ring) are
    /// folded into a length once nothing can reach back to them, so memory stays bounded; the times agree with
    /// the eager union to rounding.
    @Test func foldedIntervalsKeepCommunicationTimes() throws {
        let yaml = """
            cluster: {preset: dgx-a100, nodes: 2, fabric: {kind: fat-tree, nic_bandwidth: 25 Gb/s, latency: 2 us}}
            simulation: {chunk: 16 KiB}
            collectives:
              - {op: allreduce, algorithm: ring, sizes: [32 MiB]}
            """
        var builder = JobBuilder(scenario: try load(yaml))
        builder.lazyRings = true
        let job = try builder.collectiveJobs()[0]
        let result = try FabricSimulator(topology: builder.topology).run(job.schedule)
        #expect(result.programFoldedLength.contains { $0 > 0 }, "no device folded its intervals")
        let lazy = try Self.run(yaml, file: "fold.yaml", lazy: true)
        let eager = try Self.run(yaml, file: "fold.yaml", lazy: false)
        #expect(lazy.report.collectives.map(\.time) == eager.report.collectives.map(\.time))
        #expect(lazy.report.events == eager.report.events)
        #expect(lazy.report.gpus.count == eager.report.gpus.count)
        for (a, b) in zip(lazy.report.gpus, eager.report.gpus) {
            #expect(abs(a.communication - b.communication) <= 1e-12 * max(1, b.communication))
            #expect(abs(a.idle - b.idle) <= 1e-12 * max(1, b.communication))
            #expect(a.bytesSent == b.bytesSent && a.bytesReceived == b.bytesReceived)
        }
    }
}
