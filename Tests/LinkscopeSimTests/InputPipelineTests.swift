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
