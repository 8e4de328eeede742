import LinkscopeTimeline

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
        var runtimeRow: [Int64: Int] = [:]  // lookup only
        runtimeRow.reserveCapacity(rows.count / 4)
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
        // Per name id: kernel types are a function of the name, classified once.
        var typeCache = [KernelType?](repeating: nil, count: t.strings.count)
        for i in kept where rows[i].stream != -1 {
            gpu.append(i)
            let nameID = Int(t.events[rows[i].event].name)
            if let k = typeCache[nameID] {
                types.append(k)
            } else {
                let k = classifier.type(of: t.strings[nameID])
                typeCache[nameID] = k
                types.append(k)
            }
        }

        // Temporal breakdown (§3.5).
        var activities: [(Double, Double, ActivityKind)] = []
        activities.reserveCapacity(gpu.count)
        for (j, i) in gpu.enumerated() { activities.append((rows[i].ts, rows[i].end, types[j].activityKind)) }
        // HTA keeps zero-length and (after its rounding) reversed intervals: `keepingEmpty`.
        let breakdown = ActivityBreakdown(activities, keepingEmpty: true)
        let all = breakdown.busy.intervals
        let comp = breakdown[.compute]
        let comm = breakdown[.communication]
        let mem = breakdown[.memory]
        let kernelTime = all.isEmpty ? 0 : all[all.count - 1].end - all[0].start
        let idle = kernelTime - breakdown.busy.length
        let compute = comp.length
        let nonCompute = kernelTime - compute - idle
        func pct(_ v: Double) -> Double { kernelTime > 0 ? HTAMath.round(100 * (v / kernelTime), 2) : .nan }

        // Comm/comp overlap (§3.6).
        let commBusy = comm.length
        let overlap: Double? = comm.isEmpty ? nil
            : HTAMath.round(100 * (breakdown.overlap / commBusy), 2)

        // Idle breakdown per stream (§3.7).
        let idleCats: Set<String> = ["kernel", "Kernel", "gpu_memset", "Memset", "gpu_memcpy", "Memcpy", "mtia_ccp_events"]
        let isIdleCat = t.strings.map { idleCats.contains($0) }
        var perStream: [Int64: [Int]] = [:]
        for i in kept where rows[i].stream != -1 && isIdleCat[Int(t.events[rows[i].event].category)] {
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
                for (a, b) in set.intervals {
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
                                              percentage: total > 0 ? HTAMath.round(sum / total * 100, 1) : 0))
            }
        }

        // Kernel table (§3.8 b).
        // Durations per name, names in order of first appearance.
        var group = [Int32](repeating: -1, count: t.strings.count)
        var groups: [[Double]] = []
        var order: [Int] = []
        for i in gpu {
            let n = Int(t.events[rows[i].event].name)
            if group[n] < 0 {
                group[n] = Int32(groups.count)
                groups.append([])
                order.append(n)
            }
            groups[Int(group[n])].append(rows[i].end - rows[i].ts)
        }
        var kernels: [KernelStat] = []
        for n in order {
            let d = groups[Int(group[n])]
            guard let type = typeCache[n], type != .other else { continue }
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
        var isLaunch = [UInt8](repeating: 0, count: t.strings.count)  // per name id: 0 not asked, 1 yes, 2 no
        var queueEvents: [Int64: [(Double, Int)]] = [:]
        var delaySum = 0.0
        var cpuSum = 0.0
        var gpuSum = 0.0
        for i in kept where rows[i].isGPU && rows[i].stream >= 0 && rows[i].kind.isGPUActivity {
            guard let h = runtimeRow[rows[i].correlation], keptHost[h] else { continue }
            let rt = rows[h]
            let nameID = Int(t.events[rt.event].name)
            if isLaunch[nameID] == 0 { isLaunch[nameID] = Self.launchNames.contains(t.strings[nameID]) ? 1 : 2 }
            guard isLaunch[nameID] == 1 else { continue }
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
