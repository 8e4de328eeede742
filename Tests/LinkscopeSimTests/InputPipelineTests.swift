import Testing
import LinkscopeSim

private func loaderScenario(gpus: Int, loader: String?) -> String {
    """
    name: loader
    cluster: {preset: dgx1-v100}
    gpus: \(gpus)
    model: {preset: book-mnist-cnn}
    training:
      batch_per_gpu: 128
      iterations: 20
      overlap: false
    \(loader.map { "  data_loading: \($0)\n" } ?? "")  learning_rate: {base: 0.1, base_batch: 256, rule: sqrt}
    """
}

/// Book ch1: throughput = min(load, N × train). A 100 MB/s loader of 784-byte MNIST samples gives
/// 127,551 samples/s: one GPU trains slower than that (compute-bound), eight GPUs would train faster
/// (input-bound, and throughput approaches the loader's rate as prefetching amortises the first load).
@Test func dataLoadingBoundsThroughput() throws {
    let loaderRate = 100e6 / 784
    let loader = "{bandwidth: 100 MB/s, sample_bytes: 784 B}"
    let free1 = try #require(try simulate(loaderScenario(gpus: 1, loader: nil)).report.training)
    let free8 = try #require(try simulate(loaderScenario(gpus: 8, loader: nil)).report.training)
    let fed1 = try #require(try simulate(loaderScenario(gpus: 1, loader: loader)).report.training)
    let fed8 = try #require(try simulate(loaderScenario(gpus: 8, loader: loader)).report.training)
    #expect(free1.samplesPerSecond < loaderRate && free8.samplesPerSecond > loaderRate)
    // Compute-bound: the loader hides behind training except the first batch (1/20 of the run at most).
    #expect(fed1.samplesPerSecond > 0.9 * free1.samplesPerSecond)
    // Input-bound: never faster than the loader, and within 5 % of it.
    #expect(fed8.samplesPerSecond <= loaderRate * 1.000001)
    #expect(fed8.samplesPerSecond > 0.95 * loaderRate)
    #expect(fed8.dataLoadingTime.map { abs($0 - 1024 * 784 / 100e6) < 1e-12 } == true)
    // Square-root scaling of 0.1 at batch 256 to the global batch 1024: 0.2.
    #expect(fed8.learningRate.map { abs($0 - 0.2) < 1e-12 } == true)
}

/// Book ch11: shrinking costs a rebuilt ring only; growing broadcasts weights + optimizer state
/// (mixed-precision momentum: 2 + 4 + 4 bytes per parameter) from the first survivor to the newcomers.
@Test func elasticResizeBroadcastsStateToNewcomers() throws {
    let yaml = """
    name: elastic
    cluster: {preset: dgx1-v100}
    model: {preset: resnet50, dtype: fp16}
    training:
      global_batch: 384
      iterations: 6
      optimizer: momentum
      elastic:
        keep: global-batch
        resizes:
          - {at: 2, gpus: [0, 1, 2, 3]}
          - {at: 4, gpus: [0, 1, 2, 3, 4, 5, 6, 7]}
    """
    let report = try simulate(yaml).report
    let resize = report.collectives.filter { $0.name.hasPrefix("elastic resize") }
    #expect(resize.count == 1)
    #expect(resize.first?.gpus == [0, 4, 5, 6, 7])
    let state: Int64 = 25_557_032 * 10
    #expect(resize.first?.bytes == state)
    // Segments: 2 iterations on 8 GPUs, 2 on 4, 2 on 8: GPUs 4-7 compute half as long as 0-3.
    let compute = Dictionary(uniqueKeysWithValues: report.gpus.map { ($0.id, $0.compute) })
    let ratio = try #require(compute[4]) / (try #require(compute[0]))
    #expect(abs(ratio - 0.5) < 1e-9)
    #expect(report.training?.batchPerGPU == 48)
}

/// Book ch12: two jobs whose parameter-server traffic crosses the same PCIe uplinks slow each other down;
/// two jobs on disjoint links do not.
@Test func jobsSharingTheFabric() throws {
    func scenario(_ a: String, _ b: String, bSync: String = "{algorithm: ring}") -> String {
        """
        name: shared
        cluster: {preset: dgx1-v100}
        jobs:
          - {name: a, gpus: \(a), model: {preset: resnet50, dtype: fp16}, training: {batch_per_gpu: 32, iterations: 2, overlap: false, sync: {scheme: parameter-server, placement: hosts}}}
          - {name: b, gpus: \(b), model: {preset: resnet50, dtype: fp16}, training: {batch_per_gpu: 32, iterations: 2, overlap: false, sync: \(bSync)}}
        """
    }
    // PS job a on GPUs 0,2,4,6 and ring job b on 1,3,5,7: b's rings stay on NVLink, a's pushes on PCIe.
    let apart = try simulate(scenario("[0, 2, 4, 6]", "[1, 3, 5, 7]")).report.jobs
    #expect(apart.count == 2)
    #expect(apart.allSatisfy { abs($0.slowdown - 1) < 1e-9 })
    let together = try simulate(scenario("[0, 2, 4, 6]", "[1, 3, 5, 7]",
                                         bSync: "{scheme: parameter-server, placement: hosts}")).report.jobs
    #expect(together.allSatisfy { $0.slowdown > 1.2 })
    // Job a alone is the same job in both runs.
    #expect(together[0].aloneIterationTime == apart[0].aloneIterationTime)
}

/// Book ch8 / docs/cost-model.md §16: freezing the CNN's two conv layers removes their backward and leaves only
/// fc1-fc3 (1,182,566 parameters) in the ring all-reduce: 2(N−1)/N of that per GPU.
@Test func frozenLayersSkipBackwardAndSync() throws {
    func run(_ frozen: Int) throws -> Report {
        try simulate("""
        name: frozen
        cluster: {preset: dgx1-v100}
        gpus: [0, 1, 2, 3]
        model: {preset: book-mnist-cnn}
        training: {batch_per_gpu: 128, iterations: 1, overlap: false, frozen_layers: \(frozen)}
        """).report
    }
    let all = try run(0)
    let frozen = try run(2)
    let trainable: Int64 = 1_179_776 + 2_580 + 210
    let sync = try #require(frozen.collectives.first { $0.isTrainingSync })
    #expect(sync.bytes == trainable * 4)
    #expect(frozen.gpus[0].bytesSent == 2 * 3 * trainable * 4 / 4)
    #expect(try #require(frozen.training).backwardTime < (try #require(all.training)).backwardTime)
    #expect(frozen.memory[0].gradients == trainable * 4)
    #expect(frozen.memory[0].weights == all.memory[0].weights)
}
