import Testing
import LinkscopeCostModel
import LinkscopeScenario

/// The training keys of hybrid jobs: parsed values and located errors.
struct TrainingKeyTests {
    @Test func fullHybridScenarioParses() throws {
        let s = try load("""
            cluster: {preset: dgx-a100, nodes: 2}
            model:
              transformer: {layers: 8, hidden: 1024, heads: 16, seq_len: 512, vocab: 1000, ffn_hidden: 2048}
              dtype: bf16
            training:
              global_batch: 32
              optimizer: adam
              recompute: selective
              zero: 1
              gpu_speed: {3: 0.5}
              parallelism: {data: 2, tensor: 4, pipeline: 2, micro_batches: 4, schedule: interleaved, virtual_stages: 2, sequence: true}
            """)
        let t = try #require(s.training)
        #expect(t.batchPerGPU == 16 && t.globalBatch == 32)
        #expect(t.optimizer == .adam && t.recompute == .selective && t.zero == 1 && t.gpuSpeed == [3: 0.5])
        #expect(t.parallelism == Parallelism(data: 2, tensor: 4, pipeline: 2, microBatches: 4, schedule: .interleaved,
                                             virtualStages: 2, sequence: true))
        let m = try #require(s.model?.transformer)
        #expect(m.ffnHidden == 2048 && m.mlp == .gelu && m.bias)
        #expect(s.model?.layers.count == 10)
    }

    @Test func errorsAreLocated() {
        expectError(training("parallelism: {tensor: 2}"), line: 4, column: 25, path: "training.parallelism.tensor",
                    contains: "tensor parallelism splits transformer layers")
        expectError(training("global_batch: 7"), line: 4, column: 17, path: "training.global_batch",
                    contains: "global_batch 7 does not divide over 8 data-parallel replicas")
        expectError(training("global_batch: 8\n  batch_per_gpu: 1"), line: 5, column: 3, path: "training.batch_per_gpu",
                    contains: "give either 'global_batch' or 'batch_per_gpu'")
        expectError(training("parallelism: {pipeline: 2, micro_batches: 3, schedule: interleaved}"), line: 4,
                    column: 45, path: "training.parallelism.micro_batches",
                    contains: "a multiple of pipeline (2)")
        expectError(training("parallelism: {pipeline: 2, split: [1, 2, 2]}"), line: 4, column: 37,
                    path: "training.parallelism.split", contains: "split has 3 entries")
        expectError(training("parallelism: {pipeline: 2, split: [1, 2]}"), line: 4, column: 37,
                    path: "training.parallelism.split", contains: "split covers 3 layers, but the model has 5")
        expectError(training("gpu_speed: {9: 0.5}"), line: 4, column: 15, path: "training.gpu_speed.9",
                    contains: "'9' is not one of the job's GPUs")
        expectError(training("zero: 4"), line: 4, column: 9, path: "training.zero", contains: "4")
        expectError(training("optimizer: adamw"), line: 4, column: 14, path: "training.optimizer",
                    contains: "expected one of sgd, momentum, adam")
        expectError("cluster: {preset: dgx1-v100}\nmodel:\n  transformer: {layers: 2, hidden: 100, heads: 3, "
                    + "seq_len: 8, vocab: 10}\ntraining: {}\n", line: 3, column: 48,
                    path: "model.transformer.heads", contains: "hidden (100) must be a multiple of heads (3)")
        expectError("cluster: {preset: dgx1-v100}\nmodel: {preset: gpt2, layers: []}\ntraining: {}\n", line: 2,
                    column: 23, path: "model", contains: "give one of 'preset', 'layers' or 'transformer'")
    }
}

extension TrainingKeyTests {
    @Test func elasticErrors() {
        expectError(training("iterations: 4\n  elastic: {resizes: [{at: 4, gpus: [0, 1]}]}"), line: 5, column: 28,
                    path: "training.elastic.resizes[0].at", contains: "from 1 to 3")
        expectError(training("iterations: 4\n  elastic: {keep: global-batch, resizes: [{at: 2, gpus: [0, 1, 2]}]}"),
                    line: 5, column: 57, path: "training.elastic.resizes[0].gpus",
                    contains: "does not divide over 3 GPUs")
        expectError(training("parallelism: {pipeline: 2}\n  elastic: {resizes: [{at: 1, gpus: [0, 1]}]}"), line: 5,
                    column: 12, path: "training.elastic", contains: "data-parallel jobs")
    }
}
