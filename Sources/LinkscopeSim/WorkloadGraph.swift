import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeScenario
import LinkscopeSchedule

/// One step of a rank's workload: compute, a point-to-point send or receive, or its part in a collective.
public struct WorkloadNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case compute(seconds: Double)
        case send(to: Int, bytes: Int64, tag: Int)
        case receive(from: Int, bytes: Int64, tag: Int)
        /// `bytes` as `CollectiveRequest.bytes` (nccl-tests: the whole buffer); `group` lists ranks; `root` a rank.
        case collective(op: CollectiveOp, bytes: Int64, group: [Int], root: Int)
    }
    public var name: String
    public var kind: Kind
}

/// A rank's workload in program order: each node starts after the previous one (the per-rank graph that
/// Chakra execution traces describe). Rank r is the job's r-th GPU.
public struct RankWorkload: Sendable, Equatable {
    public var rank: Int
    public var gpu: Int
    public var nodes: [WorkloadNode]
}

extension Simulator {
    /// The training scenario's workload per rank (one iteration set as `iterations` says), linearised from
    /// the generated task graph: compute steps, pipeline sends and receives, and one node per collective
    /// (tensor-parallel collectives priced analytically appear one node per collective as well).
    public static func workload(_ scenario: Scenario) throws(SimulationError) -> [RankWorkload] {
        guard let training = scenario.training, let model = scenario.model, scenario.jobs.isEmpty,
              training.elastic == nil
        else { throw .workloadNeedsOneTrainingJob }
        var planner = JobBuilder(scenario: scenario)
        let job: Job
        let gpus: [Int]
        if isHybrid(training) {
            guard let (j, info) = try planner.parallelTrainingJob() else { return [] }
            (job, gpus) = (j, info.layout.gpus)
        } else {
            guard let (j, _) = try planner.trainingJob() else { return [] }
            (job, gpus) = (j, ParallelLayout(parallelism: training.parallelism, jobGPUs: scenario.gpus, model: model).gpus)
        }
        var rankOfDevice: [Int: Int] = [:]
        for (r, g) in gpus.enumerated() {
            if let d = scenario.topology.device(ofGPU: g) { rankOfDevice[d] = r }
        }
        var out = gpus.enumerated().map { RankWorkload(rank: $0.offset, gpu: $0.element, nodes: []) }
        var slot: [Int32: Int] = [:]
        for (i, c) in job.collectives.enumerated() { slot[c.request.collectiveID] = i }
        var emitted = Set<Int>()
        var tags: [Int64: Int] = [:]
        var loadOf: [Int: AnalyticLoad] = [:]
        for load in job.analyticLoads { loadOf[load.task.index] = load }
        func ranks(_ gpuList: [Int]) -> [Int] { gpuList.compactMap { gpus.firstIndex(of: $0) } }
        for (i, task) in job.schedule.tasks.enumerated() {
            if task.tag.collective >= 0, let c = slot[task.tag.collective] {
                guard emitted.insert(c).inserted else { continue }
                let meta = job.collectives[c]
                let group = ranks(meta.gpus)
                let root = group.first ?? 0
                for r in group {
                    out[r].nodes.append(WorkloadNode(name: meta.name, kind: .collective(op: meta.op, bytes: meta.bytes,
                                                                                        group: group, root: root)))
                }
                continue
            }
            switch task.kind {
            case .compute(let d, let seconds, _):
                guard let r = rankOfDevice[Int(d)] else { continue }
                let name = task.tag.phase == .none ? "compute" : "\(task.tag.phase.name) \(task.tag.chunk)"
                out[r].nodes.append(WorkloadNode(name: name, kind: .compute(seconds: seconds)))
            case .transfer(let a, let b, let bytes, _):
                guard let s = rankOfDevice[Int(a)], let t = rankOfDevice[Int(b)], s != t else { continue }
                let key = Int64(s) << 32 | Int64(t)
                let tag = tags[key, default: 0]
                tags[key] = tag + 1
                out[s].nodes.append(WorkloadNode(name: "send", kind: .send(to: t, bytes: bytes, tag: tag)))
                out[t].nodes.append(WorkloadNode(name: "recv", kind: .receive(from: s, bytes: bytes, tag: tag)))
            case .delay:
                guard let load = loadOf[i] else { continue }
                let group = job.analyticGroups[Int(load.group)].devices.compactMap { rankOfDevice[$0] }
                for _ in 0..<Int(load.count) {
                    for r in group {
                        out[r].nodes.append(WorkloadNode(name: "tp allreduce", kind: .collective(
                            op: .allreduce, bytes: load.bytes, group: group, root: group.first ?? 0)))
                    }
                }
            }
        }
        return out
    }
}
