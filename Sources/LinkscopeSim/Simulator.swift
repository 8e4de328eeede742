import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeFabric
import LinkscopeScenario
import LinkscopeSchedule
import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeUnits

/// What to record besides the report.
public struct RunOptions: Sendable {
    /// Build the timeline (needed for traces and the dashboard; costs memory per task).
    public var recordTimeline: Bool
    /// Record per-link rate history (link heat maps, counter tracks).
    public var recordLinkHistory: Bool
    /// Also simulate every sweep combination.
    public var runSweep: Bool
    /// One timeline span per transfer (every chunk and hop) instead of one per GPU and collective phase.
    public var transferSpans: Bool
    /// How tensor-parallel collectives are simulated (tests compare the choices).
    var tensorPricing = TensorParallelPricing.Mode()
    /// Run plain rings of the `collectives:` section as ring programs when no timeline is recorded (tests
    /// compare both forms).
    var lazyRings = true
    public init(recordTimeline: Bool = false, recordLinkHistory: Bool = false, runSweep: Bool = true,
                transferSpans: Bool = false) {
        self.recordTimeline = recordTimeline
        self.recordLinkHistory = recordLinkHistory
        self.runSweep = runSweep
        self.transferSpans = transferSpans
    }
}

/// Everything one simulation produced.
public struct SimulationRun: Sendable {
    public var report: Report
    public var timeline: Timeline?
    public var traffic: TrafficAnalysis
}

/// The facade the CLI, the dashboard and the tests use: scenario in, report/timeline/traffic out.
public enum Simulator {
    public static let version = "0.1.0"

    public static func run(_ scenario: Scenario, options: RunOptions = RunOptions()) throws(SimulationError)
        -> SimulationRun
    {
        try SimulationLimits.check(tasks: SimulationLimits.trainingTasks(scenario), what: "the training job")
        var planner = JobBuilder(scenario: scenario)
        planner.tensorPricing = options.tensorPricing
        planner.lazyRings = options.lazyRings && !options.recordTimeline
        var jobs: [Job] = []
        var costs: ComputeCosts?
        var parallel: ParallelInfo?
        if let t = scenario.training, isHybrid(t) {
            if let (job, info) = try planner.parallelTrainingJob() {
                jobs.append(job)
                parallel = info
            }
        } else if let t = scenario.training, let plan = t.elastic, !plan.resizes.isEmpty {
            jobs += try elasticJobs(scenario: scenario, plan: plan, planner: &planner)
        } else {
            let training: (Job, ComputeCosts)?
            do { training = try planner.trainingJob() } catch {
                throw error.path == nil ? .at(path: "training.sync", error) : error
            }
            if let (job, c) = training {
                try SimulationLimits.check(tasks: Double(job.schedule.count), what: "the training job")
                jobs.append(job)
                costs = c
            }
        }
        jobs += try planner.collectiveJobs(tasksBefore: jobs.reduce(0) { $0 + $1.schedule.count })

        // Under the NCCL-like model links run at the bandwidth it assumes (NCCL's effective figures, or line
        // rate × link_efficiency when given), already applied to its topology.
        let topology = planner.nccl?.topology ?? scenario.topology
        let fabric = FabricSimulator(topology: topology,
                                     options: FabricOptions(recordLinkHistory: options.recordLinkHistory,
                                                            linkEfficiency: planner.nccl == nil
                                                                ? scenario.options.linkEfficiency : 1))
        if !scenario.jobs.isEmpty { jobs.append(try sharedJobs(scenario, fabric: fabric)) }
        guard !jobs.isEmpty else { throw .nothingToSimulate }
        try SimulationLimits.check(total: jobs.reduce(0.0) { sum, job in
            job.collectives.reduce(sum) { $0 + SimulationLimits.trafficBound(bytes: $1.bytes, ranks: $1.gpus.count,
                                                                              algorithm: $1.algorithm) }
        }, what: "the scenario")
        var acc = Accounting(topology: topology)
        var builder = options.recordTimeline ? TimelineBuilder(topology: topology, title: scenario.name,
                                                                        transferSpans: options.transferSpans) : nil
        let bridge = FormulaBridge(topo: planner.topo)
        var report = Report(scenario: scenario.name, topologyName: topology.name)
        if let nccl = planner.nccl {
            report.collectiveModel = "NCCL-like (NCCL v2.30.7 tuner), \(scenario.options.collectiveFidelity.rawValue); "
                + nccl.basis.description
        }
        var offset = 0.0

        for job in jobs {
            let result = try execute(job.schedule, label: job.label, fabric: fabric, topology: topology,
                                     mirrors: job.mirrorOf)
            if let shared = job.shared { report.jobs = shared.results(result) }
            let perCollective = acc.add(job: job, result: result, offset: offset)
            for (meta, var agg) in zip(job.collectives, perCollective) {
                let time = agg.end - agg.start
                var formula = bridge.prediction(for: meta, usedPairs: agg.pairs)
                var algorithm = meta.algorithm.rawValue
                if let plan = meta.nccl {  // the model's own time is the formula; the report names the pick
                    formula = (plan.modelTime, plan.algorithmBandwidth, plan.latency)
                    algorithm += " (\(plan.summary)\(meta.analyticalTraffic != nil ? ", analytical" : ""))"
                    if let t = meta.analyticalTraffic { agg.traffic = t }
                }
                let algbw = time > 0 ? Double(meta.bytes) / time / 1e9 : 0
                report.collectives.append(CollectiveResult(
                    name: meta.name, op: meta.op.rawValue, algorithm: algorithm, gpus: meta.gpus,
                    bytes: meta.bytes, time: time, algbw: algbw,
                    busbw: algbw * meta.op.busBandwidthFactor(ranks: meta.gpus.count),
                    formulaTime: formula.time, formulaBandwidth: formula.bandwidth, formulaLatency: formula.latency,
                    trafficBytes: agg.traffic, start: offset + agg.start, end: offset + agg.end,
                    concurrentGroup: meta.concurrentGroup, isTrainingSync: meta.isTrainingSync))
            }
            builder?.add(job: job, result: result, offset: offset, collectiveBase: report.collectives.count - job.collectives.count)
            if job.iterations > 0, let training = scenario.training, let model = scenario.model, let parallel {
                report.gpus = acc.gpuResults(total: offset + result.makespan, jobGPUs: scenario.gpus)
                parallelSummary(job: job, result: result, info: parallel, scenario: scenario, training: training,
                                model: model, acc: acc, report: &report)
                report.iterationTime = result.makespan / Double(job.iterations)
                report.memory = planner.memoryPerGPU(layout: parallel.layout, model: model, training: training)
            } else if job.iterations > 0, let training = (job.segment ?? scenario).training, let model = scenario.model,
                      let costs = job.costs ?? costs {
                report.training = summary(job: job, result: result, training: training, model: model, costs: costs,
                                          collectives: Array(report.collectives.suffix(job.collectives.count)),
                                          acc: acc, planner: planner)
                if var t = report.training {
                    finishSummary(&t, training: training, model: model, scenario: scenario,
                                  iterationTime: result.makespan / Double(max(job.iterations, 1)),
                                  gpuCount: training.parallelism.data)
                    report.training = t
                }
                report.iterationTime = result.makespan / Double(job.iterations)
                let layout = ParallelLayout(parallelism: training.parallelism, jobGPUs: (job.segment ?? scenario).gpus,
                                            model: model)
                report.memory = planner.memoryPerGPU(layout: layout, model: model, training: training)
            }
            offset += result.makespan
        }

        report.simulatedTime = offset
        report.events = acc.events
        let bubbles = Dictionary(report.gpus.compactMap { g in g.bubble.map { (g.id, $0) } }) { a, _ in a }
        report.gpus = acc.gpuResults(total: offset, jobGPUs: scenario.gpus)
        for i in report.gpus.indices { report.gpus[i].bubble = bubbles[report.gpus[i].id] }
        report.links = acc.linkResults(total: offset)
        report.warnings += MemoryReport.outOfMemoryWarnings(report.memory)
        if options.runSweep {
            report.sweep = scenario.sweep.map(sweepResult)  // one after another; concurrent: Simulator+Sweep.swift
        }
        var timeline = builder?.finish(collectives: report.collectives)
        timeline?.metadata = [("linkscope_version", version), ("scenario", scenario.name), ("file", scenario.file),
                              ("topology", topology.name)]
        let traffic = TrafficAnalysis(scenario: scenario, report: report, accounting: acc, version: version)
        return SimulationRun(report: report, timeline: timeline, traffic: traffic)
    }

    static func summary(job: Job, result: ExecutionResult, training: TrainingDescription, model: ModelDescription,
                        costs: ComputeCosts, collectives: [CollectiveResult], acc: Accounting,
                        planner: JobBuilder) -> TrainingSummary {
        let iterations = max(1, job.iterations)
        let workers = job.collectives.first?.gpus ?? Array(planner.scenario.gpus.prefix(training.parallelism.data))
        // Sync time per iteration: first bucket start to last bucket end, averaged.
        var syncTotal = 0.0
        var byIteration: [Int: (Double, Double)] = [:]
        for (i, c) in collectives.enumerated() {
            let it = i * iterations / max(1, collectives.count)
            let cur = byIteration[it] ?? (c.start, c.end)
            byIteration[it] = (min(cur.0, c.start), max(cur.1, c.end))
        }
        for it in 0..<iterations { if let (s, e) = byIteration[it] { syncTotal += e - s } }
        let firstDevice = workers.first.flatMap { planner.topology.device(ofGPU: $0) } ?? 0
        let servers = job.collectives.first?.request.servers ?? []
        let isPS = job.collectives.first?.algorithm == .ps
        let iterationTime = result.makespan / Double(iterations)
        let spent = collectives.reduce(0.0) { $0 + ($1.end - $1.start) } / Double(iterations)
        let sync = isPS
            ? "parameter-server (\(servers.count) server\(servers.count == 1 ? "" : "s"))"
            : "allreduce \(training.sync.algorithm.rawValue)"
        return TrainingSummary(
            model: model.preset ?? "custom", parameters: model.parameters, gradientBytes: model.gradientBytes,
            workers: workers.count, batchPerGPU: training.batchPerGPU, iterations: job.iterations, sync: sync,
            forwardTime: costs.forwardTotal, backwardTime: costs.backwardTotal, syncTime: syncTotal / Double(iterations),
            samplesPerSecond: iterationTime > 0 ? Double(workers.count * training.batchPerGPU) / iterationTime : 0,
            perWorkerSent: acc.jobSent(firstDevice) / Int64(iterations),
            perWorkerReceived: acc.jobReceived(firstDevice) / Int64(iterations),
            perServerReceived: isPS ? servers.first.map { acc.jobReceived($0) / Int64(iterations) } : nil,
            perServerSent: isPS ? servers.first.map { acc.jobSent($0) / Int64(iterations) } : nil,
            syncTotal: spent, syncExposed: max(0, iterationTime - costs.forwardTotal - costs.backwardTotal))
    }
}
