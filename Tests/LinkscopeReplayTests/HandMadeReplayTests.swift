import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeTraces
import Testing
@testable import LinkscopeReplay

/// Small traces, one modelling rule each. Times in µs.
struct HandMadeReplayTests {
    static let topology: Topology = {
        do { return try Topology.preset("dgx-a100") } catch { fatalError("dgx-a100 preset: \(error)") }
    }()

    func replay(_ traces: [RankTrace], options: ReplayOptions = ReplayOptions(), gpus: [Int]? = nil,
                topology: Topology = HandMadeReplayTests.topology) throws -> ReplayResult {
        try ReplayPlan(traces: traces, options: options).run(topology: topology, gpus: gpus, algorithm: .ring)
    }

    static func close(_ a: Double, _ b: Double, _ tol: Double = 0.01) -> Bool { abs(a - b) <= tol }

    @Test func streamKeepsFIFOOrderAndMeasuredDurations() throws {
        // Both launched at once; in the replay the second waits for the first on the same stream.
        let t = try Hand.trace([
            Hand.launch(ts: 0, corr: 1), Hand.kernel("gemm_a", ts: 10, dur: 100, corr: 1),
            Hand.launch(ts: 1, corr: 2), Hand.kernel("gemm_b", ts: 110, dur: 50, corr: 2),
        ])
        let r = try replay([t])
        let a = try #require(r.predictedTimeline.times("gemm_a").first)
        let b = try #require(r.predictedTimeline.times("gemm_b").first)
        #expect(Self.close(a.0, 0) && Self.close(a.1, 100))
        #expect(Self.close(b.0, a.1) && Self.close(b.1 - b.0, 50))
        #expect(Self.close(r.iterations[0].originalSeconds * 1e6, 160))
        #expect(Self.close(r.iterations[0].predictedSeconds * 1e6, 150))
    }

    @Test func kernelWaitsForItsLaunchRelativeToItsIteration() throws {
        // Launched 500 µs into step 2 (which starts at 1000): it cannot run before 1500.
        let t = try Hand.trace([
            Hand.launch(ts: 0, corr: 1), Hand.kernel("first", ts: 5, dur: 10, corr: 1),
            Hand.launch(ts: 1500, corr: 2), Hand.kernel("late", ts: 1508, dur: 20, corr: 2),
        ])
        let r = try replay([t])
        let late = try #require(r.predictedTimeline.times("late").first)
        #expect(Self.close(late.0, 1500))
        #expect(r.iterations.count == 2)
        #expect(Self.close(r.iterations[1].predictedSeconds * 1e6, 520))
        #expect(Self.close(r.iterations[1].originalSeconds * 1e6, 528))
    }

    @Test func kernelWithoutRuntimeCallFallsBackToItsOwnStart() throws {
        let t = try Hand.trace([Hand.kernel("orphan", ts: 300, dur: 10, corr: 9)])
        let r = try replay([t])
        let k = try #require(r.predictedTimeline.times("orphan").first)
        #expect(Self.close(k.0, 300))
    }

    @Test func crossStreamHappenedBeforeIsKept() throws {
        // B (stream 8) started after A (stream 7) had ended: B waits for A although it was launched early.
        let events = [
            Hand.launch(ts: 0, corr: 1), Hand.kernel("A", ts: 0, dur: 100, stream: 7, corr: 1),
            Hand.launch(ts: 5, corr: 2), Hand.kernel("B", ts: 150, dur: 10, stream: 8, corr: 2),
            Hand.launch(ts: 6, corr: 3), Hand.kernel("C", ts: 20, dur: 10, stream: 9, corr: 3),
        ]
        let r = try replay([try Hand.trace(events)])
        let b = try #require(r.predictedTimeline.times("B").first)
        let c = try #require(r.predictedTimeline.times("C").first)
        #expect(Self.close(b.0, 100), "B waits for A's end")
        #expect(Self.close(c.0, 6), "C overlapped A in the trace: no wait")
        let free = try replay([try Hand.trace(events)], options: ReplayOptions(crossStreamDependencies: false))
        let b2 = try #require(free.predictedTimeline.times("B").first)
        #expect(Self.close(b2.0, 5))
    }

    @Test func lastProfilerStepIsDropped() throws {
        let t = try Hand.trace([
            Hand.launch(ts: 0, corr: 1), Hand.kernel("kept", ts: 1, dur: 10, corr: 1),
            Hand.launch(ts: 2100, corr: 2), Hand.kernel("dropped", ts: 2101, dur: 10, corr: 2),
        ])
        let r = try replay([t])
        #expect(r.iterations.map(\.name) == ["ProfilerStep#1", "ProfilerStep#2"])
        #expect(r.predictedTimeline.times("kept").count == 1)
        #expect(r.predictedTimeline.times("dropped").isEmpty)
        #expect(r.originalTimeline.times("dropped").isEmpty)
    }

    /// Rank r: compute for `compute` µs, then a 4 MiB all-reduce measured at 5000 µs, in steps 1 and 2.
    static func allReduceRank(_ rank: Int, compute: Double, args: Bool = true) throws -> RankTrace {
        var events: [String] = []
        for (k, base) in [0.0, 1000.0].enumerated() {
            let c = k * 10
            events += [
                Hand.launch(ts: base, corr: c + 1), Hand.kernel("gemm", ts: base + 1, dur: compute, corr: c + 1),
                Hand.launch(ts: base + 2, corr: c + 2),
                // Started after the gemm ended (NCCL waits for it through an event), as in real traces.
                Hand.kernel(Hand.allReduceName, ts: base + compute + 2, dur: 500, stream: 20, corr: c + 2,
                            args: args ? Hand.allReduceArgs(nelems: 1 << 20) : ""),
                Hand.launch(ts: base + 3, corr: c + 3), Hand.kernel("after", ts: base + compute + 503, dur: 10, corr: c + 3),
            ]
        }
        return try Hand.trace(events, rank: rank, worldSize: 2)
    }

    @Test func twoRankAllReduceWithKnownSizeIsResimulated() throws {
        let r = try replay([try Self.allReduceRank(0, compute: 100), try Self.allReduceRank(1, compute: 300)])
        #expect(r.mirrored.isEmpty)
        #expect(r.collectives.count == 2, "one per iteration")
        let c = try #require(r.collectives.first)
        #expect(c.mode == .resimulated && c.op == "allreduce" && c.bytes == 4 << 20 && c.ranks == [0, 1])
        #expect(c.algorithm == "ring")
        // 4 MiB over NVSwitch: far below the measured 500 µs, but not free.
        #expect(c.predictedSeconds > 1e-6 && c.predictedSeconds < 200e-6)
        // The collective starts when the slower rank is ready; both ranks see the same end.
        let a0 = try #require(r.predictedTimeline.times(Hand.allReduceName, rank: 0).first)
        let a1 = try #require(r.predictedTimeline.times(Hand.allReduceName, rank: 1).first)
        #expect(Self.close(a0.0, 100) && Self.close(a1.0, 300))
        #expect(Self.close(a0.1, a1.1))
        #expect(Self.close(a0.1 - 300, c.predictedSeconds * 1e6))
        // The kernel after it on rank 0's stream 7 waits for the collective (happened-before).
        let after = try #require(r.predictedTimeline.times("after").first)
        #expect(Self.close(after.0, a0.1))
    }

    @Test func ncclKernelWithoutSizeKeepsItsMeasuredTime() throws {
        let r = try replay([try Self.allReduceRank(0, compute: 100, args: false),
                            try Self.allReduceRank(1, compute: 100, args: false)])
        let c = try #require(r.collectives.first)
        #expect(c.mode == .keptSizeUnknown && c.op == "allreduce")
        #expect(Self.close(c.predictedSeconds * 1e6, 500) && Self.close(c.originalSeconds * 1e6, 500))
        #expect(r.count(.keptSizeUnknown) == 2)
        #expect(r.warnings.contains { $0.contains("no size") })
    }

    @Test func missingRankIsMirrored() throws {
        let plan = try ReplayPlan(traces: [try Self.allReduceRank(0, compute: 100)])
        #expect(plan.worldSize == 2 && plan.givenRanks == [0])
        #expect(plan.mirrored.map(\.rank) == [1] && plan.mirrored.map(\.source) == [0])
        #expect(plan.warnings.contains { $0.contains("mirrored from rank 0") })
        let r = try plan.run(topology: Self.topology)
        #expect(r.ranks.map(\.mirrors) == [[1]])
        let c = try #require(r.collectives.first)
        #expect(c.mode == .resimulated && c.ranks == [0, 1], "the all-reduce still spans both GPUs")
        #expect(ReplayReport.text(r).contains("Mirrored: rank 1 from rank 0"))
    }

    @Test func badInputThrows() throws {
        #expect(throws: ReplayError.self) { try ReplayPlan(traces: []) }
        let empty = try Hand.trace([Hand.launch(ts: 0, corr: 1)])
        #expect(throws: ReplayError.self) { try ReplayPlan(traces: [empty]) }
        let plan = try ReplayPlan(traces: [try Self.allReduceRank(0, compute: 100)])
        #expect(throws: ReplayError.self) { try plan.run(topology: Self.topology, gpus: [0]) }
        #expect(throws: ReplayError.self) { try plan.run(topology: Self.topology, gpus: [0, 99]) }
        #expect(throws: ReplayError.self) { try plan.run(topology: Self.topology, gpus: [3, 3]) }
    }

    @Test func sameInputGivesIdenticalJSON() throws {
        func once() throws -> String {
            let r = try replay([try Self.allReduceRank(0, compute: 100), try Self.allReduceRank(1, compute: 300)])
            return ReplayReport.json(r).serialized()
        }
        #expect(try once() == once())
    }
}
