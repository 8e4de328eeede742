import LinkscopeCostModel
import LinkscopeTimeline
import LinkscopeTopology

extension ReplayPlan {
    /// Replays the traces on `topology`: rank r runs on GPU `gpus[r]` (default 0..<worldSize), re-simulated
    /// collectives use `algorithm` (an op it does not implement falls back to the op's first supported
    /// algorithm, with a warning), links run at `linkEfficiency` × line rate.
    ///
    /// Per rank and iteration the origin is its host offset from time 0; an activity is released at its launch
    /// from its iteration origin and runs after its dependencies on a lane per stream; collectives run once
    /// every member is ready (see `ReplayRunner`). Deterministic: same plan and arguments give the same result.
    /// - Throws: `ReplayError` for GPUs that do not fit the job or the topology.
    public func run(topology: Topology, gpus requested: [Int]? = nil, algorithm: Algorithm = .ring,
                    linkEfficiency: Double = 1) throws(ReplayError) -> ReplayResult {
        var runner = try ReplayRunner(graph: graph, topology: topology, gpus: requested, algorithm: algorithm,
                                      linkEfficiency: linkEfficiency)
        let exec = try runner.run(linkEfficiency: linkEfficiency)
        let predicted = runner.predictedTimes(exec)
        let original = ranks.map { $0.activities.map { ($0.start, $0.end) } }
        var iterations: [IterationComparison] = []
        for k in 0..<iterationCount {
            var o = 0.0, p = 0.0
            for (r, rank) in ranks.enumerated() {
                let offset = rank.iterationOffsets[k]
                var oe = Int64.min, pe = Int64.min
                for (i, a) in rank.activities.enumerated() where a.iteration == k {
                    oe = max(oe, original[r][i].1)
                    pe = max(pe, predicted[r][i].1)
                }
                if oe > .min { o = max(o, ReplayRunner.seconds(oe - offset)) }
                if pe > .min { p = max(p, ReplayRunner.seconds(pe - offset)) }
            }
            iterations.append(IterationComparison(index: k, name: ranks.first?.iterationNames[k] ?? "", originalSeconds: o,
                                                  predictedSeconds: p))
        }
        return runner.result(exec, linkEfficiency: linkEfficiency, original: original, predicted: predicted,
                             iterations: iterations, planWarnings: warnings, originalTitle: "original")
    }

    /// The plan as the workload graph both replays run.
    var graph: ReplayGraph {
        let rankGraphs = ranks.map { rank in
            ReplayGraph.Rank(
                rank: rank.rank, file: rank.file,
                steps: rank.activities.map { a in
                    let isCollective = a.kind == .communication && a.collective >= 0
                    return ReplayGraph.Step(
                        work: isCollective ? .communication(a.collective) : .compute(lane: a.lane, nanoseconds: a.duration),
                        deps: a.dependencies,
                        release: .launch(iteration: a.iteration, wait: a.launch - rank.iterationOffsets[a.iteration]),
                        kind: a.kind.activityKind, startsWhenReady: a.kind == .communication, name: a.name,
                        track: rank.streams.firstIndex(of: a.stream) ?? 0, category: a.kind.category, bytes: a.bytes,
                        fields: [("stream", String(a.stream)), ("iteration", String(a.iteration))])
                },
                iterationOffsets: rank.iterationOffsets,
                tracks: rank.streams.map { ReplayGraph.TrackSpec(lane: "stream \($0)", sortIndex: Int($0), tid: Int($0), host: false) })
        }
        let communications = collectives.map { c in
            // Measured: from the last member's start to the last member's end.
            var s = Int64.min, e = Int64.min
            for m in c.members {
                let a = ranks[m.rank].activities[m.activity]
                s = max(s, a.start)
                e = max(e, a.end)
            }
            let measured = max(s, e) - s
            return ReplayGraph.Communication(
                members: c.members.map { ($0.rank, $0.activity) }, mode: c.mode, op: c.op, bytes: c.bytes,
                groupRanks: c.groupRanks, root: 0, pointToPoint: nil, keptNanoseconds: measured, name: c.name,
                opLabel: c.op?.rawValue ?? c.opName, processGroup: c.processGroup, sequence: c.sequence,
                iteration: c.iteration, originalNanoseconds: measured)
        }
        return ReplayGraph(ranks: rankGraphs, communications: communications, mirrored: mirrored, worldSize: worldSize,
                           chunkBytes: options.chunkBytes, format: nil,
                           forcedStartWarning: "collective(s) were started without every member (order differs across ranks)")
    }
}
