import LinkscopeCostModel
import LinkscopeScenario
import LinkscopeSim
import Testing
@testable import LinkscopeLayoutSearch

private func load(_ yaml: String) throws -> Scenario { try ScenarioLoader.load(yaml: yaml, file: "<test>") }

/// A 4-block GPT on one DGX A100 (8 GPUs): small enough to simulate many layouts in a debug build.
private let smallGPT = """
    name: small gpt
    cluster: {preset: dgx-a100}
    model:
      transformer: {layers: 4, hidden: 2048, heads: 16, seq_len: 1024, vocab: 32000}
      dtype: bf16
    training:
      global_batch: 16
      optimizer: adam
    """

@Suite struct SearchSpaceTests {
    @Test func enumeratesOnlyValidLayouts() throws {
        let s = try load(smallGPT)
        let all = try SearchSpace().candidates(for: s)
        #expect(!all.isEmpty)
        for c in all {
            #expect(c.gpus == 8)
            #expect(16 % c.data == 0 && c.microBatchSize * c.microBatches == 16 / c.data)
            #expect(16 % c.tensor == 0)  // heads
            #expect(4 % (c.pipeline * c.virtualStages) == 0)  // blocks over model chunks
            if c.schedule == .interleaved { #expect(c.virtualStages >= 2 && c.microBatches % c.pipeline == 0) }
            if c.data == 1 { #expect(c.zero == 0) }
            // Plain data parallelism is DDP over the whole replica batch.
            if c.tensor == 1 && c.pipeline == 1 && c.zero == 0 { #expect(c.microBatches == 1) }
        }
        #expect(Set(all).count == all.count)
        // Restricted to the options asked for.
        let restricted = try SearchSpace(zeroStages: [0], recomputes: [.full]).candidates(for: s)
        #expect(!restricted.isEmpty && restricted.allSatisfy { $0.zero == 0 && $0.recompute == .full })
        #expect(Set(restricted).isSubset(of: Set(all)))
        // Every dimension is searched.
        #expect(Set(all.map(\.tensor)) == [1, 2, 4, 8])
        #expect(Set(all.map(\.pipeline)) == [1, 2, 4])
        #expect(Set(all.map(\.zero)) == [0, 1, 2, 3])
        #expect(Set(all.map(\.recompute)) == Set(Recompute.allCases))
        #expect(all.contains { $0.schedule == .interleaved })
    }

    @Test func tensorGroupsStayInsideANode() throws {
        // Two nodes of 8: tensor 16 would span both.
        let s = try load(smallGPT.replacingOccurrences(of: "{preset: dgx-a100}", with: "{preset: dgx-a100, nodes: 2}"))
        let all = try SearchSpace().candidates(for: s)
        #expect(all.allSatisfy { $0.tensor <= 8 })
        #expect(all.contains { $0.data * $0.pipeline * $0.tensor == 16 && $0.pipeline == 2 })
    }

    @Test func aScenarioWithoutTrainingIsRejectedAtItsField() throws {
        let s = try load("cluster: {preset: dgx-a100}\nmodel: {preset: gpt2}\n"
            + "collectives:\n  - {op: allreduce, algorithm: ring, sizes: [1 MiB]}")
        #expect(throws: LayoutSearchError("plan needs the training job: add `training:` with `global_batch`",
                                          at: "training")) { try SearchSpace().candidates(for: s) }
    }
}

@Suite struct LayoutEstimatorTests {
    /// The closed form's memory is the simulator's memory section, layout for layout.
    @Test func memoryMatchesTheSimulatorsReport() throws {
        let s = try load(smallGPT)
        var estimator = LayoutEstimator(scenario: s)
        let base = try #require(s.training)
        for c in try SearchSpace().candidates(for: s).filter({ $0.recompute == .selective && $0.microBatchSize == 1 }).prefix(12) {
            let estimate = estimator.estimate(c.training(from: base))
            let e = try #require(estimate)
            let report = try Simulator.run(c.scenario(from: s), options: RunOptions(runSweep: false)).report
            #expect(e.peakMemoryBytes == report.memory.map(\.peakBytes).max(), "\(c.summary)")
        }
    }

    /// Data parallelism without overlap, by hand: forward + backward at peak × efficiency, then a ring
    /// all-reduce 2(N−1)/N·S/B + 2(N−1)α over the NVSwitch (8 GPUs, 12 NVLinks × 25 GB/s = 300 GB/s).
    @Test func dataParallelByHand() throws {
        let s = try load(smallGPT.replacingOccurrences(of: "optimizer: adam", with: "optimizer: adam\n  overlap: false"))
        var estimator = LayoutEstimator(scenario: s)
        let c = LayoutCandidate(data: 8, tensor: 1, pipeline: 1, microBatchSize: 2, microBatches: 1,
                                recompute: .none, zero: 0)
        let training = try #require(s.training)
        let estimate = estimator.estimate(c.training(from: training))
        let e = try #require(estimate)
        let model = try #require(s.model)
        let flops = model.layers.reduce(0.0) { $0 + $1.forwardFLOPs } * 3 * 2
        let rate = s.topology.gpuSpec.fp16.flopsPerSecond * s.topology.gpuSpec.efficiency
        let bytes = Double(model.parameters * 2)
        let sync = 2 * 7.0 / 8 * bytes / 300e9
        let expected = flops / rate + sync
        #expect(abs(e.iterationTime - expected) / expected < 0.01, "\(e.iterationTime) vs \(expected)")
    }
}

@Suite struct LayoutSearchTests {
    @Test func findsAKnownGoodLayoutAndRanksByFlows() async throws {
        let s = try load(smallGPT)
        let result = try await LayoutSearch.run(s, options: PlanOptions(simulate: 4, rows: 6, width: 2))
        let simulated = result.rows.filter { $0.flow != nil }
        #expect(simulated.count == 4)
        #expect(result.rows.count == 6)
        // Ranking order matches the simulated times.
        let times = simulated.map { $0.flow!.iterationTime }
        #expect(times == times.sorted())
        #expect(Array(result.rows.prefix(4)).allSatisfy { $0.flow != nil })
        // The winner is at least as fast as the scenario's own layout (pure data parallelism) simulated.
        let own = try Simulator.run(s, options: RunOptions(runSweep: false)).report
        let best = try #require(times.first)
        let ownTime = try #require(own.iterationTime)
        #expect(best <= ownTime * 1.0001)
        // The scenario's own layout is priced alongside, exactly as `simulate` runs it.
        let reference = try #require(result.reference)
        #expect(reference.candidate == LayoutCandidate(data: 8, tensor: 1, pipeline: 1, microBatchSize: 2,
                                                       microBatches: 1, recompute: .none, zero: 0))
        let referenceTime = try #require(reference.flow?.iterationTime)
        #expect(abs(referenceTime - ownTime) <= 1e-9 * ownTime)
        // Closed form and flows agree on this uncontended single node.
        for row in simulated { #expect(result.agrees(row) == true, "\(row.candidate.summary): \(row.deviation ?? 0)") }
        #expect(result.rows.allSatisfy { $0.estimate.fits })
    }

    @Test func rejectsOutOfMemoryLayouts() async throws {
        // llama2-7b with Adam needs 16 B per parameter (108 GB) without sharding: pure data parallelism does
        // not fit on 80 GB; tensor or pipeline parallelism or ZeRO does.
        let s = try load("""
            cluster: {preset: dgx-a100}
            model: {preset: llama2-7b, dtype: bf16}
            training: {global_batch: 8, optimizer: adam, parallelism: {data: 8}}
            """)
        let result = try await LayoutSearch.run(s, options: PlanOptions(simulate: 0, rows: 1000, width: 2))
        #expect(result.outOfMemory > 0)
        #expect(result.rows.count == result.candidates - result.outOfMemory)
        #expect(result.rows.allSatisfy { $0.estimate.fits })
        #expect(!result.rows.contains { $0.candidate.tensor == 1 && $0.candidate.pipeline == 1 && $0.candidate.zero == 0 })
        // gpt3-175b on one node fits nowhere.
        let huge = try load("""
            cluster: {preset: dgx-a100}
            model: {preset: gpt3-175b, dtype: bf16}
            training: {global_batch: 8, optimizer: adam}
            """)
        let none = try await LayoutSearch.run(huge, options: PlanOptions(simulate: 2, width: 2))
        #expect(none.rows.isEmpty && none.outOfMemory == none.candidates && none.candidates > 0)
        // Its own layout (data 8) is reported out of memory, not simulated.
        #expect(none.reference?.estimate.fits == false && none.reference?.flow == nil)
    }

    @Test func parallelAndSerialGiveByteIdenticalOutput() async throws {
        let s = try load(smallGPT)
        let serial = try await LayoutSearch.run(s, options: PlanOptions(simulate: 3, width: 1))
        let parallel = try await LayoutSearch.run(s, options: PlanOptions(simulate: 3, width: 4))
        #expect(serial == parallel)
        #expect(serial.text == parallel.text)
        #expect(serial.json.serialized() == parallel.json.serialized())
        #expect(serial.csv == parallel.csv)
    }

    @Test func cancellationStopsTheSearch() async throws {
        let s = try load(smallGPT)
        let task = Task { try await LayoutSearch.run(s, options: PlanOptions(simulate: 50, width: 1)) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
