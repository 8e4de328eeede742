import Testing
import LinkscopeScenario
@testable import LinkscopeSim

/// Megatron's layout for gpt3-175b on 1024 A100s (Narayanan et al. 2021: tensor 8 × pipeline 16 × data 8,
/// global batch 1536, micro-batch 1) fits in 80 GB per GPU with mixed-precision Adam, ZeRO-1 and full
/// recomputation, while one GPU needs 3 TB. (The 10-iteration run itself is `linkscope-bench training`.)
@Test func gpt3ThreeDLayoutFits() throws {
    let yaml = """
    name: gpt3 3-D
    cluster: {preset: dgx-a100, nodes: 128, fabric: {kind: fat-tree, nic_bandwidth: 200 Gb/s, latency: 2 us}}
    model: {preset: gpt3-175b, dtype: bf16}
    training:
      global_batch: 1536
      iterations: 1
      optimizer: adam
      recompute: full
      zero: 1
      parallelism: {data: 8, tensor: 8, pipeline: 16, micro_batches: 192, schedule: 1f1b}
    """
    let scenario = try load(yaml)
    let training = try #require(scenario.training)
    let model = try #require(scenario.model)
    let layout = ParallelLayout(parallelism: training.parallelism, jobGPUs: scenario.gpus, model: model)
    #expect(layout.chunks.map(\.count) == [7] + Array(repeating: 6, count: 14) + [7])
    let memory = JobBuilder(scenario: scenario).memoryPerGPU(layout: layout, model: model, training: training)
    #expect(memory.count == 1024)
    #expect(memory.allSatisfy { $0.fits })
    let worst = try #require(memory.max { $0.peakBytes < $1.peakBytes })
    // Stage 0: embedding (51200·12288 + 2048·12288) and 6 blocks, split 8 ways.
    let blocks: Int64 = 6 * (12 * 12288 * 12288 + 13 * 12288)
    let stage0 = (51_200 * 12_288 + 2_048 * 12_288 + blocks + 7) / 8
    #expect(memory.first { $0.gpu == 0 }?.weights == 2 * stage0)
    for m in [memory[0], worst] {
        print("GPU \(m.gpu) stage \(m.stage): weights \(m.weights) gradients \(m.gradients) optimizer \(m.optimizer) "
              + "activations \(m.activations) peak \(m.peakBytes)")
    }
}
