import Testing
import LinkscopeSim

/// docs/cost-model.md §21 A: the book's MNIST CNN, M = 4,805,528 B, per-worker and per-server bytes exact.
@Suite struct TrafficExactnessTests {
    static let m: Int64 = 4_805_528

    func training(_ n: Int, sync: String) -> String {
        starGraph(n, gbps: 25, hostGbps: 12.5) + """
        name: mnist \(n)
        model: {preset: book-mnist-cnn}
        training:
          batch_per_gpu: 128
          iterations: 1
          parallelism: {data: \(n)}
          overlap: false
          sync: \(sync)
        """
    }

    @Test(arguments: [2, 4, 8])
    func parameterServer(n: Int) throws {
        let run = try simulate(training(n, sync: "{scheme: parameter-server, algorithm: ps, servers: 1, placement: hosts}"))
        let t = try #require(run.report.training)
        #expect(t.gradientBytes == Self.m)
        #expect(t.perWorkerSent == Self.m)
        #expect(t.perWorkerReceived == Self.m)
        #expect(t.perServerReceived == Int64(n) * Self.m)
        #expect(t.perServerSent == Int64(n) * Self.m)
    }

    @Test(arguments: [2, 4, 8])
    func ringAllReduce(n: Int) throws {
        let run = try simulate(training(n, sync: "{scheme: allreduce, algorithm: ring}"))
        let expected = 2 * Int64(n - 1) * Self.m / Int64(n)
        for g in run.report.gpus {
            #expect(g.bytesSent == expected, "GPU \(g.id) sent \(g.bytesSent), formula \(expected)")
            #expect(g.bytesReceived == expected)
        }
        let total = run.report.gpus.reduce(Int64(0)) { $0 + $1.bytesSent }
        #expect(total == 2 * Int64(n - 1) * Self.m)
    }

    @Test(arguments: [2, 4, 8])
    func naiveAllReduce(n: Int) throws {
        let run = try simulate(training(n, sync: "{scheme: allreduce, algorithm: naive}"))
        for g in run.report.gpus {
            #expect(g.bytesSent == Int64(n - 1) * Self.m)
            #expect(g.bytesReceived == Int64(n - 1) * Self.m)
        }
        let total = run.report.gpus.reduce(Int64(0)) { $0 + $1.bytesSent }
        #expect(total == Int64(n) * Int64(n - 1) * Self.m)
    }
}
