import Testing
import LinkscopeSim

/// gpt3-175b with mixed-precision Adam does not fit on one 80 GB A100, and the report says by how much.
@Test func gpt3OnOneGPUIsOutOfMemory() throws {
    let yaml = """
    name: gpt3 on one GPU
    cluster: {preset: dgx-a100}
    gpus: [0]
    model: {preset: gpt3-175b, dtype: bf16}
    training: {batch_per_gpu: 1, iterations: 1, optimizer: adam}
    """
    let report = try simulate(yaml).report
    let m = try #require(report.memory.first)
    #expect(!m.fits)
    #expect(m.weights == 174_615_846_912 * 2)
    #expect(m.gradients == 174_615_846_912 * 2)
    #expect(m.optimizer == 174_615_846_912 * 12)
    #expect(m.peakBytes > 3_000_000_000_000)
    #expect(report.warnings.contains { $0.hasPrefix("OUT OF MEMORY") })
    #expect(report.text.contains("OUT OF MEMORY"))
}

/// Book ch2/ch4: one parameter server's time grows linearly in N (it receives and sends N·M), while
/// ring all-reduce stays nearly flat (2(N−1)/N·M per GPU).
@Test func parameterServerGrowsLinearlyRingStaysFlat() throws {
    func time(_ n: Int, _ algorithm: String) throws -> Double {
        let yaml = starGraph(n, gbps: 10, hostGbps: 10) + """
        name: sweep
        model: {preset: book-mnist-cnn}
        training:
          batch_per_gpu: 1
          iterations: 1
          overlap: false
          sync: \(algorithm == "ps" ? "{scheme: parameter-server, placement: hosts}" : "{algorithm: ring}")
        """
        let report = try simulate(yaml).report
        return try #require(report.training).syncTime
    }
    let ns = [2, 4, 8, 16]
    let ps = try ns.map { try time($0, "ps") }
    let ring = try ns.map { try time($0, "ring") }
    // PS: T(N)/N constant (2·N·M/B).
    for i in 1..<ns.count {
        #expect(abs(ps[i] / Double(ns[i]) - ps[0] / Double(ns[0])) / (ps[0] / Double(ns[0])) < 0.02)
    }
    // Ring: T(16) within 2(15/16)/(2·1/2) = 1.875× of T(2), never more than 2×.
    #expect(ring[3] / ring[0] < 2)
    #expect(ps[3] / ps[0] > 7.5)
}
