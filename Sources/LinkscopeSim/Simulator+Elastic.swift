import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeScenario
import LinkscopeSchedule

extension Simulator {
    /// Elastic data-parallel training (book ch11, docs/cost-model.md §17): one training job per segment between
    /// resizes, each on its own GPU set (the ring is rebuilt for it), and between them a resize job in which
    /// the first surviving GPU broadcasts the weights and optimizer state to the newcomers. Leavers cost
    /// nothing. With `keep: global-batch` each replica's batch becomes global ÷ N'; otherwise the global
    /// batch (and a linearly scaled learning rate) follows N'.
    static func elasticJobs(scenario: Scenario, plan: ElasticPlan, planner: inout JobBuilder) throws(SimulationError)
        -> [Job]
    {
        guard let training = scenario.training, let model = scenario.model else { return [] }
        var jobs: [Job] = []
        var gpus = scenario.gpus
        var start = 0
        let global = training.globalBatch
        let steps = plan.resizes.map { ($0.at, $0.gpus) } + [(training.iterations, [])]
        for (index, (at, next)) in steps.enumerated() {
            if at > start {
                var segment = scenario
                segment.gpus = gpus
                var t = training
                t.iterations = at - start
                t.parallelism.data = gpus.count
                if plan.keepGlobalBatch { t.batchPerGPU = max(1, global / gpus.count) }
                t.elastic = nil
                segment.training = t
                var segmentPlanner = JobBuilder(scenario: segment)
                if let (job, costs) = try segmentPlanner.trainingJob() {
                    var labelled = job
                    labelled.label = "training on \(gpus.count) GPUs, iterations \(start)-\(at - 1)"
                    labelled.segment = segment
                    labelled.costs = costs
                    jobs.append(labelled)
                }
            }
            guard index < plan.resizes.count else { break }
            let newcomers = next.filter { !gpus.contains($0) }
            if let root = gpus.first(where: { next.contains($0) }) ?? gpus.first, !newcomers.isEmpty {
                let state = MemoryModel.states(parameters: model.parameters, dtype: model.dtype,
                                               optimizer: training.optimizer, zero: 0, data: 1)
                let bytes = state.weights + state.optimizer
                var job = Job(label: "elastic resize at iteration \(at)")
                let group = [root] + newcomers
                let algorithm = AlgorithmSupport.defaultAlgorithm(for: .broadcast)
                let req = try planner.request(op: .broadcast, algorithm: algorithm, bytes: bytes, gpus: group,
                                              rootGPU: root, servers: 1, sharding: .balanced, placement: .gpus,
                                              layerBytes: [])
                let name = "elastic resize at iteration \(at): \(gpus.count) → \(next.count) GPUs, weights + "
                    + "optimizer state to \(newcomers.count) newcomer" + (newcomers.count == 1 ? "" : "s")
                do {
                    _ = try CollectiveCompiler.compile(req, into: &job.schedule, after: [])
                } catch {
                    throw .collective(name: name, message: JobBuilder.describe(error))
                }
                job.collectives.append(CollectiveMeta(name: name, op: .broadcast, algorithm: algorithm, gpus: group,
                                                      bytes: bytes, request: req, concurrentGroup: nil,
                                                      isTrainingSync: false))
                jobs.append(job)
            }
            gpus = next
            start = at
        }
        return jobs
    }
}
