import LinkscopeJSON
import LinkscopeCostModel
import LinkscopeTimeline
import LinkscopeTraces
import LinkscopeUnits

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
