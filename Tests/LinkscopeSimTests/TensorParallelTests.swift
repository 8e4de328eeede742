import Testing
import LinkscopeSim

private func tensorScenario(recompute: String = "none", sequence: Bool = false, tensor: Int = 4) -> String {
    """
    name: tp
    cluster: {preset: dgx-a100}
    gpus: [0, 1, 2, 3, 4, 5, 6, 7]
    model:
      transformer: {layers: 4, hidden: 1024, heads: 16, seq_len: 512, vocab: 1000}
      dtype: bf16
    training:
      batch_per_gpu: 6
      iterations: 1
      optimizer: adam
      recompute: \(recompute)
      parallelism: {tensor: \(tensor), pipeline: 2, micro_batches: 3, schedule: 1f1b, sequence: \(sequence)}
    """
}

/// Megatron: per layer and micro-batch, 2 all-reduces forward and 2 backward of b·s·h elements (6 with
/// full recomputation), here b = 2 sequences of 512 × 1024 in bf16 = 2,097,152 bytes.
@Test(arguments: [("none", 4), ("selective", 4), ("full", 6)])
func tensorAllReduceSizes(recompute: String, perLayer: Int) throws {
    let report = try simulate(tensorScenario(recompute: recompute)).report
    let tp = report.collectives.filter { $0.name.contains(" tp ") }
    let bsh = Int64(2 * 512 * 1024 * 2)
    #expect(tp.count == 4 * perLayer * 3)  // 4 layers × per-layer count × 3 micro-batches (one replica)
    #expect(tp.allSatisfy { $0.op == "allreduce" && $0.bytes == bsh && $0.gpus.count == 4 })
    // Ring all-reduce: every rank sends 2(t−1)/t of the buffer.
    #expect(tp.allSatisfy { $0.trafficBytes == 2 * 3 * bsh })
    // Tensor groups stay inside the node: {0-3} is stage 0, {4-7} stage 1.
    #expect(Set(tp.map(\.gpus)) == [[0, 1, 2, 3], [4, 5, 6, 7]])
}

/// Sequence parallelism: each all-reduce becomes a reduce-scatter and an all-gather of the same
/// buffer, and the GPUs and links carry exactly the same bytes.
@Test func sequenceParallelMovesTheSameBytes() throws {
    let plain = try simulate(tensorScenario()).report
    let sp = try simulate(tensorScenario(sequence: true)).report
    let tpPlain = plain.collectives.filter { $0.name.contains(" tp ") }
    let tpSP = sp.collectives.filter { $0.name.contains(" tp ") }
    #expect(tpSP.count == 2 * tpPlain.count)
    #expect(tpSP.filter { $0.op == "reducescatter" }.count == tpPlain.count)
    #expect(tpSP.filter { $0.op == "allgather" }.count == tpPlain.count)
    #expect(tpSP.reduce(0) { $0 + $1.trafficBytes } == tpPlain.reduce(0) { $0 + $1.trafficBytes })
    #expect(sp.gpus.map(\.bytesSent) == plain.gpus.map(\.bytesSent))
    #expect(sp.links.map(\.bytes) == plain.links.map(\.bytes))
    // Sequence parallelism splits the activations t ways.
    let m0 = try #require(plain.memory.first)
    let m1 = try #require(sp.memory.first)
    #expect(m1.activations < m0.activations)
}

/// A data × tensor × pipeline job reports tokens/s and MFU, and its data-parallel sync runs per
/// (stage, tensor rank) group over 1/(t·p) of the gradients (docs/cost-model.md §15).
@Test func hybridLayoutSyncGroups() throws {
    let yaml = """
    name: 3d
    cluster: {preset: dgx-a100, nodes: 2, fabric: {kind: fat-tree, nic_bandwidth: 200 Gb/s, latency: 2 us}}
    model:
      transformer: {layers: 4, hidden: 1024, heads: 16, seq_len: 512, vocab: 1000}
      dtype: bf16
    training:
      global_batch: 8
      iterations: 1
      parallelism: {data: 2, tensor: 4, pipeline: 2, micro_batches: 2, schedule: 1f1b}
    """
    let report = try simulate(yaml).report
    let sync = report.collectives.filter { $0.name.contains("sync") }
    #expect(sync.count == 8)
    // Rank = t + T·(p + P·d): replica 0 on node 0 (GPUs 0-7), replica 1 on node 1 (8-15).
    #expect(sync.contains { $0.gpus == [0, 8] })
    let t = try #require(report.training)
    #expect(t.tokensPerSecond != nil && t.mfu != nil)
    #expect((t.mfu ?? 0) > 0 && (t.mfu ?? 1) < 1)
}
