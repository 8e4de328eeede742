import LinkscopeCostModel
import LinkscopeJSON
import LinkscopeTimeline
import LinkscopeTraces
import LinkscopeUnits

/// Real traces turned into a replayable model: per rank, the GPU activity of the complete ProfilerStep
/// iterations with its stream order, launch times and cross-stream order, and the collectives matched across
/// ranks. Build once, `run` on as many topologies as wanted.
///
/// Model (an approximation of the real execution, see `run`):
/// - Compute and memory activities keep their measured durations, on one compute lane per stream (FIFO).
/// - An activity cannot start before its launch (the runtime call with its correlation, else its own original
///   start) relative to its iteration start, and an iteration cannot start before its original offset: the
///   CPU timeline is taken as given.
/// - Cross-stream order: an activity waits for the last activity of every other stream of its rank that had
///   ended before it started in the trace (happened-before; stands in for the CUDA events we cannot see).
/// - NCCL kernels with a known op and size become collectives over the job's GPUs; others keep their measured
///   time (after the last member is ready). Collectives are matched across ranks by their order in the process
///   group; ranks without a trace are mirrored by a given rank of their group.
public struct ReplayPlan: Sendable {
    /// The options the plan was built with.
    public let options: ReplayOptions
    /// Number of ranks of the job (distributedInfo.world_size, else the largest rank seen + 1).
    public let worldSize: Int
    /// Ranks whose traces were given, ascending.
    public var givenRanks: [Int] { ranks.map(\.rank) }
    /// Missing ranks and the given rank that stands for each.
    public let mirrored: [(rank: Int, source: Int)]
    /// Complete iterations replayed.
    public let iterationCount: Int
    /// Things the model had to assume, in the order found.
    public let warnings: [String]
    /// GPU activities that are replayed, over all given ranks.
    public var activityCount: Int { ranks.reduce(0) { $0 + $1.activities.count } }

    let ranks: [RankPlan]
    let collectives: [PlannedCollective]

    /// - Throws: `ReplayError` (only) when no trace is given, ranks repeat, or no GPU activity is left to replay.
    public init(traces: [RankTrace], options: ReplayOptions = ReplayOptions()) throws {
        self.options = options
        guard !traces.isEmpty else { throw ReplayError.noInput(kind: "trace") }
        let sorted = traces.enumerated().sorted { $0.element.rank != $1.element.rank ? $0.element.rank < $1.element.rank : $0.offset < $1.offset }
            .map(\.element)
        for i in 1..<max(1, sorted.count) where sorted[i].rank == sorted[i - 1].rank {
            throw ReplayError.duplicateRank(file: sorted[i].file, rank: sorted[i].rank, otherFile: sorted[i - 1].file)
        }
        var warnings: [String] = []

        // Step rule of TraceAnalysis: drop the last ProfilerStep when the traces hold at least two distinct ones.
        var stepNames: [String] = []
        for t in sorted {
            for s in Self.profilerSteps(t) where !stepNames.contains(s.name) { stepNames.append(s.name) }
        }
        let dropLast = options.dropLastProfilerStep && stepNames.count >= 2

        var extracted: [Extracted] = []
        for t in sorted { extracted.append(Extractor(trace: t, dropLast: dropLast).run(warnings: &warnings)) }
        let iterationCount = extracted.map(\.offsets.count).min() ?? 0
        if extracted.contains(where: { $0.offsets.count != iterationCount }) {
            warnings.append("ranks have different numbers of complete iterations; replaying the first \(iterationCount)")
        }
        if !dropLast {
            warnings.append("fewer than two ProfilerSteps: the whole trace is replayed as one iteration")
        }

        // World size and process groups.
        var world = sorted.compactMap(\.worldSize).max() ?? 0
        world = max(world, (sorted.map(\.rank).max() ?? 0) + 1)
        for e in extracted { for c in e.comms { world = max(world, (c.groupRanks?.max() ?? -1) + 1) } }
        self.worldSize = world
        if let w = sorted.first?.worldSize, sorted.contains(where: { $0.worldSize != nil && $0.worldSize != w }) {
            warnings.append("traces disagree on world_size; using \(world)")
        }

        // Rank plans: activities of the kept iterations, dependencies.
        var plans: [RankPlan] = []
        for (i, e) in extracted.enumerated() {
            plans.append(Self.rankPlan(trace: sorted[i], extracted: e, iterations: iterationCount,
                                       crossStream: options.crossStreamDependencies))
        }

        // Collectives: the k-th communication kernel of a process group on each rank is one collective.
        var collectives: [PlannedCollective] = []
        var index: [String: Int] = [:]  // "pg\u{0}seq" → collective; lookup only
        var mismatched = 0
        for (r, plan) in plans.enumerated() {
            var seqByGroup: [String: Int] = [:]  // lookup only
            let comms = extracted[r].comms
            for (a, act) in plan.activities.enumerated() where act.kind == .communication {
                let info = comms[act.collective]
                let groupRanks = info.groupRanks ?? Array(0..<world)
                let seq = seqByGroup[info.groupKey, default: 0]
                seqByGroup[info.groupKey] = seq + 1
                let key = info.groupKey + "\u{0}" + String(seq)
                let c: Int
                if let existing = index[key] {
                    c = existing
                    collectives[c].members.append((r, a))
                    if collectives[c].opName != info.opName || collectives[c].bytes != info.bytes { mismatched += 1 }
                } else {
                    c = collectives.count
                    index[key] = c
                    let mode: ReplayCollectiveMode = info.op == nil ? .keptUnsupported
                        : (info.bytes > 0 ? .resimulated : .keptSizeUnknown)
                    collectives.append(PlannedCollective(
                        name: act.name, opName: info.opName, op: info.op, bytes: info.bytes, processGroup: info.groupKey,
                        groupRanks: groupRanks, sequence: seq, mode: mode, members: [(r, a)], iteration: act.iteration))
                }
                plans[r].activities[a].collective = c
            }
        }
        if mismatched > 0 {
            warnings.append("\(mismatched) collective(s) differ in op or size between ranks; the lowest rank's is used")
        }
        let given = Set(plans.map(\.rank))
        var incomplete = 0
        for c in collectives {
            let expected = c.groupRanks.filter { given.contains($0) }.count
            if c.members.count < expected { incomplete += 1 }
        }
        if incomplete > 0 {
            warnings.append("\(incomplete) collective(s) are missing on some given ranks (traces cover different windows?)")
        }

        // Mirroring: every rank of the job without a trace is stood for by the lowest given rank sharing a
        // process group with it, else by the lowest given rank.
        var mirrored: [(rank: Int, source: Int)] = []
        for r in 0..<world where !given.contains(r) {
            var source = plans[0].rank
            for c in collectives where c.groupRanks.contains(r) {
                if let s = c.groupRanks.first(where: { given.contains($0) }) {
                    source = s
                    break
                }
            }
            mirrored.append((r, source))
        }
        if !mirrored.isEmpty {
            let sources = Array(Set(mirrored.map(\.source))).sorted()
            warnings.append("\(mirrored.count) of \(world) ranks have no trace: mirrored from rank"
                            + (sources.count == 1 ? " " : "s ") + sources.map(String.init).joined(separator: ", ")
                            + " (identical GPU activity assumed)")
        }
        let totalActivities = plans.reduce(0) { $0 + $1.activities.count }
        guard totalActivities > 0 else {
            throw ReplayError.nothingToReplay(files: sorted.map(\.file))
        }
        let sizeUnknown = collectives.filter { $0.mode == .keptSizeUnknown }.count
        if sizeUnknown > 0 {
            warnings.append("\(sizeUnknown) of \(collectives.count) collectives have no size in the trace: measured durations kept")
        }
        let unsupported = collectives.filter { $0.mode == .keptUnsupported }
        if !unsupported.isEmpty {
            var names: [String] = []
            for c in unsupported where !names.contains(c.opName) { names.append(c.opName) }
            warnings.append("\(unsupported.count) collectives with ops not modelled (\(names.joined(separator: ", "))): measured durations kept")
        }
        self.ranks = plans
        self.collectives = collectives
        self.mirrored = mirrored
        self.iterationCount = iterationCount
        self.warnings = warnings
    }
}
