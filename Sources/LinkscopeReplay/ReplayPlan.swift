import LinkscopeCostModel
import LinkscopeJSON
import LinkscopeTimeline
import LinkscopeTraces
import LinkscopeUnits

/// Knobs of the replay model.
public struct ReplayOptions: Sendable {
    /// Drop the last (incomplete) ProfilerStep, as `TraceAnalysis` does (HTA semantics).
    public var dropLastProfilerStep: Bool
    /// Keep the original cross-stream order (happened-before) as dependencies.
    public var crossStreamDependencies: Bool
    /// Pipelining granularity of re-simulated collectives.
    public var chunkBytes: Int64

    public init(dropLastProfilerStep: Bool = true, crossStreamDependencies: Bool = true, chunkBytes: Int64 = 4 << 20) {
        self.dropLastProfilerStep = dropLastProfilerStep
        self.crossStreamDependencies = crossStreamDependencies
        self.chunkBytes = chunkBytes
    }
}

/// Why traces cannot be replayed or a replay cannot run (bad input: the CLI exits 2).
public struct ReplayError: Error, Sendable, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What a replayed GPU activity is.
public enum ReplayActivityKind: String, Sendable {
    case compute, memory, communication

    var category: SpanCategory {
        switch self {
        case .compute: return .compute
        case .memory: return .memory
        case .communication: return .communication
        }
    }
}

/// How a collective is replayed.
public enum ReplayCollectiveMode: String, Sendable {
    /// Op and size known: compiled by `CollectiveCompiler` and simulated on the fabric.
    case resimulated = "re-simulated"
    /// No size in the trace: the measured duration is kept as a fixed-time task.
    case keptSizeUnknown = "kept, size unknown"
    /// Op not modelled (send/recv without a peer, barrier, unknown names): measured duration kept.
    case keptUnsupported = "kept, unsupported op"
}

/// One GPU activity (kernel, memcpy, memset) of one rank in the replay window. Times in ns, relative to
/// the rank's first replayed iteration start.
struct Activity: Sendable {
    var name: String
    var kind: ReplayActivityKind
    var iteration: Int
    var stream: Int64
    var lane: UInt8
    var start: Int64
    var duration: Int64
    /// Earliest start allowed by the host (launching runtime call, else the original start).
    var launch: Int64
    var bytes: Int64
    /// Index into `ReplayPlan.collectives`, -1 for compute and memory.
    var collective: Int
    /// Activities of the same rank this one waits for (previous on its stream, happened-before on others).
    var dependencies: [Int]
    var end: Int64 { start + duration }
}

/// One rank whose trace was given.
struct RankPlan: Sendable {
    var rank: Int
    var file: String
    var streams: [Int64]
    /// Activities in original start order.
    var activities: [Activity]
    /// Iteration starts relative to the first one (ns); host-driven lower bounds.
    var iterationOffsets: [Int64]
    /// ProfilerStep names of the replayed iterations.
    var iterationNames: [String]
}

/// A collective matched across the given ranks of its process group.
struct PlannedCollective: Sendable {
    var name: String
    var opName: String
    var op: CollectiveOp?
    var bytes: Int64
    var processGroup: String
    var groupRanks: [Int]
    var sequence: Int
    var mode: ReplayCollectiveMode
    /// (index into `ReplayPlan.ranks`, activity index) of every given member.
    var members: [(rank: Int, activity: Int)]
    var iteration: Int
}

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

    /// - Throws: `ReplayError` when no trace is given, ranks repeat, or no GPU activity is left to replay.
    public init(traces: [RankTrace], options: ReplayOptions = ReplayOptions()) throws {
        self.options = options
        guard !traces.isEmpty else { throw ReplayError("no trace given") }
        let sorted = traces.enumerated().sorted { $0.element.rank != $1.element.rank ? $0.element.rank < $1.element.rank : $0.offset < $1.offset }
            .map(\.element)
        for i in 1..<max(1, sorted.count) where sorted[i].rank == sorted[i - 1].rank {
            throw ReplayError("\(sorted[i].file): rank \(sorted[i].rank) is also given by \(sorted[i - 1].file)")
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
            let files = sorted.map(\.file).joined(separator: ", ")
            throw ReplayError("\(files): no GPU activity (kernels, memcpy, memset) in complete ProfilerSteps to replay")
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

    /// ProfilerStep annotations of a trace (host side), first occurrence per name, by start time.
    static func profilerSteps(_ t: RankTrace) -> [(name: String, ts: Int64, end: Int64)] {
        var out: [(name: String, ts: Int64, end: Int64)] = []
        for i in TraceAnalysis.profilerStepEvents(in: t) {
            let e = t.events[i]
            let name = t.strings[Int(e.name)]
            if !out.contains(where: { $0.name == name }) { out.append((name, e.ts, e.end)) }
        }
        return out.enumerated().sorted { $0.element.ts != $1.element.ts ? $0.element.ts < $1.element.ts : $0.offset < $1.offset }
            .map(\.element)
    }

    static func rankPlan(trace: RankTrace, extracted e: Extracted, iterations: Int, crossStream: Bool) -> RankPlan {
        var acts = e.activities.filter { $0.iteration < iterations }
        acts = acts.enumerated().sorted {
            let a = $0.element, b = $1.element
            if a.start != b.start { return a.start < b.start }
            if a.stream != b.stream { return a.stream < b.stream }
            return $0.offset < $1.offset
        }.map(\.element)
        let streams = Array(Set(acts.map(\.stream))).sorted()
        var byStream = [[Int]](repeating: [], count: streams.count)
        var streamIndex = [Int](repeating: 0, count: acts.count)
        for (i, a) in acts.enumerated() {
            let s = streams.firstIndex(of: a.stream) ?? 0
            streamIndex[i] = s
            acts[i].lane = UInt8(min(s, 255))
            byStream[s].append(i)
        }
        // Prefix maxima of ends per stream, for "everything up to here had ended by T".
        var prefixEnd = byStream.map { list -> [Int64] in
            var m = Int64.min
            return list.map { m = max(m, acts[$0].end); return m }
        }
        var position = [Int](repeating: 0, count: acts.count)
        for list in byStream { for (p, i) in list.enumerated() { position[i] = p } }
        // implied[s][s2]: position on s2 already waited for by the latest activity of s.
        var implied = [[Int]](repeating: [Int](repeating: -1, count: streams.count), count: streams.count)
        for (i, a) in acts.enumerated() {
            let s = streamIndex[i]
            var deps: [Int] = []
            let p = position[i]
            if p > 0 { deps.append(byStream[s][p - 1]) }
            if crossStream {
                for s2 in 0..<streams.count where s2 != s {
                    // Last position on s2 whose prefix-max end ≤ a.start.
                    let ends = prefixEnd[s2]
                    var lo = 0, hi = ends.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if ends[mid] <= a.start { lo = mid + 1 } else { hi = mid }
                    }
                    let q = lo - 1
                    if q >= 0 && q > implied[s][s2] {
                        let j = byStream[s2][q]
                        if j < i { deps.append(j) }
                        implied[s][s2] = q
                    }
                }
            }
            acts[i].dependencies = deps
        }
        prefixEnd.removeAll()
        return RankPlan(rank: trace.rank, file: trace.file, streams: streams, activities: acts,
                        iterationOffsets: Array(e.offsets.prefix(iterations)), iterationNames: Array(e.names.prefix(iterations)))
    }
}

/// What a communication kernel says about its collective.
struct CommInfo: Sendable {
    var opName: String
    var op: CollectiveOp?
    var bytes: Int64
    var groupRanks: [Int]?
    var groupKey: String
}

struct Extracted: Sendable {
    var activities: [Activity]
    var comms: [CommInfo]
    var offsets: [Int64]
    var names: [String]
}

/// Pulls the replay window out of one trace.
struct Extractor {
    let trace: RankTrace
    let dropLast: Bool

    func run(warnings: inout [String]) -> Extracted {
        let t = trace
        let steps = ReplayPlan.profilerSteps(t)
        // Iteration windows [start_k, start_k+1); the last step's window ends at its own end when kept.
        var windows: [(start: Int64, end: Int64, name: String)] = []
        // A rank with fewer than two steps has no complete window: it falls back to the whole trace below.
        if dropLast, steps.count >= 2 {
            for k in 0..<(steps.count - 1) { windows.append((steps[k].ts, steps[k + 1].ts, steps[k].name)) }
        }
        var launchOf: [Int64: Int64] = [:]  // correlation → runtime start; lookup only
        for e in t.events where e.kind == .runtime && e.correlation >= 0 { launchOf[e.correlation] = e.ts }
        let classifier = KernelClassifier.standard
        var kindCache: [Int32: ReplayActivityKind] = [:]  // lookup only

        var raw: [(event: Int, launch: Int64, iteration: Int)] = []
        var before = 0
        var gpuStart = Int64.max
        for (i, e) in t.events.enumerated() where e.kind.isGPUActivity && e.stream >= 0 {
            let launch = min(launchOf[e.correlation] ?? e.ts, e.ts)
            gpuStart = min(gpuStart, min(launch, e.ts))
            if windows.isEmpty {
                raw.append((i, launch, 0))
                continue
            }
            // Last window starting at or before the launch.
            var lo = 0, hi = windows.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if windows[mid].start <= launch { lo = mid + 1 } else { hi = mid }
            }
            let k = lo - 1
            if k < 0 { before += 1; continue }
            guard launch < windows[k].end else { continue }
            raw.append((i, launch, k))
        }
        if before > 0 {
            warnings.append("\(t.file): \(before) GPU activities launched before the first ProfilerStep are not replayed")
        }
        if windows.isEmpty {
            let origin = min(steps.first?.ts ?? gpuStart, gpuStart == .max ? 0 : gpuStart)
            windows = [(origin, .max, steps.first?.name ?? "trace")]
        }
        let origin = windows[0].start
        var activities: [Activity] = []
        var comms: [CommInfo] = []
        activities.reserveCapacity(raw.count)
        for (i, launch, k) in raw {
            let e = t.events[i]
            let name = t.name(e)
            var kind: ReplayActivityKind
            switch e.kind {
            case .memcpy, .memset: kind = .memory
            default:
                if let c = kindCache[e.name] {
                    kind = c
                } else {
                    switch classifier.type(of: name) {
                    case .communication: kind = .communication
                    case .memory: kind = .memory
                    case .computation, .other: kind = .compute
                    }
                    kindCache[e.name] = kind
                }
            }
            var collective = -1
            var bytes = e.bytes
            if kind == .communication {
                let info = Self.commInfo(name: name, args: t.args(e))
                collective = comms.count
                comms.append(info)
                bytes = info.bytes
            }
            activities.append(Activity(
                name: name, kind: kind, iteration: k, stream: e.stream, lane: 0, start: e.ts - origin,
                duration: max(0, e.dur), launch: launch - origin, bytes: bytes, collective: collective, dependencies: []))
        }
        return Extracted(activities: activities, comms: comms, offsets: windows.map { $0.start - origin },
                         names: windows.map(\.name))
    }

    /// Op, size (nccl-tests conventions of `CollectiveRequest`), group of an NCCL kernel.
    static func commInfo(name: String, args: [(String, JSONValue)]) -> CommInfo {
        let nccl = TraceTimeline.ncclInfo(name: name, args: args)
        func arg(_ k: String) -> JSONValue? { args.first { $0.0 == k }?.1 }
        func int(_ k: String) -> Int64? {
            switch arg(k) {
            case .int(let v)?: return v
            case .double(let d)? where d.isFinite && abs(d) < 1e15: return Int64(d)
            case .string(let s)?: return Int64(s)
            default: return nil
            }
        }
        let op = collectiveOp(nccl.op)
        var bytes = nccl.bytes
        let groupSize = nccl.ranks?.count ?? int("Group size").map(Int.init)
        if op == .allgather, let n = int("In msg nelems"), n > 0 {
            let elem = bytes / n
            if let out = int("Out msg nelems"), out > 0 {
                bytes = out &* elem
            } else if let g = groupSize, g > 0 {
                bytes = bytes &* Int64(g)
            }
        }
        var key = "default"
        if case .string(let s)? = arg("Process Group Name"), !s.isEmpty {
            key = "pg " + s
        } else if let r = nccl.ranks {
            key = "ranks " + r.map(String.init).joined(separator: ",")
        }
        return CommInfo(opName: nccl.op, op: op, bytes: max(0, bytes), groupRanks: nccl.ranks, groupKey: key)
    }

    /// PyTorch's `Collective name` or the op in an NCCL kernel name, as a `CollectiveOp` when modelled.
    static func collectiveOp(_ raw: String) -> CollectiveOp? {
        var s = raw.lowercased().filter { $0 != "_" }
        for suffix in ["tensorcoalesced", "coalesced", "base", "tensor"] where s.hasSuffix(suffix) {
            s.removeLast(suffix.count)
        }
        switch s {
        case "allreduce": return .allreduce
        case "broadcast": return .broadcast
        case "reduce": return .reduce
        case "allgather", "allgatherinto": return .allgather
        case "reducescatter": return .reducescatter
        case "alltoall", "alltoallv": return .alltoall
        case "gather": return .gather
        case "scatter": return .scatter
        default: return nil  // send/recv (peer unknown), barrier, unknown names
        }
    }
}
