import LinkscopeTimeline
@testable import LinkscopeDashboard

/// Small hand-built runs: two GPUs, compute and comm lanes, one all-reduce across both.
enum Fixtures {
    static func twoGPUTimeline(algorithm: String = "ring", commDuration: Int64 = 400_000) -> Timeline {
        var tl = Timeline(title: "two GPUs")
        let c0 = tl.addTrack(Track(process: "GPU 0", processSortIndex: 0, lane: "compute", laneSortIndex: 0, gpu: 0, pid: 0, tid: 0))
        let m0 = tl.addTrack(Track(process: "GPU 0", processSortIndex: 0, lane: "comm", laneSortIndex: 1, gpu: 0, pid: 0, tid: 1))
        let c1 = tl.addTrack(Track(process: "GPU 1", processSortIndex: 1, lane: "compute", laneSortIndex: 0, gpu: 1, pid: 1, tid: 0))
        let m1 = tl.addTrack(Track(process: "GPU 1", processSortIndex: 1, lane: "comm", laneSortIndex: 1, gpu: 1, pid: 1, tid: 1))
        let fwd = tl.intern("forward")
        let bwd = tl.intern("backward")
        let ar = tl.intern("allreduce \(algorithm)")
        let copy = tl.intern("memcpy")
        tl.collectives.append(CollectiveRecord(name: "allreduce#0", op: "allreduce", algorithm: algorithm, gpus: [0, 1],
                                               bytes: 64 << 20, start: 500_000, end: 500_000 + commDuration))
        for (c, m, gpu) in [(c0, m0, 0), (c1, m1, 1)] {
            tl.add(Span(track: c, name: fwd, category: .compute, start: 0, duration: 300_000))
            tl.add(Span(track: c, name: bwd, category: .compute, start: 300_000, duration: 400_000))
            let d = tl.addDetail(SpanDetail(fields: [("links", "gpu\(gpu)->gpu\(1 - gpu)"), ("protocol", "Simple")]))
            tl.add(Span(track: m, name: ar, category: .communication, start: 500_000, duration: commDuration,
                        bytes: 64 << 20, collective: 0, detail: d))
            tl.add(Span(track: m, name: copy, category: .memory, start: 500_000 + commDuration, duration: 100_000))
        }
        tl.sortSpans()
        return tl
    }

    static func settings(_ algorithm: String = "ring") -> WhatIfSettings {
        WhatIfSettings(algorithm: algorithm, scheme: "allreduce", gpus: [0, 1], messageBytes: 64 << 20, preset: "dgx1-v100")
    }

    static func model(algorithm: String = "ring") -> DashboardModel {
        let comm: Int64 = algorithm == "ring" ? 400_000 : 600_000
        let tl = twoGPUTimeline(algorithm: algorithm, commDuration: comm)
        let end = Double(500_000 + comm + 100_000) / 1e9
        let gpus = [0, 1].map {
            GPUBreakdown(gpu: $0, computeSeconds: 0.0007, communicationSeconds: Double(comm) / 1e9, idleSeconds: 0.0001,
                         overlapSeconds: 0.0002, bytesSent: 64 << 20, bytesReceived: 64 << 20)
        }
        let coll = CollectiveRow(op: "allreduce", algorithm: algorithm, gpus: [0, 1], bytes: 64 << 20, seconds: Double(comm) / 1e9,
                                 algbwGBps: 167.77, busbwGBps: 167.77, formulaSeconds: 0.00038)
        let links = [
            LinkRow(name: "gpu0->gpu1", kind: "nvlink", bytes: 64 << 20, busySeconds: 0.0004, utilisation: 0.4,
                    series: [CounterPoint(time: 0, value: 0), CounterPoint(time: 500_000, value: 1),
                             CounterPoint(time: 500_000 + comm, value: 0)]),
            LinkRow(name: "gpu1->gpu0", kind: "nvlink", bytes: 32 << 20, busySeconds: 0.0002, utilisation: 0.2,
                    series: [CounterPoint(time: 0, value: 0), CounterPoint(time: 500_000, value: 0.5),
                             CounterPoint(time: 500_000 + comm, value: 0)]),
        ]
        let topo = TopologyView(
            devices: [TopologyDevice(name: "gpu0", kind: "gpu"), TopologyDevice(name: "gpu1", kind: "gpu"),
                      TopologyDevice(name: "cpu0", kind: "cpu")],
            links: [TopologyLink(from: 0, to: 1, kind: "nvlink", bandwidthText: "25 GB/s", bytes: 64 << 20),
                    TopologyLink(from: 1, to: 0, kind: "nvlink", bandwidthText: "25 GB/s", bytes: 32 << 20),
                    TopologyLink(from: 0, to: 2, kind: "pcie", bandwidthText: "16 GB/s", bytes: 0)])
        return DashboardModel(title: "fixture", timeline: tl,
                              stats: HeaderStats(simulatedSeconds: end, iterationSeconds: end, iterations: 1,
                                                 throughputText: "256 samples/s", events: tl.spans.count),
                              gpus: gpus, collectives: [coll], links: links, topology: topo, settings: settings(algorithm))
    }

    struct Runner: WhatIfRunner {
        var choices: WhatIfChoices {
            WhatIfChoices(algorithms: ["ring", "tree"], schemes: ["allreduce"], gpuSets: [[0, 1]], messageSizes: [64 << 20],
                          presets: ["dgx1-v100"])
        }
        func run(_ settings: WhatIfSettings) -> Result<DashboardModel, DashboardError> {
            .success(Fixtures.model(algorithm: settings.algorithm))
        }
    }

    static func session(color: Bool = false, ascii: Bool = true) -> DashboardSession {
        var s = DashboardSession(model: model(), runner: Runner(),
                                 options: DashboardOptions(color: color ? .sixteen : .none, ascii: ascii))
        s.state.message = nil
        return s
    }

    /// Applies `keys` and renders at 80×24 (the minimum size) unless told otherwise.
    static func screen(_ keys: [Key], width: Int = 80, height: Int = 24, color: Bool = false, ascii: Bool = true) -> String {
        var s = session(color: color, ascii: ascii)
        for k in keys { s.handle(k, width: width, height: height) }
        return s.render(width: width, height: height, color: color).text()
    }
}
