import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopePlanning
import LinkscopeScenario
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits

/// Turns a scenario into jobs: schedules of transfers and computations with their metadata.
struct JobBuilder {
    let scenario: Scenario
    let topo: CollectiveTopology
    /// The NCCL-like model, when any collective of the scenario uses it (see `JobBuilder+NCCL`).
    let nccl: NCCLPlanner?
    /// Id of the next collective; jobs merged into one schedule start from distinct values.
    var nextCollectiveID: Int32 = 0
    /// Shortcuts for tensor-parallel collectives (`TensorParallelPricing.Mode`).
    var tensorPricing = TensorParallelPricing.Mode()
    /// Compile the `collectives:` section's plain rings as ring programs (`CollectiveRequest.lazyRings`): runs
    /// that record no per-transfer timeline.
    var lazyRings = false

    init(scenario: Scenario) {
        self.scenario = scenario
        topo = CollectiveTopology(topology: scenario.topology, linkEfficiency: scenario.options.linkEfficiency)
        nccl = JobBuilder.ncclPlanner(for: scenario)
    }

    var topology: Topology { scenario.topology }

    /// Device indices of GPU numbers.
    func devices(_ gpus: [Int]) throws(SimulationError) -> [Int] {
        var out: [Int] = []
        for g in gpus {
            guard let d = topology.device(ofGPU: g) else { throw .planning(.unknownGPU(g)) }
            out.append(d)
        }
        return out
    }

    /// A collective request for `op`/`algorithm` over `gpus`, with the topology facts it needs.
    mutating func request(op: CollectiveOp, algorithm: Algorithm, bytes: Int64, gpus: [Int], rootGPU: Int,
                          servers: Int, sharding: ShardingPolicy, placement: ServerPlacement,
                          layerBytes: [Int64]) throws(SimulationError) -> CollectiveRequest {
        let rootRank = gpus.firstIndex(of: rootGPU) ?? 0
        try SimulationLimits.check(total: SimulationLimits.trafficBound(bytes: bytes, ranks: gpus.count, algorithm: algorithm),
                                   what: "\(op.rawValue) of \(Format.bytes(bytes)) over \(gpus.count) GPUs")
        var req: CollectiveRequest
        do {
            req = try topo.request(op: op, algorithm: algorithm, bytes: bytes, gpus: gpus, rootRank: rootRank,
                                   chunkBytes: scenario.options.chunkBytes.count, id: nextCollectiveID)
        } catch {
            throw .planning(error)
        }
        nextCollectiveID += 1
        switch algorithm {
        case .hybridPCIe:
            req.pcieShare = hybridShare(participants: req.participants, rings: req.rings, bytes: bytes)
        case .ps:
            req.servers = try serverDevices(count: servers, gpus: gpus, placement: placement)
            req.serverShares = JobBuilder.shares(servers: servers, sharding: sharding, layerBytes: layerBytes)
        default:
            break
        }
        return req
    }

    /// Parameter servers: the first k job GPUs, or the nodes' CPU sockets.
    func serverDevices(count k: Int, gpus: [Int], placement: ServerPlacement) throws(SimulationError) -> [Int] {
        guard k >= 1 else { throw .serverCount(requested: k, available: 0, placement: placement) }
        switch placement {
        case .gpus:
            guard k <= gpus.count else { throw .serverCount(requested: k, available: gpus.count, placement: .gpus) }
            return try devices(Array(gpus.prefix(k)))
        case .hosts:
            let cpus = topology.devices.indices.filter { topology.devices[$0].kind == .cpu }
            guard !cpus.isEmpty, k <= cpus.count else {
                throw .serverCount(requested: k, available: cpus.count, placement: .hosts)
            }
            return Array(cpus.prefix(k))
        }
    }

    /// Fraction of the model each shard holds: equal, or whole layers assigned greedily
    /// (largest layer first to the lightest shard), docs/cost-model.md §4.
    static func shares(servers k: Int, sharding: ShardingPolicy, layerBytes: [Int64]) -> [Double] {
        if sharding == .balanced || layerBytes.isEmpty { return Array(repeating: 1 / Double(k), count: k) }
        var load = Array(repeating: Int64(0), count: k)
        let order = layerBytes.indices.sorted { layerBytes[$0] != layerBytes[$1] ? layerBytes[$0] > layerBytes[$1] : $0 < $1 }
        for i in order {
            var best = 0
            for j in 1..<k where load[j] < load[best] { best = j }
            load[best] += layerBytes[i]
        }
        let total = Double(load.reduce(0, +))
        return load.map { total > 0 ? Double($0) / total : 1 / Double(k) }
    }

    /// PCIe share for hybrid-pcie: equalise the finish times of the PCIe ring and the NVLink rings
    /// (docs/cost-model.md §11, with α_p and α_n), clamped to [0, 1].
    func hybridShare(participants: [Int], rings: [[Int]], bytes: Int64) -> Double {
        let nvlink = topo.ringFigures(rings: rings, participants: participants)
        let pcie = topo.ringFigures(rings: [Array(participants.indices)], participants: participants,
                                    preference: .avoidNVLink)
        guard pcie.bandwidth > 0, nvlink.bandwidth > 0 else { return 0 }
        return HybridSplit(bytes: Double(bytes), nvlinkBandwidth: nvlink.bandwidth, pcieBandwidth: pcie.bandwidth,
                           nvlinkLatency: nvlink.latency, pcieLatency: pcie.latency).pcieShare
    }

    /// Jobs for the `collectives:` section: one per (entry, size); entries sharing a `group` run
    /// together, size by size, in one job (contention).
    mutating func collectiveJobs(tasksBefore: Int = 0) throws(SimulationError) -> [Job] {
        var jobs: [Job] = []
        var tasks = tasksBefore
        var handledGroups: [String] = []
        for (i, entry) in scenario.collectives.enumerated() {
            if let g = entry.concurrentGroup {
                if handledGroups.contains(g) { continue }
                handledGroups.append(g)
                let members = scenario.collectives.filter { $0.concurrentGroup == g }
                let sizeCount = members.map { $0.sizes.count }.max() ?? 0
                for s in 0..<sizeCount {
                    var job = Job(label: "group \(g)")
                    for (k, m) in scenario.collectives.enumerated() where m.concurrentGroup == g && s < m.sizes.count {
                        do { try add(entry: m, size: m.sizes[s], to: &job, after: []) } catch {
                            throw .at(path: "collectives[\(k)]", error)
                        }
                    }
                    tasks += job.schedule.count
                    try SimulationLimits.check(tasks: Double(tasks), what: "the scenario")
                    jobs.append(job)
                }
            } else {
                for size in entry.sizes {
                    var job = Job(label: "collectives[\(i)]")
                    do { try add(entry: entry, size: size, to: &job, after: []) } catch {
                        throw .at(path: "collectives[\(i)]", error)
                    }
                    tasks += job.schedule.count
                    try SimulationLimits.check(tasks: Double(tasks), what: "the scenario")
                    jobs.append(job)
                }
            }
        }
        return jobs
    }

    mutating func add(entry: CollectiveDescription, size: Bytes, to job: inout Job, after: [TaskID])
        throws(SimulationError)
    {
        let gpus = entry.gpus ?? scenario.gpus
        if nccl != nil, JobBuilder.usesNCCL(entry, options: scenario.options) {
            try addNCCL(entry: entry, size: size, gpus: gpus, to: &job, after: after)
            return
        }
        var req = try request(op: entry.op, algorithm: entry.algorithm, bytes: size.count, gpus: gpus,
                              rootGPU: entry.root, servers: entry.servers, sharding: entry.sharding,
                              placement: entry.placement, layerBytes: [])
        req.lazyRings = lazyRings
        let name = "\(entry.op.rawValue) \(entry.algorithm.rawValue) \(size)"
        do {
            _ = try CollectiveCompiler.compile(req, into: &job.schedule, after: after)
        } catch {
            throw .collective(name: name, message: JobBuilder.describe(error))
        }
        job.collectives.append(CollectiveMeta(name: name, op: entry.op, algorithm: entry.algorithm, gpus: gpus,
                                              bytes: size.count, request: req,
                                              concurrentGroup: entry.concurrentGroup, isTrainingSync: false))
    }

    static func describe(_ e: CollectiveError) -> String {
        switch e {
        case .unsupported(let op, let alg): return "algorithm '\(alg.rawValue)' does not implement '\(op.rawValue)'"
        case .invalidRequest(let m): return m
        }
    }
}
