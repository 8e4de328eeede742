import LinkscopeFabric
import LinkscopeScenario
import LinkscopeSchedule
import LinkscopeTopology

/// Training jobs that run together on one fabric (`jobs:`): where they are in the merged schedule, and
/// how fast each runs alone, so the report can show what sharing costs each of them.
struct SharedJobs {
    var descriptions: [JobDescription]
    /// Task ranges of each job in the merged schedule.
    var taskRanges: [Range<Int>]
    var aloneMakespan: [Double]

    /// Per-job iteration times in the shared run, next to running alone.
    func results(_ result: ExecutionResult) -> [JobResult] {
        descriptions.indices.map { k in
            let d = descriptions[k]
            let end = taskRanges[k].reduce(0.0) { max($0, result.taskEnd[$1]) }
            let iterations = Double(max(d.training.iterations, 1))
            let shared = end / iterations
            let alone = aloneMakespan[k] / iterations
            return JobResult(name: d.name, gpus: d.gpus, iterations: d.training.iterations, aloneIterationTime: alone,
                             sharedIterationTime: shared,
                             samplesPerSecond: shared > 0 ? Double(d.training.globalBatch) / shared : 0)
        }
    }
}

extension Simulator {
    /// Runs a schedule on the fabric, naming the job in routing errors.
    static func execute(_ schedule: Schedule, label: String, fabric: FabricSimulator, topology: Topology,
                        mirrors: [Int32] = []) throws(SimulationError) -> ExecutionResult
    {
        do {
            return try fabric.run(schedule, mirrors: mirrors)
        } catch {
            switch error {
            case .noRoute(let a, let b):
                throw .noRoute(from: topology.devices[a].name, to: topology.devices[b].name, name: label)
            case .unknownDevice(let d):
                throw .unknownDevice(job: label, index: d)
            }
        }
    }

    /// The `jobs:` of a scenario as one schedule: each job generated on its own GPUs (collective ids kept
    /// distinct), then merged so that they contend for links (and for GPUs they share). Each job is also
    /// run alone for the comparison.
    static func sharedJobs(_ scenario: Scenario, fabric: FabricSimulator) throws(SimulationError) -> Job {
        var merged = Job(label: "jobs")
        var info = SharedJobs(descriptions: scenario.jobs, taskRanges: [], aloneMakespan: [])
        var nextID: Int32 = 0
        for d in scenario.jobs {
            var s = scenario
            s.gpus = d.gpus
            s.model = d.model
            s.training = d.training
            s.jobs = []
            var planner = JobBuilder(scenario: s)
            planner.nextCollectiveID = nextID
            let generated: Job?
            if isHybrid(d.training) {
                generated = try planner.parallelTrainingJob()?.0
            } else {
                generated = try planner.trainingJob()?.0
            }
            nextID = planner.nextCollectiveID
            guard let job = generated else { continue }
            let alone = try execute(job.schedule, label: d.name, fabric: fabric, topology: scenario.topology)
            info.aloneMakespan.append(alone.makespan)
            let start = merged.schedule.count
            merge(job, into: &merged)
            info.taskRanges.append(start..<merged.schedule.count)
        }
        merged.shared = info
        return merged
    }

    /// Appends `job`'s tasks, collectives and analytic loads to `merged`, shifting task ids.
    static func merge(_ job: Job, into merged: inout Job) {
        let offset = merged.schedule.count
        for (i, task) in job.schedule.tasks.enumerated() {
            let deps = job.schedule.dependencies(of: TaskID(i)).map { TaskID($0.index + offset) }
            let served = task.servedDependency >= 0 ? TaskID(Int(task.servedDependency) + offset) : nil
            merged.schedule.add(task.kind, tag: task.tag, after: deps, afterServed: served)
        }
        merged.collectives += job.collectives
        let groupBase = Int32(merged.analyticGroups.count)
        merged.analyticGroups += job.analyticGroups
        merged.analyticLoads += job.analyticLoads.map { load in
            var l = load
            l.task = TaskID(load.task.index + offset)
            l.group += groupBase
            return l
        }
    }
}
