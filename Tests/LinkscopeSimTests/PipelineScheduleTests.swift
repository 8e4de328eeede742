import Testing
import LinkscopeSim

/// `k·v` equal layers of 1 TFLOP on a DGX A100 with 4-byte activations: communication is negligible
/// (tens of nanoseconds against seconds of compute), so the idle time is the schedule's bubble.
private func pipelineScenario(stages k: Int, micro m: Int, schedule: String, virtual v: Int = 1) -> String {
    var s = "name: bubble\ncluster: {preset: dgx-a100}\ngpus: [\((0..<k).map(String.init).joined(separator: ", "))]\n"
    s += "model:\n  layers:\n"
    for i in 0..<(k * v) { s += "    - {name: l\(i), params: 1, forward: 1 TFLOP, activations: 4 B}\n" }
    s += "training:\n  batch_per_gpu: \(m)\n  iterations: 1\n"
    s += "  parallelism: {pipeline: \(k), micro_batches: \(m), schedule: \(schedule)"
    s += v > 1 ? ", virtual_stages: \(v)}\n" : "}\n"
    return s
}

/// GPipe and 1F1B: idle (K−1)/(m+K−1) of the iteration on every GPU, from the simulated timeline.
@Test(arguments: ["gpipe", "1f1b"], [(2, 4), (4, 4), (4, 8), (3, 7), (8, 16)])
func bubbleOfGPipeAnd1F1B(schedule: String, shape: (Int, Int)) throws {
    let (k, m) = shape
    let report = try simulate(pipelineScenario(stages: k, micro: m, schedule: schedule)).report
    let p = try #require(report.pipeline)
    let expected = Double(k - 1) / Double(m + k - 1)
    #expect(abs(p.bubbleFraction - expected) < 1e-6, "K=\(k) m=\(m): \(p.bubbleFraction) vs \(expected)")
    #expect(p.formulaBubbleFraction == expected)
    for g in report.gpus {
        let idle = try #require(g.bubble)
        #expect(abs(idle / report.simulatedTime - expected) < 1e-6)
    }
}

/// Interleaved 1F1B with v chunks per GPU: bubble / ideal = (K−1)/(v·m) (Narayanan et al. 2021). Its
/// v× more point-to-point sends leave a few microseconds of latency against seconds of compute.
@Test(arguments: [(2, 4, 2), (4, 8, 2), (4, 4, 3), (4, 8, 4)])
func bubbleOfInterleaved(shape: (Int, Int, Int)) throws {
    let (k, m, v) = shape
    let report = try simulate(pipelineScenario(stages: k, micro: m, schedule: "interleaved", virtual: v)).report
    let ideal = try #require(report.gpus.first).compute
    let overIdeal = report.simulatedTime / ideal - 1
    let expected = Double(k - 1) / Double(v * m)
    #expect(abs(overIdeal - expected) < 1e-5, "K=\(k) m=\(m) v=\(v): \(overIdeal) vs \(expected)")
}

/// Vanilla layer split: one GPU busy at a time, idle (K−1)/K.
@Test(arguments: [2, 3, 4, 8])
func bubbleOfVanilla(k: Int) throws {
    let report = try simulate(pipelineScenario(stages: k, micro: 4, schedule: "vanilla")).report
    let p = try #require(report.pipeline)
    #expect(abs(p.bubbleFraction - Double(k - 1) / Double(k)) < 1e-6)
    #expect(p.microBatches == 1)
}

/// The book's pipeline (docs/cost-model.md §21 P): 3 layers on 3 GPUs, 3 inputs: vanilla idles 66.7 %, the
/// pipelined schedule 40 %.
@Test func bookPipelineOnTheTimeline() throws {
    let vanilla = try #require(try simulate(pipelineScenario(stages: 3, micro: 3, schedule: "vanilla")).report.pipeline)
    let piped = try #require(try simulate(pipelineScenario(stages: 3, micro: 3, schedule: "gpipe")).report.pipeline)
    #expect(abs(vanilla.bubbleFraction - 2.0 / 3) < 1e-6)
    #expect(abs(piped.bubbleFraction - 0.4) < 1e-6)
}

/// Activations go forward and gradients back over the links between stage GPUs: per boundary and
/// micro-batch b·(activation bytes) each way (docs/cost-model.md §13).
@Test func pipelineSendsActivationsAndGradients() throws {
    let yaml = """
    name: p2p
    cluster: {preset: dgx-a100}
    gpus: [0, 1, 2]
    model: {preset: book-ch7-split}
    training:
      batch_per_gpu: 128
      iterations: 1
      parallelism: {pipeline: 3, micro_batches: 1, schedule: gpipe, split: [2, 1, 3]}
    """
    let report = try simulate(yaml).report
    let sent: [Int64] = report.gpus.map(\.bytesSent)
    let conv2: Int64 = 18_874_368
    let pooled: Int64 = 4_718_592
    // GPU0 sends conv2's output; GPU1 the pooled tensor forward and conv2's gradient back; GPU2 a gradient.
    #expect(sent == [conv2, pooled + conv2, pooled])
    #expect(report.memory.first { $0.gpu == 1 }?.weights == 0)
}

/// Pipelined serving (book ch7/ch11): forwards only. With K stages of time t_f per micro-batch, the first
/// micro-batch leaves after K·t_f (latency) and m micro-batches take (m + K − 1)·t_f (throughput).
@Test func pipelinedInferenceLatencyAndThroughput() throws {
    let yaml = pipelineScenario(stages: 4, micro: 8, schedule: "gpipe")
        .replacingOccurrences(of: "  iterations: 1\n", with: "  iterations: 1\n  inference: true\n")
    let report = try simulate(yaml).report
    let t = try #require(report.training)
    // One sample per micro-batch, 1 TFLOP per stage at A100 fp32 19.5 TFLOP/s × 0.5.
    let tf = 1e12 / (19.5e12 * 0.5)
    let latency = try #require(t.latency)
    // Three 4-byte sends add their hop latencies (about a microsecond each) to 0.1 s stages.
    #expect(abs(latency - 4 * tf) / (4 * tf) < 1e-5)
    #expect(abs(report.simulatedTime - 11 * tf) / (11 * tf) < 1e-5)
    #expect(abs(t.samplesPerSecond - 8 / (11 * tf)) / (8 / (11 * tf)) < 1e-5)
    #expect(t.backwardTime == 0)
    #expect(report.memory.allSatisfy { $0.gradients == 0 && $0.optimizer == 0 })
}
