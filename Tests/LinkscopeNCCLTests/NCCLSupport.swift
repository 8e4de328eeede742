import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeFabric
import LinkscopePlanning
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits

/// Runs `plan`'s lowering alone on the planner's (calibrated) topology; returns the simulated seconds.
func simulate(_ plan: NCCLPlan, op: CollectiveOp, bytes: Int64, gpus: [Int], root: Int = 0,
              planner: NCCLPlanner) throws -> (time: Double, schedule: Schedule, result: ExecutionResult) {
    var request = CollectiveRequest(op: op, algorithm: .ring, bytes: bytes,
                                    participants: gpus.map { planner.topology.device(ofGPU: $0)! }, root: root,
                                    chunkBytes: plan.chunkBytes)
    request.nccl = plan.lowering
    var schedule = Schedule()
    _ = try CollectiveCompiler.compile(request, into: &schedule)
    let result = try FabricSimulator(topology: planner.topology).run(schedule)
    // The collective ends with its last tagged task (NCCL pacing gates carry no collective).
    let end = schedule.tasks.indices.filter { schedule.tasks[$0].tag.collective >= 0 }.map { result.taskEnd[$0] }.max() ?? 0
    return (end, schedule, result)
}

func preset(_ name: String, nodes: Int = 1) -> Topology {
    // The presets are fixed names; a failure here is a broken preset, which the test should report.
    (try? Topology.preset(name, nodes: nodes)) ?? Topology(name: "missing", devices: [], links: [], gpuSpec: .a100)
}

/// 8 GPUs on a bidirectional ring of `bandwidth` per direction (no switch).
func uniformRing(gpus n: Int, bandwidth: Bandwidth) -> Topology {
    let devices = (0..<n).map { Device(name: "gpu\($0)", kind: .gpu, model: "a100", gpuIndex: $0) }
    var links: [Link] = []
    for i in 0..<n {
        let j = (i + 1) % n
        links.append(Link(from: i, to: j, bandwidth: bandwidth, latency: .microseconds(0.3), kind: .nvlink))
        links.append(Link(from: j, to: i, bandwidth: bandwidth, latency: .microseconds(0.3), kind: .nvlink))
    }
    return Topology(name: "ring\(n)", devices: devices, links: links, gpuSpec: .a100)
}
