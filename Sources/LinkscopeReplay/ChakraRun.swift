import LinkscopeCostModel
import LinkscopeTimeline
import LinkscopeTopology

extension ChakraPlan {
    /// Replays the graphs on `topology`: rank r runs on GPU `gpus[r]` (default 0..<worldSize), collectives use
    /// `algorithm` (an op it does not implement falls back to the op's first supported algorithm, with a
    /// warning), links run at `linkEfficiency` × line rate.
    ///
    /// The result reuses the trace replay's types: one "iteration" (the whole graph); `original` figures come
    /// from the trace's `start_time_micros`/`duration_micros` when it has start times (else they are 0); per
    /// rank `predicted.spanSeconds` is the rank's total time. Deterministic.
    /// - Throws: `ReplayError` for GPUs that do not fit the job or the topology.
    public func run(topology: Topology, gpus requested: [Int]? = nil, algorithm: Algorithm = .ring,
                    linkEfficiency: Double = 1) throws(ReplayError) -> ReplayResult {
        var runner = try ReplayRunner(graph: graph, topology: topology, gpus: requested, algorithm: algorithm,
                                      linkEfficiency: linkEfficiency)
        let exec = try runner.run(linkEfficiency: linkEfficiency)
        let predicted = runner.predictedTimes(exec)
        // Original times, relative to the earliest start over all ranks that have them.
        let origin = ranks.flatMap { $0.steps.compactMap(\.originalStart) }.min() ?? 0
        let original: [[(Int64, Int64)]?] = ranks.map { rank in
            guard rank.hasTimes else { return nil }
            return rank.steps.map { s in
                let st = (s.originalStart ?? origin) - origin
                return (st, st + s.duration)
            }
        }
        var originalEnd = Int64(0), predictedEnd = Int64(0)
        for r in ranks.indices {
            originalEnd = max(originalEnd, original[r]?.map(\.1).max() ?? 0)
            predictedEnd = max(predictedEnd, predicted[r].map(\.1).max() ?? 0)
        }
        let iterations = [IterationComparison(index: 0, name: "graph", originalSeconds: ReplayRunner.seconds(originalEnd),
                                              predictedSeconds: ReplayRunner.seconds(predictedEnd))]
        return runner.result(exec, linkEfficiency: linkEfficiency, original: original, predicted: predicted,
                             iterations: iterations, planWarnings: warnings, originalTitle: "original (Chakra start times)")
    }

    /// Timeline lanes of a rank, in order.
    static let lanes: [(work: ChakraWork, name: String)] = [(.gpuCompute, "compute"), (.memory, "memory"),
                                                            (.communication, "comm"), (.host, "host")]

    /// The plan as the workload graph both replays run.
    var graph: ReplayGraph {
        let rankGraphs = ranks.map { rank in
            // Lanes the rank uses, and each work's index among them.
            var tracks: [ReplayGraph.TrackSpec] = []
            var trackOf: [ChakraWork: Int] = [:]  // lookup only
            for (k, lane) in Self.lanes.enumerated() where rank.steps.contains(where: { $0.work == lane.work }) {
                trackOf[lane.work] = tracks.count
                tracks.append(ReplayGraph.TrackSpec(lane: lane.name, sortIndex: k, tid: k, host: lane.work == .host))
            }
            let steps = rank.steps.map { s in
                let work: ReplayGraph.Work
                switch s.work {
                case .communication where s.comm >= 0: work = .communication(s.comm)
                case .gpuCompute: work = .compute(lane: 0, nanoseconds: s.duration)
                case .memory: work = .compute(lane: 1, nanoseconds: s.duration)
                case .host: work = .compute(lane: 2, nanoseconds: s.duration)
                default: work = .pass
                }
                return ReplayGraph.Step(
                    work: work, deps: s.deps, release: .whenFree, kind: s.work.activityKind,
                    startsWhenReady: s.work == .communication, name: s.name, track: trackOf[s.work] ?? -1,
                    category: s.work.category, bytes: s.work == .communication ? s.bytes : 0,
                    fields: [("node id", String(s.id))])
            }
            return ReplayGraph.Rank(rank: rank.rank, file: rank.file, steps: steps, iterationOffsets: [], tracks: tracks)
        }
        let communications = comms.map { c in
            ReplayGraph.Communication(
                members: c.members.map { ($0.rank, $0.step) }, mode: c.mode, op: c.op, bytes: c.bytes, groupRanks: c.ranks,
                root: c.root, pointToPoint: c.pointToPoint, keptNanoseconds: c.measured, name: c.name, opLabel: c.opName,
                processGroup: c.processGroup, sequence: c.sequence, iteration: 0, originalNanoseconds: c.measured)
        }
        return ReplayGraph(ranks: rankGraphs, communications: communications, mirrored: mirrored, worldSize: worldSize,
                           chunkBytes: options.chunkBytes, format: "chakra",
                           forcedStartWarning: "communication(s) were started without every member (the ranks' orders disagree)")
    }
}
