import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeDashboard
import LinkscopeScenario
import LinkscopeSim
import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeUnits

/// Builds dashboard snapshots from simulation runs, and re-simulates for the what-if keys.
/// Lives in the executable: the simulator knows nothing of the dashboard and vice versa.
struct ScenarioWhatIf: WhatIfRunner {
    let base: Scenario
    let choices: WhatIfChoices

    init(base: Scenario) {
        self.base = base
        var algorithms: [String]
        if let first = base.collectives.first {
            algorithms = CollectiveCompiler.supportedAlgorithms(for: first.op).map(\.rawValue)
        } else {
            algorithms = CollectiveCompiler.supportedAlgorithms(for: .allreduce).map(\.rawValue)
        }
        if base.topology.nodeCount < 2 { algorithms.removeAll { $0 == Algorithm.hierarchical.rawValue } }
        let n = base.topology.gpuCount
        var sets: [[Int]] = [base.gpus, Array(0..<n)]
        if n == 8 { sets += [[0, 1, 2, 3], [0, 1, 4, 5], [0, 1, 5, 6], [0, 3, 5, 6], [0, 1]] }
        if n > 8 { sets += [Array(0..<(n / 2)), Array(0..<8)] }
        var unique: [[Int]] = []
        for s in sets where !unique.contains(s) && s.count >= 2 { unique.append(s) }
        var sizes: [Int64] = [1 << 20, 16 << 20, 64 << 20, 256 << 20, 1 << 30]
        if let s = base.collectives.first?.sizes.first?.count, !sizes.contains(s) {
            sizes.append(s)
            sizes.sort()
        }
        var presets = Topology.presetNames
        if base.cluster.preset == nil { presets.insert(base.topology.name, at: 0) }
        choices = WhatIfChoices(
            algorithms: algorithms, schemes: base.training == nil ? [] : ["allreduce", "parameter-server"],
            gpuSets: unique, messageSizes: base.collectives.isEmpty ? [] : sizes, presets: presets,
            parameters: base.training == nil ? [] : [WhatIfParameterChoice(name: "batch_per_gpu",
                                                                           values: ["32", "64", "128", "256"])],
            notApplicable: base.collectives.isEmpty && base.training != nil
                ? [.messageSize: "message size does not apply to training; t cycles batch per GPU"]
                : [:])
    }

    /// The settings that describe `base` as loaded.
    var initialSettings: WhatIfSettings {
        let algorithm = base.collectives.first?.algorithm.rawValue
            ?? (base.training?.sync.scheme == .parameterServer ? "ps" : base.training?.sync.algorithm.rawValue ?? "ring")
        var parameters: [WhatIfParameterValue] = []
        if let t = base.training { parameters.append(WhatIfParameterValue(name: "batch_per_gpu", value: "\(t.batchPerGPU)")) }
        return WhatIfSettings(algorithm: algorithm,
                              scheme: base.training?.sync.scheme == .parameterServer ? "parameter-server" : "allreduce",
                              gpus: base.gpus, messageBytes: base.collectives.first?.sizes.first?.count ?? 0,
                              preset: base.cluster.preset ?? base.topology.name, parameters: parameters)
    }

    func run(_ settings: WhatIfSettings) -> Result<DashboardModel, DashboardError> {
        do {
            let scenario = try apply(settings)
            let run = try Simulator.run(scenario, options: RunOptions(recordTimeline: true, recordLinkHistory: true,
                                                                      runSweep: false))
            var model = ScenarioWhatIf.model(run, scenario: scenario)
            model.settings = settings
            return .success(model)
        } catch let e as DashboardError {
            return .failure(e)
        } catch {
            return .failure(.whatIfFailed(reason: "\(error)"))
        }
    }

    /// `base` with the what-if settings applied; each knob changes the scenario only when it differs
    /// from the scenario's own setting, so the first run is the scenario exactly as written.
    func apply(_ s: WhatIfSettings) throws -> Scenario {
        let initial = initialSettings
        var sc = base
        sc.sweep = []
        if s.preset != initial.preset {
            do {
                sc.topology = try Topology.preset(s.preset, nodes: base.cluster.nodes, fabric: base.cluster.fabric ?? FabricSpec())
            } catch {
                throw DashboardError.whatIfFailed(reason: error.message)
            }
            sc.cluster.preset = s.preset
        }
        let count = sc.topology.gpuCount
        guard s.gpus.count >= 2, s.gpus.allSatisfy({ $0 >= 0 && $0 < count }) else {
            throw DashboardError.whatIfGPUSetDoesNotFit(gpus: s.gpus, topology: sc.topology.name, gpuCount: count)
        }
        let gpusChanged = s.gpus != initial.gpus || sc.topology.gpuCount != base.topology.gpuCount
        if gpusChanged { sc.gpus = s.gpus }
        guard let algorithm = Algorithm(rawValue: s.algorithm) else {
            throw DashboardError.whatIfUnknownAlgorithm(s.algorithm)
        }
        for i in sc.collectives.indices {
            if gpusChanged {
                sc.collectives[i].gpus = nil
                sc.collectives[i].root = s.gpus[0]
            }
            if s.messageBytes != initial.messageBytes && s.messageBytes > 0 {
                sc.collectives[i].sizes = [Bytes(s.messageBytes)]
            }
            if s.algorithm != initial.algorithm,
               CollectiveCompiler.supportedAlgorithms(for: sc.collectives[i].op).contains(algorithm) {
                sc.collectives[i].algorithm = algorithm
            }
        }
        if var t = sc.training {
            if gpusChanged { t.parallelism.data = s.gpus.count / max(1, t.parallelism.tensor * t.parallelism.pipeline) }
            if s.scheme != initial.scheme || s.algorithm != initial.algorithm {
                if s.scheme == "parameter-server" || algorithm == .ps {
                    t.sync.scheme = .parameterServer
                    t.sync.algorithm = .ps
                    t.sync.servers = min(t.sync.servers, s.gpus.count)
                } else {
                    t.sync.scheme = .allreduce
                    t.sync.algorithm = algorithm
                }
            }
            if let b = s.parameters.first(where: { $0.name == "batch_per_gpu" }).flatMap({ Int($0.value) }) {
                t.batchPerGPU = b
            }
            sc.training = t
        }
        return sc
    }

    /// A dashboard snapshot of one run.
    static func model(_ run: SimulationRun, scenario: Scenario) -> DashboardModel {
        let r = run.report
        let timeline = run.timeline ?? Timeline(title: scenario.name)
        let throughput = r.training.map { Format.number($0.samplesPerSecond) + " samples/s" }
        let stats = HeaderStats(simulatedSeconds: r.simulatedTime, iterationSeconds: r.iterationTime,
                                iterations: r.training?.iterations, throughputText: throughput, events: r.events)
        let gpus = r.gpus.map {
            GPUBreakdown(gpu: $0.id, computeSeconds: $0.compute, communicationSeconds: $0.communication,
                         idleSeconds: $0.idle, overlapSeconds: $0.overlap, bytesSent: $0.bytesSent,
                         bytesReceived: $0.bytesReceived)
        }
        let standalone = r.collectives.filter { !$0.isTrainingSync }
        let shown = standalone.isEmpty ? r.collectives : standalone
        let collectives = shown.map {
            CollectiveRow(op: $0.op, algorithm: $0.algorithm, gpus: $0.gpus, bytes: $0.bytes, seconds: $0.time,
                          algbwGBps: $0.algbw, busbwGBps: $0.busbw, formulaSeconds: $0.formulaTime)
        }
        var series: [String: [CounterPoint]] = [:]
        for c in timeline.counters { series[c.name] = c.points }
        let links = r.links.map {
            LinkRow(name: "\($0.from)->\($0.to)", kind: $0.kind, bytes: $0.bytes, busySeconds: $0.busy,
                    utilisation: $0.utilization, series: series["\($0.from)->\($0.to)"] ?? [])
        }
        let t = scenario.topology
        var bytesByLink = Array(repeating: Int64(0), count: t.links.count)
        for l in r.links { bytesByLink[l.index] = l.bytes }
        let topology = TopologyView(
            devices: t.devices.map { TopologyDevice(name: $0.name, kind: $0.kind.rawValue) },
            links: t.links.enumerated().map { i, l in
                TopologyLink(from: l.from, to: l.to, kind: l.kind.rawValue,
                             bandwidthText: Format.bandwidth(l.bandwidth.bytesPerSecond), bytes: bytesByLink[i])
            })
        return DashboardModel(title: scenario.name, timeline: timeline, stats: stats, gpus: gpus,
                              collectives: collectives, links: links, topology: topology)
    }
}
