import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopePlanning
import LinkscopeScenario
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits

/// Collectives under the NCCL-like model (docs/nccl-model.md): NCCL's tuner picks or checks the algorithm and
/// protocol, and the collective runs as paced channel flows, or as one analytically priced delay.
extension JobBuilder {
    /// Whether `entry` runs under the NCCL-like model: `algorithm: auto|nvls`, a `protocol` or `channels`, or
    /// `simulation: {model: nccl}` for NCCL's own algorithms (ring, tree).
    static func usesNCCL(_ entry: CollectiveDescription, options: SimulationOptions) -> Bool {
        if entry.algorithm == .auto || entry.algorithm == .nvls || entry.proto != nil || entry.channels != nil { return true }
        return options.collectiveModel == .nccl && entry.algorithm.ncclAlgorithm != nil
    }

    /// The NCCL planner when the scenario needs one: on NCCL's effective bandwidths unless `link_efficiency` is given.
    static func ncclPlanner(for scenario: Scenario) -> NCCLPlanner? {
        guard scenario.collectives.contains(where: { usesNCCL($0, options: scenario.options) }) else { return nil }
        let o = scenario.options
        return NCCLPlanner(topology: scenario.topology, linkEfficiency: o.linkEfficiencyGiven ? o.linkEfficiency : nil)
    }

    mutating func addNCCL(entry: CollectiveDescription, size: Bytes, gpus: [Int], to job: inout Job,
                          after: [TaskID]) throws(SimulationError) {
        guard let nccl else { return }
        let name = "\(entry.op.rawValue) \(entry.algorithm.rawValue) \(size)"
        let rootRank = gpus.firstIndex(of: entry.root) ?? 0
        guard let plan = nccl.plan(op: entry.op, bytes: size.count, gpus: gpus, root: rootRank,
                                   algorithm: entry.algorithm.ncclAlgorithm, proto: entry.proto?.fixed,
                                   channels: entry.channels ?? scenario.options.channels) else {
            throw .collective(name: name, message: "NCCL offers no \(entry.algorithm.rawValue)"
                + (entry.proto.map { "/\($0.rawValue)" } ?? "") + " \(entry.op.rawValue) on these GPUs"
                + " (NVLS needs an NVSwitch node of Hopper or later; tree is all-reduce only)")
        }
        let participants = gpus.compactMap { nccl.topology.device(ofGPU: $0) }
        var req = CollectiveRequest(op: entry.op, algorithm: entry.algorithm, bytes: size.count,
                                    participants: participants, root: rootRank, chunkBytes: plan.chunkBytes,
                                    collectiveID: nextCollectiveID)
        req.nccl = plan.lowering
        nextCollectiveID += 1
        let fidelity = scenario.options.collectiveFidelity
        let alone = entry.concurrentGroup == nil && job.collectives.isEmpty
        let analytical = fidelity == .analytical || (fidelity == .auto && alone)
        var meta = CollectiveMeta(name: name, op: entry.op, algorithm: entry.algorithm, gpus: gpus, bytes: size.count,
                                  request: req, concurrentGroup: entry.concurrentGroup, isTrainingSync: false)
        meta.nccl = plan
        if analytical {
            if size.count > 0 && gpus.count > 1 {
                job.schedule.add(.delay(seconds: plan.modelTime), tag: TaskTag(collective: req.collectiveID), after: after)
            }
            let charges = nccl.linkCharges(plan)
            job.linkCharges += charges
            meta.analyticalTraffic = Int64(plan.streams.reduce(0.0) { $0 + $1.wireBytes }.rounded())
        } else {
            do {
                _ = try CollectiveCompiler.compile(req, into: &job.schedule, after: after)
            } catch {
                throw .collective(name: name, message: JobBuilder.describe(error))
            }
        }
        job.collectives.append(meta)
    }
}

extension NCCLPlan {
    /// How the report names the pick: `ring/ll128, 12 channels`.
    var summary: String {
        "\(cost.algorithm.rawValue)/\(cost.proto.rawValue), \(lowering.channels) channel\(lowering.channels == 1 ? "" : "s")"
    }
}
