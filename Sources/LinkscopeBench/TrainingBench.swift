import Foundation
import LinkscopeScenario
import LinkscopeSim

/// 10 iterations of gpt3-175b on 1024 GPUs (128 DGX A100 nodes on a 200 Gb/s fat-tree) in the setting of
/// Narayanan et al. 2021 §5.1 (1024 A100s, global batch 1536, 140 TFLOP/s per GPU measured): tensor 8 ×
/// pipeline 16 × data 8, micro-batch 1. `linkscope-bench training [--iterations N] [--schedule 1f1b|interleaved]
/// [--compute-efficiency F]` (fraction of peak the GEMMs reach; default the A100 preset's 0.5).
enum TrainingBench {
    static func run(_ arguments: [String]) {
        var iterations = 10
        if let i = arguments.firstIndex(of: "--iterations"), i + 1 < arguments.count, let n = Int(arguments[i + 1]) {
            iterations = max(1, n)
        }
        var schedule = "1f1b"
        if let i = arguments.firstIndex(of: "--schedule"), i + 1 < arguments.count { schedule = arguments[i + 1] }
        var efficiency: Double? = nil
        if let i = arguments.firstIndex(of: "--compute-efficiency"), i + 1 < arguments.count {
            efficiency = Double(arguments[i + 1])
        }
        let yaml = scenario(iterations: iterations, schedule: schedule, efficiency: efficiency)
        do {
            let scenario = try ScenarioLoader.load(yaml: yaml, file: "<bench>")
            let (run, seconds) = try BenchSupport.time { try Simulator.run(scenario) }
            let r = run.report
            let t = r.training
            let peak = r.memory.map(\.peakBytes).max() ?? 0
            print(String(format: "  gpt3-175b, 1024 GPUs, TP 8 × PP 16 × DP 8, %@, %d iterations: wall %.2f s, "
                         + "events %d, peak RSS %.0f MB", schedule, iterations, seconds, r.events,
                         BenchSupport.peakRSSMegabytes()))
            print(String(format: "  iteration %.3f s, %.0f tokens/s, %.1f samples/s, MFU %.1f %%, %.1f model TFLOP/s per GPU, "
                         + "bubble %.1f %%, peak memory per GPU %.1f GB", r.iterationTime ?? 0, t?.tokensPerSecond ?? 0,
                         t?.samplesPerSecond ?? 0, 100 * (t?.mfu ?? 0), (t?.mfu ?? 0) * 312,
                         100 * (r.pipeline?.bubbleFraction ?? 0), Double(peak) / 1e9))
            for w in r.warnings { print("  note: \(w)") }
        } catch {
            print("  training: failed: \(error)")
        }
    }

    static func scenario(iterations: Int, schedule: String, efficiency: Double?) -> String {
        """
        name: gpt3-175b on 1024 GPUs
        cluster: {preset: dgx-a100, nodes: 128, fabric: {kind: fat-tree, nic_bandwidth: 200 Gb/s, latency: 2 us}}
        model: {preset: gpt3-175b, dtype: bf16}
        training:
          global_batch: 1536
          iterations: \(iterations)
          optimizer: adam
          recompute: full
          zero: 1
          parallelism: {data: 8, tensor: 8, pipeline: 16, micro_batches: 192, schedule: \(schedule)}
        simulation: {chunk: 64 MiB\(efficiency.map { ", compute_efficiency: \($0)" } ?? "")}
        """
    }
}
