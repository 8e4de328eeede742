import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeFabric
import LinkscopePlanning
import LinkscopeSchedule
import LinkscopeTopology

/// What the trace replay and the Chakra replay share: checking where ranks run, compiling a
/// collective with algorithm fallbacks, and running the schedule on the fabric.
struct ReplayExecution {
    let topology: Topology
    let algorithm: Algorithm
    let chunkBytes: Int64
    let planner: CollectiveTopology
    /// The NCCL-like model for `auto` and `nvls` (docs/nccl-model.md); the fabric then runs on its topology.
    let nccl: NCCLPlanner?
    /// Ops already warned about (each fallback is reported once).
    private var fallbackWarned: [CollectiveOp] = []

    init(topology: Topology, algorithm: Algorithm, chunkBytes: Int64) {
        self.topology = topology
        self.algorithm = algorithm
        self.chunkBytes = chunkBytes
        planner = CollectiveTopology(topology: topology)
        nccl = algorithm == .auto || algorithm == .nvls ? NCCLPlanner(topology: topology) : nil
    }

    /// Devices of GPU numbers `gpus` for a job of `worldSize` ranks, checked.
    /// - Throws: `ReplayError` for a wrong count, a repeated GPU, a GPU the topology lacks, or an
    ///   efficiency outside (0, 1].
    static func devices(gpus: [Int], worldSize: Int, topology: Topology, linkEfficiency: Double)
        throws(ReplayError) -> [Int]
    {
        guard gpus.count == worldSize else {
            throw .gpuCount(field: nil, ranks: worldSize, gpus: gpus.count)
        }
        if let dup = gpus.enumerated().first(where: { gpus[..<$0.offset].contains($0.element) }) {
            throw .repeatedGPU(dup.element)
        }
        var devices: [Int] = []
        for g in gpus {
            guard let d = topology.device(ofGPU: g) else {
                throw .unknownGPU(gpu: g, topology: topology.name, gpus: topology.gpuCount)
            }
            devices.append(d)
        }
        guard linkEfficiency > 0 && linkEfficiency <= 1 else {
            throw .invalidValue(field: "link efficiency", value: "\(linkEfficiency)", expected: "in (0, 1]")
        }
        return devices
    }

    /// Runs `schedule` on the fabric at `linkEfficiency` × line rate.
    func execute(_ schedule: Schedule, linkEfficiency: Double) throws(ReplayError) -> ExecutionResult {
        // Under the NCCL-like model links start from NCCL's effective bandwidths; `linkEfficiency` scales those.
        let sim = FabricSimulator(topology: nccl?.topology ?? topology, options: FabricOptions(linkEfficiency: linkEfficiency))
        do {
            return try sim.run(schedule)
        } catch {
            switch error {
            case .noRoute(let a, let b):
                throw .noRoute(topology: topology.name, from: topology.devices[a].name, to: topology.devices[b].name)
            case .unknownDevice(let d): throw .unknownDevice(topology: topology.name, device: d)
            }
        }
    }

    /// Compiles collective `id` (`op` of `bytes` over GPU numbers `gpus`, root rank `root`) into `schedule`
    /// after `after`. An algorithm that does not implement `op` falls back to the op's first supported one
    /// (warned once per op); one that cannot be set up here (no NVLink trees, say) falls back to ring, else
    /// direct. Returns the final tasks and the algorithm used, or nil when nothing could compile.
    mutating func compile(op: CollectiveOp, bytes: Int64, gpus: [Int], root: Int, id: Int32,
                          into schedule: inout Schedule, after: [TaskID], warnings: inout [String])
        -> (sinks: [TaskID], algorithm: String)?
    {
        if let nccl, gpus.count >= 2 {
            // NCCL's pick (or the given NVLS, else the pick) as paced channel flows.
            let plan = nccl.plan(op: op, bytes: bytes, gpus: gpus, root: root < gpus.count ? root : 0,
                                 algorithm: algorithm.ncclAlgorithm)
                ?? nccl.plan(op: op, bytes: bytes, gpus: gpus, root: root < gpus.count ? root : 0)
            if let plan {
                var req = CollectiveRequest(op: op, algorithm: algorithm, bytes: bytes,
                                            participants: gpus.compactMap { nccl.topology.device(ofGPU: $0) },
                                            root: root < gpus.count ? root : 0, chunkBytes: plan.chunkBytes,
                                            collectiveID: id)
                req.nccl = plan.lowering
                if let sinks = try? CollectiveCompiler.compile(req, into: &schedule, after: after) {
                    return (sinks, "\(plan.cost.algorithm.rawValue)/\(plan.cost.proto.rawValue)")
                }
            }
        }
        var alg = algorithm == .auto || algorithm == .nvls ? .ring : algorithm
        let supported = CollectiveCompiler.supportedAlgorithms(for: op)
        if !supported.contains(alg), let first = supported.first {
            if !fallbackWarned.contains(op) {
                fallbackWarned.append(op)
                warnings.append("\(alg.rawValue) does not implement \(op.rawValue): using \(first.rawValue) for it")
            }
            alg = first
        }
        if let sinks = try? compileOnce(op: op, algorithm: alg, bytes: bytes, gpus: gpus, root: root, id: id,
                                        into: &schedule, after: after) {
            return (sinks, alg.rawValue)
        }
        let fallback: Algorithm = supported.contains(.ring) ? .ring : .direct
        guard fallback != alg,
              let sinks = try? compileOnce(op: op, algorithm: fallback, bytes: bytes, gpus: gpus, root: root, id: id,
                                           into: &schedule, after: after)
        else { return nil }
        warnings.append("collective #\(id) (\(op.rawValue)): \(alg.rawValue) cannot run on these GPUs; used \(fallback.rawValue)")
        return (sinks, fallback.rawValue)
    }

    private func compileOnce(op: CollectiveOp, algorithm: Algorithm, bytes: Int64, gpus: [Int], root: Int, id: Int32,
                             into schedule: inout Schedule, after: [TaskID]) throws -> [TaskID] {
        var req = try planner.request(op: op, algorithm: algorithm, bytes: bytes, gpus: gpus,
                                      rootRank: root < gpus.count ? root : 0, chunkBytes: chunkBytes, id: id)
        if algorithm == .ps {
            req.servers = Array(req.participants.prefix(1))
            req.serverShares = [1]
        }
        return try CollectiveCompiler.compile(req, into: &schedule, after: after)
    }
}
