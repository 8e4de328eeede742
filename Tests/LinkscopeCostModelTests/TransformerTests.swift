import Testing
@testable import LinkscopeCostModel

/// Parameter counts of the published models (exact), and Megatron's FLOPs per layer.
@Test(arguments: [
    ("gpt2", Int64(124_439_808)),
    ("llama2-7b", Int64(6_738_415_616)),
    ("llama2-70b", Int64(68_976_648_192)),
    ("gpt3-175b", Int64(174_615_846_912)),
])
func transformerParameterCounts(name: String, expected: Int64) throws {
    let t = try #require(TransformerConfig.preset(name))
    #expect(t.parameters == expected)
    let layers = try #require(ModelCatalog.layers(name))
    #expect(layers.reduce(0) { $0 + $1.parameters } == expected)
    #expect(layers.count == t.layers + 2)
}

@Test func gptBlockIs12hSquaredPlus13h() {
    let t = TransformerConfig(layers: 1, hidden: 12288, heads: 96, seqLen: 2048, vocab: 51200)
    let h = Int64(12288)
    #expect(t.blockParameters == 12 * h * h + 13 * h)
}

/// Narayanan et al. 2021: 24·s·h²·(1 + s/(6h)) forward FLOPs per block per sequence, 2·s·h·V for logits,
/// so 72·B·s·l·h²·(1 + s/(6h)) + 6·B·s·h·V model FLOPs per iteration.
@Test func megatronFLOPs() throws {
    let t = try #require(TransformerConfig.preset("gpt3-175b"))
    let (s, h, v, l) = (2048.0, 12288.0, 51200.0, 96.0)
    #expect(relative(t.blockForwardFLOPs, 24 * s * h * h * (1 + s / (6 * h))) < 1e-12)
    #expect(t.logitsForwardFLOPs == 2 * s * h * v)
    let batch = 1536.0
    let megatron = 72 * batch * s * l * h * h * (1 + s / (6 * h)) + 6 * batch * s * h * v
    #expect(relative(t.trainingFLOPsPerSample * batch, megatron) < 1e-12)
}

@Test func resnet50PerStageAddsUpToTorchvision() throws {
    let layers = try #require(ModelCatalog.layers("resnet50"))
    #expect(layers.reduce(0) { $0 + $1.parameters } == 25_557_032)
    #expect(relative(layers.reduce(0) { $0 + $1.forwardFLOPs }, 2 * 4_089_184_256) < 1e-12)
}

/// Chapter 7's split: the middle GPU holds no parameters; boundaries carry docs/cost-model.md §21 B's bytes
/// at batch 128.
@Test func bookChapter7Split() throws {
    let layers = try #require(ModelCatalog.layers("book-ch7-split"))
    #expect(layers.map(\.name) == ["conv1", "conv2", "pool", "fc1", "fc2", "fc3"])
    #expect(layers[2].parameters == 0)
    #expect(layers[1].activationBytes * 128 == 18_874_368)
    #expect(layers[2].activationBytes * 128 == 4_718_592)
    #expect(layers.reduce(0) { $0 + $1.parameters } == 1_201_382)
}

/// Mixed-precision Adam holds 16 bytes per parameter (ZeRO paper's accounting); ZeRO stages shard it.
@Test func modelStatesWithZeRO() {
    let p: Int64 = 1_000_000
    let plain = MemoryModel.states(parameters: p, dtype: .bf16, optimizer: .adam, zero: 0, data: 8)
    #expect(plain.total == 16 * p)
    let z1 = MemoryModel.states(parameters: p, dtype: .bf16, optimizer: .adam, zero: 1, data: 8)
    #expect(z1.total == 4 * p + 12 * p / 8)
    let z2 = MemoryModel.states(parameters: p, dtype: .bf16, optimizer: .adam, zero: 2, data: 8)
    #expect(z2.total == 2 * p + 14 * p / 8)
    let z3 = MemoryModel.states(parameters: p, dtype: .bf16, optimizer: .adam, zero: 3, data: 8)
    #expect(z3.total == 16 * p / 8)
    let sgd = MemoryModel.states(parameters: p, dtype: .fp32, optimizer: .momentum, zero: 0, data: 1)
    #expect(sgd.total == 12 * p)
}

/// Korthikanti et al. 2022 Table 2, per layer: sbh(34 + 5as/h) without parallelism; ÷t with sequence
/// parallelism; 34·sbh/t selective; 2·sbh full.
@Test func korthikantiActivations() throws {
    let t = try #require(TransformerConfig.preset("gpt3-175b"))
    let sbh = 2048.0 * 1 * 12288
    let a = MemoryModel.blockActivations(t, microBatch: 1, tensor: 1, sequenceParallel: false, recompute: .none)
    #expect(Double(a) == (sbh * (34 + 5 * 96 * 2048 / 12288)).rounded())
    let sp = MemoryModel.blockActivations(t, microBatch: 1, tensor: 8, sequenceParallel: true, recompute: .selective)
    #expect(Double(sp) == (sbh * 34 / 8).rounded())
    let tpOnly = MemoryModel.blockActivations(t, microBatch: 1, tensor: 8, sequenceParallel: false, recompute: .selective)
    #expect(Double(tpOnly) == (sbh * (10 + 24.0 / 8)).rounded())
    let full = MemoryModel.blockActivations(t, microBatch: 1, tensor: 8, sequenceParallel: false, recompute: .full)
    #expect(Double(full) == 2 * sbh)
}

private func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / abs(b) }
