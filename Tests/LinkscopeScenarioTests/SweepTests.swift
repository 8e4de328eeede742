import LinkscopeCostModel
import LinkscopeUnits
import Testing
@testable import LinkscopeScenario

@Suite struct SweepTests {
    @Test func interfaceSweepCountOrderAndImplications() throws {
        let s = try load(interfaceExample)
        #expect(s.sweep.count == 9)
        let expected: [[(String, String)]] = [
            ("[0, 1]", "ring"), ("[0, 1]", "tree"), ("[0, 1]", "ps"),
            ("[0, 1, 2, 3]", "ring"), ("[0, 1, 2, 3]", "tree"), ("[0, 1, 2, 3]", "ps"),
            ("[0, 1, 2, 3, 4, 5, 6, 7]", "ring"), ("[0, 1, 2, 3, 4, 5, 6, 7]", "tree"),
            ("[0, 1, 2, 3, 4, 5, 6, 7]", "ps"),
        ].map { [("gpus", $0.0), ("training.sync.algorithm", $0.1)] }
        for (point, want) in zip(s.sweep, expected) {
            #expect(point.parameters.map(\.0) == want.map(\.0))
            #expect(point.parameters.map(\.1) == want.map(\.1))
        }
        let first = s.sweep[0].scenario
        #expect(first.gpus == [0, 1])
        #expect(first.training?.parallelism.data == 2, "a gpus sweep rescales the written data parallelism")
        #expect(first.sweep.isEmpty)
        let ps = s.sweep[8].scenario
        #expect(ps.gpus == Array(0..<8))
        #expect(ps.training?.sync.scheme == .parameterServer && ps.training?.sync.algorithm == .ps,
                "ps implies the parameter-server scheme even though the file says scheme: allreduce")
        #expect(s.sweep[7].scenario.training?.sync == SyncDescription(scheme: .allreduce, algorithm: .tree))
        // The base scenario is what the file says, without the sweep.
        #expect(s.gpus == [0, 1, 4, 5] && s.training?.sync.algorithm == .ring)
    }

    @Test func sweepIntoCollectivesAndClusterAndModel() throws {
        let yaml = """
            cluster: {preset: dgx1-v100}
            model: {preset: book-mnist-cnn}
            training: {batch_per_gpu: 16}
            collectives:
              - {op: allreduce, sizes: [1 MiB]}
            sweep:
              collectives[0].algorithm: [ring, double-binary-tree]
              cluster.preset: [dgx1-v100, dgx2]
              model.dtype: [fp32, fp16]
              training.batch_per_gpu: [32, 64, 128]
              collectives[0].sizes[0]: [2 MiB]
            """
        let s = try load(yaml)
        #expect(s.sweep.count == 2 * 2 * 2 * 3)
        let last = s.sweep[s.sweep.count - 1]
        #expect(last.parameters.map(\.1) == ["double-binary-tree", "dgx2", "fp16", "128", "2 MiB"])
        #expect(last.scenario.collectives[0].algorithm == .doubleBinaryTree)
        #expect(last.scenario.cluster.preset == "dgx2" && last.scenario.gpus.count == 16)
        #expect(last.scenario.training?.parallelism.data == 16)
        #expect(last.scenario.model?.dtype == .fp16 && last.scenario.training?.batchPerGPU == 128)
        #expect(last.scenario.collectives[0].sizes == [.mebibytes(2)])
        // Order: first key outermost, last key fastest.
        #expect(s.sweep[0].parameters.map(\.1) == ["ring", "dgx1-v100", "fp32", "32", "2 MiB"])
        #expect(s.sweep[1].parameters.map(\.1) == ["ring", "dgx1-v100", "fp32", "64", "2 MiB"])
        #expect(s.sweep[3].parameters.map(\.1) == ["ring", "dgx1-v100", "fp16", "32", "2 MiB"])
    }

    @Test func sweepCreatesMissingSectionsAndCounts() throws {
        let yaml = """
            cluster: {preset: dgx1-v100}
            model: {preset: book-mnist-cnn}
            training: {}
            sweep:
              gpus: [2, 4, 8]
              training.sync.servers: [1, 2]
              training.sync.scheme: [parameter-server]
            """
        let s = try load(yaml)
        #expect(s.sweep.count == 6)
        #expect(s.sweep.map { $0.scenario.gpus.count } == [2, 2, 4, 4, 8, 8])
        #expect(s.sweep.map { $0.scenario.training?.sync.servers ?? 0 } == [1, 2, 1, 2, 1, 2])
        #expect(s.sweep.allSatisfy { $0.scenario.training?.sync.algorithm == .ps })
    }

    @Test func sweptSchemeDropsAnAlgorithmThatDoesNotFit() throws {
        let s = try load(training("sync: {algorithm: tree}") + "sweep:\n  training.sync.scheme: [allreduce, parameter-server]\n")
        #expect(s.sweep.map { $0.scenario.training?.sync.algorithm } == [.tree, .ps])
    }

    @Test func tooManyCombinations() {
        let values = "[" + (1...100).map(String.init).joined(separator: ", ") + "]"
        let yaml = training("{}").replacingOccurrences(of: "  {}\n", with: "  iterations: 1\n")
            + "sweep:\n  training.iterations: \(values)\n  training.batch_per_gpu: \(values)\n"
        #expect(loadError(yaml)?.message.contains("more than 4096 combinations") == true)
    }
}
