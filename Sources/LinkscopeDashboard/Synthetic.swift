import LinkscopeCostModel
import LinkscopeTimeline
import LinkscopeUnits

/// Deterministic synthetic runs for demos, tests and the benchmark (no simulator needed): a data-parallel
/// loop with compute and communication lanes per GPU, one all-reduce per iteration across all GPUs, and
/// link utilisation on a ring. The numbers are plausible, not a model of real hardware.
public enum SyntheticDashboard {
    /// Relative all-reduce cost of each algorithm (for the what-if demo).
    static func algorithmFactor(_ algorithm: String, gpus: Int) -> Double {
        let allReduce = CollectiveOp.allreduce.busBandwidthFactor(ranks: max(2, gpus))
        switch algorithm {
        case "ring": return allReduce
        case "tree": return allReduce * 1.25
        case "ps": return Double(max(2, gpus)) / 2 + 1
        default: return 2
        }
    }

    /// The synthetic run for `settings`: `iterations` iterations of compute then one all-reduce over
    /// `settings.gpus`, costs scaled by the algorithm and preset.
    public static func model(settings: WhatIfSettings, iterations: Int = 2, title: String = "synthetic data-parallel demo")
        -> DashboardModel {
        let gpus = settings.gpus.isEmpty ? [0, 1] : settings.gpus
        let n = gpus.count
        let presetScale: Double = settings.preset.contains("h100") ? 0.4 : settings.preset.contains("a100") ? 0.6 : 1
        var tl = Timeline(title: title)
        var computeTrack: [Int32] = []
        var commTrack: [Int32] = []
        for (i, g) in gpus.enumerated() {
            computeTrack.append(tl.addTrack(Track(process: "GPU \(g)", processSortIndex: i, lane: "compute", laneSortIndex: 0,
                                                  gpu: g, pid: g, tid: 0)))
            commTrack.append(tl.addTrack(Track(process: "GPU \(g)", processSortIndex: i, lane: "comm", laneSortIndex: 1,
                                               gpu: g, pid: g, tid: 1)))
        }
        let layers = 4
        let fwd: Int64 = Int64(120_000 * presetScale)
        let bwd: Int64 = Int64(240_000 * presetScale)
        // Bytes / (25 GB/s) → ns, scaled by the algorithm's traffic factor.
        let commNs = Int64(Double(settings.messageBytes) / 100.0 * algorithmFactor(settings.algorithm, gpus: n)
                           * (settings.scheme == "parameter-server" ? 1.5 : 1))
        var t: Int64 = 0
        var linkBusy: [(Int64, Int64)] = []
        var computeS = 0.0, commS = 0.0, overlapS = 0.0
        for it in 0..<iterations {
            var cursor = t
            var commStart: Int64 = 0
            var commEnd: Int64 = 0
            for phase in 0..<2 {
                for l in 0..<layers {
                    let layer = phase == 0 ? l + 1 : layers - l
                    let name = tl.intern(phase == 0 ? "forward layer\(layer)" : "backward layer\(layer)")
                    let d = phase == 0 ? fwd : bwd
                    for (i, _) in gpus.enumerated() {
                        let jitter = Int64((i * 7 + l * 3) % 5) * 1_000
                        tl.add(Span(track: computeTrack[i], name: name, category: .compute, start: cursor, duration: d - jitter))
                    }
                    cursor += d
                    if phase == 1 && l == layers / 2 - 1 { commStart = cursor }
                }
            }
            // All-reduce of the gradients, overlapping the second half of the backward pass.
            commEnd = commStart + commNs
            let seq = tl.collectives.count
            let collName = "allreduce#\(seq)"
            tl.collectives.append(CollectiveRecord(name: collName, op: "allreduce", algorithm: settings.algorithm, gpus: gpus,
                                                   bytes: settings.messageBytes, start: commStart, end: commEnd))
            let name = tl.intern("nccl AllReduce \(settings.algorithm)")
            for (i, g) in gpus.enumerated() {
                let next = gpus[(i + 1) % n]
                let detail = tl.addDetail(SpanDetail(fields: [("links", "gpu\(g)->gpu\(next)"), ("protocol", "Simple"),
                                                             ("iteration", "\(it)")]))
                tl.add(Span(track: commTrack[i], name: name, category: .communication, start: commStart, duration: commNs,
                            bytes: settings.messageBytes, collective: Int32(seq), detail: detail))
                tl.add(Span(track: commTrack[i], name: tl.intern("memcpy grads"), category: .memory, start: commEnd,
                            duration: 20_000))
            }
            linkBusy.append((commStart, commEnd))
            let iterEnd = max(cursor, commEnd + 20_000) + 30_000
            computeS += Double(Int64(layers) * (fwd + bwd)) / 1e9
            commS += Double(commNs) / 1e9
            overlapS += Double(max(0, min(cursor, commEnd) - commStart)) / 1e9
            t = iterEnd
        }
        tl.sortSpans()
        let total = Double(t) / 1e9
        let rows = gpus.map { g in
            GPUBreakdown(gpu: g, computeSeconds: computeS, communicationSeconds: commS,
                         idleSeconds: max(0, total - computeS - commS + overlapS), overlapSeconds: overlapS,
                         bytesSent: settings.messageBytes * Int64(iterations), bytesReceived: settings.messageBytes * Int64(iterations))
        }
        let collSeconds = Double(commNs) / 1e9
        let algbw = collSeconds > 0 ? Double(settings.messageBytes) / collSeconds / 1e9 : 0
        let coll = CollectiveRow(op: "allreduce", algorithm: settings.algorithm, gpus: gpus, bytes: settings.messageBytes,
                                 seconds: collSeconds, algbwGBps: algbw, busbwGBps: algbw * CollectiveOp.allreduce.busBandwidthFactor(ranks: n),
                                 formulaSeconds: collSeconds * 0.95)
        var links: [LinkRow] = []
        var devices = gpus.map { TopologyDevice(name: "gpu\($0)", kind: "gpu") }
        devices.append(TopologyDevice(name: "cpu0", kind: "cpu"))
        var topoLinks: [TopologyLink] = []
        for (i, g) in gpus.enumerated() {
            let next = gpus[(i + 1) % n]
            var series: [CounterPoint] = [CounterPoint(time: 0, value: 0)]
            for (a, b) in linkBusy {
                series.append(CounterPoint(time: a, value: 0.9 - 0.1 * Double(i % 3)))
                series.append(CounterPoint(time: b, value: 0))
            }
            // Each ring link carries 2(n−1)/n of every all-reduce (its bus factor), kept exact in integer bytes.
            let bytes = settings.messageBytes * Int64(iterations) * Int64(2 * (n - 1)) / Int64(n)
            links.append(LinkRow(name: "gpu\(g)->gpu\(next)", kind: "nvlink", bytes: bytes, busySeconds: commS,
                                 utilisation: commS / max(total, 1e-12) * 0.85, series: series))
            topoLinks.append(TopologyLink(from: i, to: (i + 1) % n, kind: "nvlink", bandwidthText: "25 GB/s", bytes: bytes))
            topoLinks.append(TopologyLink(from: i, to: n, kind: "pcie", bandwidthText: "16 GB/s", bytes: 0))
        }
        let stats = HeaderStats(simulatedSeconds: total, iterationSeconds: total / Double(max(1, iterations)),
                                iterations: iterations,
                                throughputText: Format.number(Double(128 * n) / (total / Double(max(1, iterations)))) + " samples/s",
                                events: tl.spans.count)
        return DashboardModel(title: title, timeline: tl, stats: stats, gpus: rows, collectives: [coll], links: links,
                              topology: TopologyView(devices: devices, links: topoLinks), settings: settings)
    }

    /// Ring all-reduce of 64 MiB on four DGX-1 GPUs.
    public static let defaultSettings = WhatIfSettings(algorithm: "ring", scheme: "allreduce", gpus: [0, 1, 2, 3],
                                                       messageBytes: 64 << 20, preset: "dgx1-v100")

    /// A what-if runner over the synthetic model (for the demo and tests).
    public struct Runner: WhatIfRunner {
        /// The runner.
        public init() {}
        /// Algorithms, schemes, GPU sets, sizes and presets the demo cycles through.
        public var choices: WhatIfChoices {
            WhatIfChoices(algorithms: ["ring", "tree", "ps"], schemes: ["allreduce", "parameter-server"],
                          gpuSets: [[0, 1], [0, 1, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7]],
                          messageSizes: [16 << 20, 64 << 20, 256 << 20], presets: ["dgx1-v100", "dgx-a100", "dgx-h100"])
        }
        /// The synthetic model for `settings`; an empty GPU set is a failure.
        public func run(_ settings: WhatIfSettings) -> Result<DashboardModel, DashboardError> {
            guard !settings.gpus.isEmpty else { return .failure(.whatIfEmptyGPUSet) }
            return .success(SyntheticDashboard.model(settings: settings))
        }
    }

    /// A large, dense timeline for the frame-time benchmark: `spans` spans over `gpus` GPUs × 2 lanes.
    public static func large(spans: Int, gpus: Int = 8) -> DashboardModel {
        var tl = Timeline(title: "benchmark")
        let tracks = gpus * 2
        for g in 0..<gpus {
            tl.addTrack(Track(process: "GPU \(g)", processSortIndex: g, lane: "compute", laneSortIndex: 0, gpu: g, pid: g, tid: 0))
            tl.addTrack(Track(process: "GPU \(g)", processSortIndex: g, lane: "comm", laneSortIndex: 1, gpu: g, pid: g, tid: 1))
        }
        let names = (0..<64).map { tl.intern("kernel_\($0)") }
        tl.spans.reserveCapacity(spans)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let perTrack = spans / tracks
        for track in 0..<tracks {
            var t: Int64 = 0
            let comm = track % 2 == 1
            for _ in 0..<perTrack {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let r = Int64(truncatingIfNeeded: state >> 33)
                let d = 1_000 + r % 9_000
                let gap = comm ? 2_000 + r % 20_000 : r % 2_000
                t += gap
                tl.spans.append(Span(track: Int32(track), name: names[Int(r % 64)], category: comm ? .communication : .compute,
                                     start: t, duration: d, bytes: comm ? 1 << 20 : 0))
                t += d
            }
        }
        let stats = HeaderStats(simulatedSeconds: Double(tl.spans.last?.end ?? 0) / 1e9, events: tl.spans.count)
        let rows = (0..<gpus).map { GPUBreakdown(gpu: $0, computeSeconds: 0.5, communicationSeconds: 0.3, idleSeconds: 0.2,
                                                 overlapSeconds: 0.1) }
        return DashboardModel(title: "benchmark: \(spans) spans", timeline: tl, stats: stats, gpus: rows)
    }
}
