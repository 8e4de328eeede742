import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopePlanning
import Testing

@Test("debug table", arguments: ["dgx-a100", "dgx-h100"]) func debugTable(PRESET: String) throws {
    let planner = NCCLPlanner(topology: preset(PRESET))
    for (a, p) in [(NCCLAlgorithm.tree, NCCLProtocol.simple), (.nvls, .simple), (.tree, .ll)] {
        for bytes: Int64 in [4 << 10, 1 << 20, 32 << 20] {
            guard let plan = planner.plan(op: .allreduce, bytes: bytes, gpus: Array(0..<8), algorithm: a, proto: p) else { continue }
            let sim = try simulate(plan, op: .allreduce, bytes: bytes, gpus: Array(0..<8), planner: planner)
            print("DBG \(PRESET) \(a) \(p) \(bytes) sim \(sim.time * 1e6) model \(plan.modelTime * 1e6) lat \(plan.latency * 1e6) delay \(plan.lowering.startDelay * 1e6) pace \(plan.lowering.pacing.first ?? -1) tasks \(sim.schedule.count)")
        }
    }
}
