import LinkscopeTopology
import LinkscopeTraces
import Testing
@testable import LinkscopeReplay

/// Replays of the shared Kineto traces: the suite is disabled, and reported as skipped, when they are absent.
@Suite(.disabled(if: SharedTraces.directory == nil, "shared Kineto traces not found (set LINKSCOPE_SHARED)"))
struct RealTraceReplayTests {
    static func replay(_ file: String, preset: String) throws -> ReplayResult {
        let path = try #require(SharedTraces.path(file), "shared trace \(file) missing")
        let trace = try TraceReader.read(path: path)
        let plan = try ReplayPlan(traces: [trace])
        let topology = try Topology.preset(preset, nodes: max(1, (plan.worldSize + 7) / 8))
        return try plan.run(topology: topology, gpus: Array(0..<plan.worldSize), linkEfficiency: 0.8)
    }

    @Test func ncclDataOnItsOwnTopologyReproducesIterationTime() throws {
        let r = try Self.replay("nccl_data.json.gz", preset: "dgx-a100")
        #expect(r.iterations.count == 2, "ProfilerSteps #4 and #5; #6 dropped")
        #expect(r.count(.resimulated) == r.collectives.count && r.collectives.count == 14)
        #expect(r.mirrored.map(\.rank) == [1])
        let error = r.relativeError
        print("nccl_data replay: original \(r.meanOriginalIterationSeconds * 1e3) ms, predicted "
              + "\(r.meanPredictedIterationSeconds * 1e3) ms, error \(error * 100) %")
        #expect(abs(error) < 0.10)
        #expect(r.meanOriginalIterationSeconds > 0.2 && r.meanOriginalIterationSeconds < 0.24)
    }

    @Test func slowerTopologyPredictsLongerCommunication() throws {
        let fast = try Self.replay("nccl_data.json.gz", preset: "dgx-a100")
        let slow = try Self.replay("nccl_data.json.gz", preset: "pcie-4gpu")
        let f = fast.collectives.reduce(0) { $0 + $1.predictedSeconds }
        let s = slow.collectives.reduce(0) { $0 + $1.predictedSeconds }
        #expect(s > 2 * f)
        #expect(slow.ranks[0].predicted.communicationSeconds > fast.ranks[0].predicted.communicationSeconds)
        #expect(slow.meanPredictedIterationSeconds >= fast.meanPredictedIterationSeconds)
    }

    @Test func controlTraceKeepsCollectivesWithoutSize() throws {
        let r = try Self.replay("control.json.gz", preset: "dgx-a100")
        #expect(r.worldSize == 8 && r.mirrored.count == 7)
        #expect(r.count(.resimulated) == 0 && !r.collectives.isEmpty)
        print("control replay: original \(r.meanOriginalIterationSeconds * 1e3) ms, predicted "
              + "\(r.meanPredictedIterationSeconds * 1e3) ms, error \(r.relativeError * 100) %")
        #expect(abs(r.relativeError) < 0.10)
    }

    @Test func realReplayIsDeterministic() throws {
        let a = try Self.replay("nccl_data.json.gz", preset: "dgx-a100")
        let b = try Self.replay("nccl_data.json.gz", preset: "dgx-a100")
        #expect(ReplayReport.json(a).serialized() == ReplayReport.json(b).serialized())
        #expect(ReplayReport.text(a) == ReplayReport.text(b))
    }

    @Test func ranksReadConcurrentlyReplayAsReadOneByOne() async throws {
        let paths = try ["sampled_rank-0.json.gz", "sampled_rank-1.json.gz"].map {
            try #require(SharedTraces.path($0), "shared trace \($0) missing")
        }
        let serial = try paths.map { try TraceReader.read(path: $0) }
        let concurrent = try await TraceReader.read(paths: paths, maxConcurrent: 2).map { try $0.get() }
        func report(_ traces: [RankTrace]) throws -> String {
            let plan = try ReplayPlan(traces: traces)
            let topology = try Topology.preset("dgx-a100", nodes: max(1, (plan.worldSize + 7) / 8))
            return ReplayReport.json(try plan.run(topology: topology, algorithm: .ring)).serialized()
        }
        #expect(try report(serial) == report(concurrent))
    }
}
