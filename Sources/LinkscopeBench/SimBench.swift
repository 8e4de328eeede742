import Foundation
import LinkscopeScenario
import LinkscopeSim

/// The simulator end to end (scenario → planner → collectives → fabric → report) on a 1 GiB all-reduce
/// over 1024 GPUs (128 DGX A100 nodes on a fat-tree), flat ring and hierarchical. Each case runs in its own
/// process so that its peak RSS is its own. `linkscope-bench sim [--nodes N]`.
enum SimBench {
    static func run(_ arguments: [String]) {
        if let i = arguments.firstIndex(of: "--sim-case"), i + 1 < arguments.count {
            runCase(arguments[i + 1], nodes: nodes(arguments))
            return
        }
        let n = nodes(arguments)
        print("1 GiB all-reduce over \(n * 8) GPUs (\(n) x dgx-a100, fat-tree 200 Gb/s), release build")
        for algorithm in ["ring", "hierarchical"] {
            print(BenchSupport.runChild(["sim", "--sim-case", algorithm, "--nodes", "\(n)"]), terminator: "")
        }
    }

    static func nodes(_ arguments: [String]) -> Int {
        if let i = arguments.firstIndex(of: "--nodes"), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n >= 1 {
            return n
        }
        return 128
    }

    static func runCase(_ algorithm: String, nodes: Int) {
        let yaml = """
            name: bench \(algorithm)
            cluster: {preset: dgx-a100, nodes: \(nodes), fabric: {kind: fat-tree, nic_bandwidth: 200 Gb/s, latency: 2 us}}
            collectives:
              - {op: allreduce, algorithm: \(algorithm), sizes: [1 GiB]}
            """
        do {
            let scenario = try ScenarioLoader.load(yaml: yaml, file: "<bench>")
            let (run, seconds) = try BenchSupport.time { try Simulator.run(scenario) }
            let r = run.report
            let c = r.collectives.first
            let line = String(format: "  %-13@ simulated %.4f s (busbw %.1f GB/s, formula %.4f s)  events %d  wall %.2f s  %.2f M events/s  peak RSS %.0f MB",
                              algorithm, c?.time ?? 0, c?.busbw ?? 0, c?.formulaTime ?? 0, r.events, seconds,
                              Double(r.events) / seconds / 1e6, BenchSupport.peakRSSMegabytes())
            print(line)
        } catch {
            print("  \(algorithm): failed: \(error)")
        }
    }
}
