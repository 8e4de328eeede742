import LinkscopeTimeline

/// Knobs of the analysis. `.hta` reproduces holistictraceanalysis' defaults; `.raw` keeps every event.
public struct AnalysisOptions: Sendable {
    /// Drop events of the last (incomplete) ProfilerStep, as HTA does by default (§3.2 step 5).
    public var dropLastProfilerStep: Bool
    /// Apply HTA's ceil(ts)/floor(end) rule to files with fractional timestamps (§3.2 step 3).
    public var roundTimestamps: Bool
    /// Which HTA revision's classification rules to follow.
    public var rules: HTARules
    /// Gaps shorter than this (µs) between kernels on a stream count as kernel wait (§3.7).
    public var consecutiveKernelDelay: Double
    /// Launch statistics cut-offs in µs (§3.10).
    public var runtimeCutoff: Double
    public var launchDelayCutoff: Double
    /// Kernel table: at most this many named kernels per type and rank (§3.8).
    public var topKernels: Int

    public init(dropLastProfilerStep: Bool = true, roundTimestamps: Bool = true, rules: HTARules = .v0_5,
                consecutiveKernelDelay: Double = 30, runtimeCutoff: Double = 50, launchDelayCutoff: Double = 100,
                topKernels: Int = 10) {
        self.dropLastProfilerStep = dropLastProfilerStep
        self.roundTimestamps = roundTimestamps
        self.rules = rules
        self.consecutiveKernelDelay = consecutiveKernelDelay
        self.runtimeCutoff = runtimeCutoff
        self.launchDelayCutoff = launchDelayCutoff
        self.topKernels = topKernels
    }

    /// HTA semantics: last ProfilerStep dropped, ns rounding applied.
    public static let hta = AnalysisOptions()
    /// Raw semantics: every event in the file, same rounding.
    public static let raw = AnalysisOptions(dropLastProfilerStep: false)
}

/// Idle time of one stream split into HTA's categories (§3.7). Times in µs.
public struct StreamIdle: Sendable, Equatable {
    public var stream: Int64
    public var hostWait: Double
    public var kernelWait: Double
    public var other: Double
    /// Categories that had at least one kernel (HTA only lists these).
    public var present: Set<String>
    public var total: Double { hostWait + kernelWait + other }
    public func ratio(_ category: String) -> Double {
        let t = total
        guard t != 0 else { return .nan }
        switch category {
        case "host_wait": return hostWait / t
        case "kernel_wait": return kernelWait / t
        default: return other / t
        }
    }
}

/// Per-kernel statistics (µs) for the kernel table (§3.8 b).
public struct KernelStat: Sendable, Equatable {
    public var name: String
    public var type: KernelType
    public var count: Int
    public var sum: Double
    public var max: Double
    public var min: Double
    public var mean: Double
    /// Sample standard deviation (ddof = 1); NaN for a single instance.
    public var std: Double
}

/// Time attributed to one combination of kernel types (§3.8 a).
public struct KernelTypeShare: Sendable, Equatable {
    public var label: String
    public var sum: Double
    public var percentage: Double
}

/// Launch → kernel statistics (§3.10).
public struct LaunchStats: Sendable, Equatable {
    public var pairs = 0
    public var shortKernels = 0
    public var runtimeOutliers = 0
    public var launchDelayOutliers = 0
    public var meanLaunchDelay = 0.0
    public var maxLaunchDelay = 0.0
    public var meanCPUDuration = 0.0
    public var meanGPUDuration = 0.0
}

/// Launch-queue length per stream (§3.9).
public struct QueueLength: Sendable, Equatable {
    public var stream: Int64
    public var max: Int
    public var mean: Double
    /// Time (µs) with at least 1024 launches queued.
    public var blockedTime: Double
}

/// Everything computed for one rank. Times are µs.
public struct RankAnalysis: Sendable {
    public var rank: Int
    public var rankSource: RankSource
    public var file: String
    public var kernelTime: Double
    public var idleTime: Double
    public var computeTime: Double
    public var nonComputeTime: Double
    public var idlePct: Double
    public var computePct: Double
    public var nonComputePct: Double
    /// nil (HTA: NaN) when the rank has no communication kernels.
    public var commCompOverlapPct: Double?
    public var idleBreakdown: [StreamIdle]
    /// Every kernel (compute, communication, memory) with per-instance statistics, by total time.
    public var kernels: [KernelStat]
    /// HTA's kernel table (`get_gpu_kernel_breakdown`, 0.5.0): per type, the top kernels up to
    /// `topKernels` and the 80 % cumulative-time quantile, the rest lumped into "others". When a type has
    /// more than `topKernels` kernels HTA re-aggregates over the per-kernel sums, so max/min/mean equal the
    /// sum for a named row and std is 0; this is reproduced as is.
    public var kernelTable: [KernelStat]
    public var kernelTypes: [KernelTypeShare]
    public var launch: LaunchStats
    public var queues: [QueueLength]
    /// Number of GPU-side rows (stream ≠ -1) the breakdown used.
    public var gpuEventCount: Int
    /// ProfilerSteps seen and whether the last one was dropped.
    public var profilerSteps: Int
    public var droppedLastStep: Bool
}

/// One rank in the straggler ranking: how late it reaches the communication kernels.
public struct StragglerScore: Sendable, Equatable {
    public var rank: Int
    /// Mean start (µs, from the rank's first GPU event) of its communication kernels, minus the mean over ranks.
    public var lateness: Double
}

/// HTA-compatible analysis of a set of per-rank traces (docs/trace-analysis.md §3).
///
/// ```swift
/// let traces = try paths.map { try TraceReader.read(path: $0) }
/// let analysis = TraceAnalysis(traces: traces)          // HTA semantics
/// print(TraceReport.text(analysis))
/// ```
public struct TraceAnalysis: Sendable {
    public var options: AnalysisOptions
    public var ranks: [RankAnalysis]
    /// Kernel-type table summed over all ranks, memory kernels included.
    public var kernelTypes: [KernelTypeShare]
    public var stragglers: [StragglerScore]
    /// Why the traces may not be one job (see `jobWarnings`); empty when they are.
    public var warnings: [String] = []

    public init(traces: [RankTrace], options: AnalysisOptions = .hta) {
        self.options = options
        let classifier = KernelClassifier(rules: options.rules)
        // HTA counts distinct ProfilerStep names over every loaded rank.
        var stepNames = Set<String>()
        for t in traces {
            let candidates = Set(t.strings.indices.filter { Self.isProfilerStep(t.strings[$0]) }.map(Int32.init))
            guard !candidates.isEmpty else { continue }
            for e in t.events where e.category >= 0 && !e.fromBeginEnd && candidates.contains(e.name) {
                stepNames.insert(t.strings[Int(e.name)])
            }
        }
        let filter = options.dropLastProfilerStep && stepNames.count >= 2
        var ranks: [RankAnalysis] = []
        var typeSums: [String: Double] = [:]
        for t in traces.sorted(by: { $0.rank < $1.rank }) {
            let r = RankComputation(trace: t, options: options, classifier: classifier, filter: filter,
                                    stepNames: stepNames.count)
            ranks.append(r.result)
            for share in r.result.kernelTypes { typeSums[share.label, default: 0] += share.sum }
        }
        self.ranks = ranks
        let total = typeSums.values.reduce(0, +)
        self.kernelTypes = typeSums.map {
            KernelTypeShare(label: $0.key, sum: $0.value,
                            percentage: total > 0 ? Intervals.roundHTA($0.value / total * 100, 1) : 0)
        }.sorted { $0.sum != $1.sum ? $0.sum > $1.sum : $0.label < $1.label }
        warnings = Self.jobWarnings(traces)
        // Lateness is only meaningful among the ranks of one job.
        self.stragglers = warnings.isEmpty ? Self.rankStragglers(ranks: ranks, computations: traces, options: options) : []
    }

    /// HTA's `"ProfilerStep" in name` (a plain substring test).
    static func isProfilerStep(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { p in
            let w: StaticString = "ProfilerStep"
            let n = w.utf8CodeUnitCount
            guard p.count >= n else { return false }
            var i = 0
            while i + n <= p.count {
                if p[i] == 0x50 {
                    var j = 1
                    while j < n && p[i + j] == w.utf8Start[j] { j += 1 }
                    if j == n { return true }
                }
                i += 1
            }
            return false
        }
    }

    static func rankStragglers(ranks: [RankAnalysis], computations: [RankTrace], options: AnalysisOptions) -> [StragglerScore] {
        guard ranks.count > 1 else { return [] }
        let classifier = KernelClassifier(rules: options.rules)
        var scores: [(Int, Double)] = []
        for t in computations {
            var first = Double.infinity
            var starts: [Double] = []
            for e in t.events where e.kind.isGPUActivity {
                first = min(first, e.tsMicros)
                if classifier.type(of: t.name(e)) == .communication { starts.append(e.tsMicros) }
            }
            guard !starts.isEmpty else { continue }
            scores.append((t.rank, starts.reduce(0, +) / Double(starts.count) - first))
        }
        guard !scores.isEmpty else { return [] }
        let mean = scores.map(\.1).reduce(0, +) / Double(scores.count)
        return scores.map { StragglerScore(rank: $0.0, lateness: $0.1 - mean) }
            .sorted { $0.lateness != $1.lateness ? $0.lateness > $1.lateness : $0.rank < $1.rank }
    }
}

/// The per-rank pipeline: HTA's pre-processing, then every metric.
struct RankComputation {
    struct Row {
        var event: Int
        var ts: Double
        var end: Double
        var stream: Int64
        var correlation: Int64
        var isGPU: Bool
        var kind: TraceEventKind
    }

    var result: RankAnalysis

    init(trace t: RankTrace, options: AnalysisOptions, classifier: KernelClassifier, filter: Bool, stepNames: Int) {
        // 1–3: slices with a category, not "Trace"; streams normalised at parse time; rounding.
        let round = options.roundTimestamps && t.hasFractionalTimestamps
        let traceCat = t.strings.firstIndex(of: "Trace").map(Int32.init) ?? -2
        let eventSync = t.strings.firstIndex(of: "Event Sync").map(Int32.init) ?? -2
        let contextSync = t.strings.firstIndex(of: "Context Sync").map(Int32.init) ?? -2
        var isStep = [Bool](repeating: false, count: t.strings.count)
        for (i, s) in t.strings.enumerated() where TraceAnalysis.isProfilerStep(s) { isStep[i] = true }
        var rows: [Row] = []
        rows.reserveCapacity(t.events.count)
        for (i, e) in t.events.enumerated() where e.category >= 0 && e.category != traceCat && !e.fromBeginEnd {
            let ts: Double
            let end: Double
            if round {
                ts = e.tsMicros.rounded(.up)
                end = (e.tsMicros + e.durMicros).rounded(.down)
            } else {
                ts = e.tsMicros
                end = e.tsMicros + e.durMicros
            }
            let gpu = (e.stream >= 0 && e.correlation >= 0) || e.name == eventSync || e.name == contextSync
            rows.append(Row(event: i, ts: ts, end: end, stream: e.stream, correlation: e.correlation, isGPU: gpu, kind: e.kind))
        }
        // Launching runtime of each correlation: the last host row carrying it (HTA's index_correlation).
        var runtimeRow: [Int64: Int] = [:]
        for (i, r) in rows.enumerated() where !r.isGPU && r.correlation != -1 { runtimeRow[r.correlation] = i }

        // 5: drop the last ProfilerStep.
        var kept: [Int] = []
        var keptHost = [Bool](repeating: !filter, count: rows.count)
        var steps = 0
        if filter {
            var lastStart = -Double.infinity
            for r in rows where !r.isGPU && isStep[Int(t.events[r.event].name)] {
                steps += 1
                lastStart = max(lastStart, r.ts)
            }
            var corrCount: [Int64: Int] = [:]
            var host: [Int] = []
            for (i, r) in rows.enumerated() where !r.isGPU && r.ts < lastStart {
                host.append(i)
                keptHost[i] = true
                corrCount[r.correlation, default: 0] += 1
            }
            for (i, r) in rows.enumerated() where r.isGPU {
                guard let n = corrCount[r.correlation] else { continue }
                // An inner join repeats a kernel once per matching host row.
                for _ in 0..<(r.stream != -1 ? n : 1) { kept.append(i) }
            }
            kept.append(contentsOf: host)
        } else {
            for r in rows where !r.isGPU && isStep[Int(t.events[r.event].name)] { steps += 1 }
            kept = Array(rows.indices)
        }

        // GPU rows for the breakdowns: stream ≠ -1 (HTA 0.5.0's choice).
        var types: [KernelType] = []
        var gpu: [Int] = []
        var typeCache: [Int32: KernelType] = [:]
        for i in kept where rows[i].stream != -1 {
            gpu.append(i)
            let nameID = t.events[rows[i].event].name
            if let k = typeCache[nameID] {
                types.append(k)
            } else {
                let k = classifier.type(of: t.strings[Int(nameID)])
                typeCache[nameID] = k
                types.append(k)
            }
        }

        // Temporal breakdown (§3.5).
        let all = Intervals.merge(gpu.map { (rows[$0].ts, rows[$0].end) })
        var byType: [KernelType: [(Double, Double)]] = [:]
        for (j, i) in gpu.enumerated() { byType[types[j], default: []].append((rows[i].ts, rows[i].end)) }
        let comp = Intervals.merge(byType[.computation] ?? [])
        let comm = Intervals.merge(byType[.communication] ?? [])
        let mem = Intervals.merge(byType[.memory] ?? [])
        let kernelTime = all.isEmpty ? 0 : all[all.count - 1].1 - all[0].0
        let idle = kernelTime - Intervals.busy(all)
        let compute = Intervals.busy(comp)
        let nonCompute = kernelTime - compute - idle
        func pct(_ v: Double) -> Double { kernelTime > 0 ? Intervals.roundHTA(100 * (v / kernelTime), 2) : .nan }

        // Comm/comp overlap (§3.6).
        let commBusy = Intervals.busy(comm)
        let overlap: Double? = comm.isEmpty ? nil
            : Intervals.roundHTA(100 * (Intervals.intersection(comp, comm) / commBusy), 2)

        // Idle breakdown per stream (§3.7).
        let idleCats: Set<String> = ["kernel", "Kernel", "gpu_memset", "Memset", "gpu_memcpy", "Memcpy", "mtia_ccp_events"]
        let idleCatIDs = Set(t.strings.indices.filter { idleCats.contains(t.strings[$0]) }.map(Int32.init))
        var perStream: [Int64: [Int]] = [:]
        for i in kept where rows[i].stream != -1 && idleCatIDs.contains(t.events[rows[i].event].category) {
            perStream[rows[i].stream, default: []].append(i)
        }
        var idleBreakdown: [StreamIdle] = []
        for stream in perStream.keys.sorted() {
            guard let list = perStream[stream] else { continue }
            let sorted = list.enumerated().sorted {
                rows[$0.element].ts != rows[$1.element].ts ? rows[$0.element].ts < rows[$1.element].ts : $0.offset < $1.offset
            }.map(\.element)
            var s = StreamIdle(stream: stream, hostWait: 0, kernelWait: 0, other: 0, present: ["other"])
            for k in 1..<max(1, sorted.count) {
                let r = rows[sorted[k]]
                let prevEnd = rows[sorted[k - 1]].end
                let gap = r.ts - prevEnd
                var runtimeTS: Double?
                if let h = runtimeRow[r.correlation], keptHost[h] { runtimeTS = rows[h].ts }
                if let rt = runtimeTS, rt > prevEnd {
                    s.hostWait += gap
                    s.present.insert("host_wait")
                } else if gap < options.consecutiveKernelDelay {
                    s.kernelWait += gap
                    s.present.insert("kernel_wait")
                } else {
                    s.other += gap
                }
            }
            idleBreakdown.append(s)
        }

        // Kernel-type shares (§3.8 a), memory kernels included.
        var shares: [KernelTypeShare] = []
        do {
            var points: [(Double, Int)] = []
            for (set, bit) in [(comp, 1), (comm, 2), (mem, 4)] {
                for (a, b) in set {
                    points.append((a, bit))
                    points.append((b, -bit))
                }
            }
            points.sort { $0.0 < $1.0 }
            var counts = [0, 0, 0]
            var sums: [Int: Double] = [:]
            var i = 0
            while i < points.count {
                let time = points[i].0
                while i < points.count && points[i].0 == time {
                    let (_, d) = points[i]
                    let idx = abs(d) == 1 ? 0 : (abs(d) == 2 ? 1 : 2)
                    counts[idx] += d > 0 ? 1 : -1
                    i += 1
                }
                guard i < points.count else { break }
                let mask = (counts[0] > 0 ? 1 : 0) | (counts[1] > 0 ? 2 : 0) | (counts[2] > 0 ? 4 : 0)
                if mask != 0 { sums[mask, default: 0] += points[i].0 - time }
            }
            let total = sums.values.reduce(0, +)
            for (mask, sum) in sums.sorted(by: { $0.key < $1.key }) {
                var parts: [String] = []
                if mask & 1 != 0 { parts.append(KernelType.computation.rawValue) }
                if mask & 2 != 0 { parts.append(KernelType.communication.rawValue) }
                if mask & 4 != 0 { parts.append(KernelType.memory.rawValue) }
                shares.append(KernelTypeShare(label: parts.joined(separator: " overlapping "), sum: sum,
                                              percentage: total > 0 ? Intervals.roundHTA(sum / total * 100, 1) : 0))
            }
        }

        // Kernel table (§3.8 b).
        var groups: [Int32: [Double]] = [:]
        var order: [Int32] = []
        for i in gpu {
            let n = t.events[rows[i].event].name
            if groups[n] == nil { order.append(n) }
            groups[n, default: []].append(rows[i].end - rows[i].ts)
        }
        var kernels: [KernelStat] = []
        for n in order {
            guard let d = groups[n], let type = typeCache[n], type != .other else { continue }
            let sum = d.reduce(0, +)
            let mean = sum / Double(d.count)
            var sq = 0.0
            for x in d { sq += (x - mean) * (x - mean) }
            kernels.append(KernelStat(name: t.strings[Int(n)], type: type, count: d.count, sum: sum,
                                      max: d.max() ?? 0, min: d.min() ?? 0, mean: mean,
                                      std: d.count > 1 ? (sq / Double(d.count - 1)).squareRoot() : .nan))
        }
        kernels.sort { $0.sum != $1.sum ? $0.sum > $1.sum : $0.name < $1.name }
        var kernelTable: [KernelStat] = []
        for type in [KernelType.communication, .computation, .memory] {
            kernelTable += Self.htaKernelTable(kernels.filter { $0.type == type }, type: type,
                                               numKernels: options.topKernels, durationRatio: 0.8)
        }

        // Launch statistics (§3.10) and queue length (§3.9).
        var launch = LaunchStats()
        var queueEvents: [Int64: [(Double, Int)]] = [:]
        var delaySum = 0.0
        var cpuSum = 0.0
        var gpuSum = 0.0
        for i in kept where rows[i].isGPU && rows[i].stream >= 0 && rows[i].kind.isGPUActivity {
            guard let h = runtimeRow[rows[i].correlation], keptHost[h] else { continue }
            let rt = rows[h]
            let name = t.strings[Int(t.events[rt.event].name)]
            guard Self.launchNames.contains(name) else { continue }
            let cpu = rt.end - rt.ts
            let gpuDur = rows[i].end - rows[i].ts
            let delay = max(0, rows[i].ts - rt.end)
            launch.pairs += 1
            if gpuDur < cpu { launch.shortKernels += 1 }
            if cpu > options.runtimeCutoff { launch.runtimeOutliers += 1 }
            if delay > options.launchDelayCutoff { launch.launchDelayOutliers += 1 }
            launch.maxLaunchDelay = max(launch.maxLaunchDelay, delay)
            delaySum += delay
            cpuSum += cpu
            gpuSum += gpuDur
            queueEvents[rows[i].stream, default: []].append((rt.ts, 1))
            queueEvents[rows[i].stream, default: []].append((rows[i].ts, -1))
        }
        if launch.pairs > 0 {
            launch.meanLaunchDelay = delaySum / Double(launch.pairs)
            launch.meanCPUDuration = cpuSum / Double(launch.pairs)
            launch.meanGPUDuration = gpuSum / Double(launch.pairs)
        }
        var queues: [QueueLength] = []
        for stream in queueEvents.keys.sorted() {
            guard var ev = queueEvents[stream] else { continue }
            ev.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 > $1.1 }
            var q = 0
            var maxQ = 0
            var total = 0.0
            var blocked = 0.0
            for (k, (time, d)) in ev.enumerated() {
                q += d
                maxQ = max(maxQ, q)
                total += Double(q)
                if q >= 1024, k + 1 < ev.count { blocked += ev[k + 1].0 - time }
            }
            queues.append(QueueLength(stream: stream, max: maxQ, mean: total / Double(ev.count), blockedTime: blocked))
        }

        result = RankAnalysis(
            rank: t.rank, rankSource: t.rankSource, file: t.file,
            kernelTime: kernelTime, idleTime: idle, computeTime: compute, nonComputeTime: nonCompute,
            idlePct: pct(idle), computePct: pct(compute), nonComputePct: pct(nonCompute),
            commCompOverlapPct: overlap, idleBreakdown: idleBreakdown, kernels: kernels, kernelTable: kernelTable,
            kernelTypes: shares,
            launch: launch, queues: queues, gpuEventCount: gpu.count, profilerSteps: steps,
            droppedLastStep: filter)
    }

    /// HTA 0.5.0's `_aggr_gpu_kernel_time` (see `RankAnalysis.kernelTable`). `sorted` is by sum, descending.
    static func htaKernelTable(_ sorted: [KernelStat], type: KernelType, numKernels: Int, durationRatio: Double) -> [KernelStat] {
        let rows = sorted.map { k -> KernelStat in
            var k = k
            if k.std.isNaN { k.std = 0 }
            return k
        }
        guard rows.count > numKernels else { return rows }
        var cumsum: [Double] = []
        var running = 0.0
        for r in rows {
            running += r.sum
            cumsum.append(running)
        }
        // pandas quantile, linear interpolation.
        let position = durationRatio * Double(cumsum.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, cumsum.count - 1)
        let quantile = cumsum[lower] + (cumsum[upper] - cumsum[lower]) * (position - Double(lower))
        var groups: [(String, [Double])] = []
        for (i, r) in rows.enumerated() {
            let name = (cumsum[i] > quantile || i >= numKernels) ? "others" : r.name
            if let g = groups.firstIndex(where: { $0.0 == name }) {
                groups[g].1.append(r.sum)
            } else {
                groups.append((name, [r.sum]))
            }
        }
        return groups.map { name, sums in
            let sum = sums.reduce(0, +)
            let mean = sum / Double(sums.count)
            var sq = 0.0
            for x in sums { sq += (x - mean) * (x - mean) }
            return KernelStat(name: name, type: type, count: sums.count, sum: sum, max: sums.max() ?? 0,
                              min: sums.min() ?? 0, mean: mean,
                              std: sums.count > 1 ? (sq / Double(sums.count - 1)).squareRoot() : 0)
        }.sorted { $0.name < $1.name }
    }

    static let launchNames: Set<String> = [
        "cudaLaunchKernel", "cudaLaunchKernelExC", "cuLaunchKernel", "cuLaunchKernelEx", "cudaMemcpyAsync",
        "cudaMemsetAsync", "hipLaunchKernel", "hipExtLaunchKernel", "hipMemcpyAsync", "hipMemsetAsync",
        "hipModuleLaunchKernel",
    ]
}
