import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeTraces
import Testing
@testable import LinkscopeReplay

/// Replay against user input that used to trap or mislead, and agreement with `analyze` on the same trace.
struct ReplayConsistencyTests {
    @Test func rankWithoutProfilerStepDoesNotTrap() throws {
        // Rank 0 has three ProfilerSteps, rank 1 none: rank 1 used to trap on `0..<(steps.count - 1)`.
        let withSteps = try Hand.trace([Hand.launch(ts: 0, corr: 1), Hand.kernel("gemm", ts: 10, dur: 100, corr: 1)],
                                       rank: 0, worldSize: 2)
        let noSteps = try TraceReader.read(json: Hand.doc([Hand.launch(ts: 0, corr: 1),
                                                           Hand.kernel("gemm", ts: 10, dur: 100, corr: 1)],
                                                          rank: 1, worldSize: 2), file: "rank-1.json")
        let plan = try ReplayPlan(traces: [withSteps, noSteps])
        let r = try plan.run(topology: try Topology.preset("dgx-a100"), gpus: [0, 1], algorithm: .ring)
        #expect(r.ranks.count == 2)
    }

    @Test func replayAndAnalyzeClassifyKernelsAlike() throws {
        // "ncclCustomReduce" has no "Kernel": HTA 0.5 (analyze) calls it computation; replay used other rules.
        let t = try Hand.trace([Hand.launch(ts: 0, corr: 1), Hand.kernel("ncclCustomReduce", ts: 10, dur: 100, corr: 1)])
        let analysis = TraceAnalysis(traces: [t])
        let r = try ReplayPlan(traces: [t]).run(topology: try Topology.preset("dgx-a100"), gpus: [0], algorithm: .ring)
        let analyzeCompute = try #require(analysis.ranks.first?.computeTime)
        #expect(analyzeCompute > 0)
        #expect(r.ranks[0].original.communicationSeconds == 0)
        #expect(abs(r.ranks[0].original.computeSeconds * 1e6 - analyzeCompute) < 1)
    }

    @Test func profilerStepsAreFoundByOneRule() throws {
        let t = try Hand.trace([])
        #expect(TraceAnalysis.profilerStepEvents(in: t).count == 3)
        #expect(ReplayPlan.profilerSteps(t).count == 3)
    }

    @Test func gpuBeyondThePresetIsAnErrorNotANewNode() throws {
        // dgx1-v100 has GPUs 0-7; `--gpus 0,9` used to add a node silently (topo rejects it).
        #expect(throws: ReplayError.self) {
            _ = try ReplayPlacement.resolve(preset: "dgx1-v100", gpusPerNode: 8, worldSize: 2, gpus: [0, 9], nodes: nil)
        }
        let two = try ReplayPlacement.resolve(preset: "dgx1-v100", gpusPerNode: 8, worldSize: 2, gpus: [0, 9], nodes: 2)
        #expect(two.nodes == 2 && two.note == nil)
    }

    @Test func growingTheClusterIsSaid() throws {
        let p = try ReplayPlacement.resolve(preset: "pcie-4gpu", gpusPerNode: 4, worldSize: 128, gpus: nil, nodes: nil)
        #expect(p.nodes == 32)
        #expect(p.note?.contains("32 nodes") == true)
        #expect(throws: ReplayError.self) {
            _ = try ReplayPlacement.resolve(preset: "pcie-4gpu", gpusPerNode: 4, worldSize: 128, gpus: nil, nodes: 2)
        }
    }

    @Test func mirroredRanksAreCountedInTheSummary() throws {
        let t = try Hand.trace([Hand.launch(ts: 0, corr: 1), Hand.kernel("gemm", ts: 10, dur: 100, corr: 1)],
                               rank: 0, worldSize: 4)
        let r = try ReplayPlan(traces: [t]).run(topology: try Topology.preset("dgx-a100"), gpus: [0, 1, 2, 3],
                                                algorithm: .ring)
        #expect(ReplayReport.json(r)["summary"]?["mirrored_ranks"] == .int(3))
        #expect(ReplayReport.text(r).contains("(1 traced, 3 mirrored)"))
    }
}
