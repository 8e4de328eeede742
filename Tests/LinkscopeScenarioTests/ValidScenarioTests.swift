import Foundation
import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits
import Testing
@testable import LinkscopeScenario

/// The docs/scenario-reference.md example, verbatim.
let interfaceExample = """
    name: PS vs ring all-reduce on a DGX-1 (V100)
    cluster:
      preset: dgx1-v100          # dgx1-p100, dgx1-v100, dgx2, dgx-a100, dgx-h100, pcie-4gpu ...
      nodes: 1                   # >1 joins nodes through their NICs and a network fabric
      fabric: {kind: fat-tree, nic_bandwidth: 100 Gb/s, latency: 2 us}
      # instead of a preset, a custom graph:
      # devices: [{id: gpu0, kind: gpu, model: v100}, {id: sw0, kind: nvswitch}]
      # links: [{from: gpu0, to: gpu1, bandwidth: 50 GB/s, latency: 0.3 us, kind: nvlink, duplex: full}]
    gpus: [0, 1, 4, 5]           # which GPUs the job gets (default: all)
    model:
      preset: book-mnist-cnn     # the book code's CNN; also resnet50, bert-large, gpt2, gpt3-175b ...
      # or layers: [{name: fc1, params: 1179776, forward: 2.36 GFLOP, activations: 4.7 MB}]
      dtype: fp32
    training:
      batch_per_gpu: 128
      iterations: 3
      parallelism: {data: 4, tensor: 1, pipeline: 1, micro_batches: 1, schedule: gpipe}
      sync: {scheme: allreduce, algorithm: ring}        # scheme: parameter-server with servers: 2 ...
      overlap: true              # gradient buckets overlap the backward pass
    collectives:                 # optional: nccl-tests-style runs of single collectives
      - {op: allreduce, algorithm: ring, sizes: [1 MiB, 1 GiB]}
    sweep:                       # optional: one run per combination, reported as a table
      gpus: [[0, 1], [0, 1, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7]]
      training.sync.algorithm: [ring, tree, ps]
    """

@Suite struct ValidScenarioTests {
    @Test func interfaceExampleLoads() throws {
        let s = try load(interfaceExample, file: "exp.yaml")
        #expect(s.name == "PS vs ring all-reduce on a DGX-1 (V100)")
        #expect(s.file == "exp.yaml")
        #expect(s.cluster.preset == "dgx1-v100" && s.cluster.nodes == 1)
        #expect(s.cluster.fabric == FabricSpec(kind: .fatTree, nicBandwidth: .gigabitsPerSecond(100),
                                               latency: .microseconds(2)))
        #expect(s.cluster.fabric?.nicBandwidth?.bytesPerSecond == 12.5e9)
        #expect(s.topology.gpuCount == 8)
        #expect(s.gpus == [0, 1, 4, 5])
        let model = try #require(s.model)
        #expect(model.preset == "book-mnist-cnn" && model.dtype == .fp32)
        #expect(model.parameters == 1_201_382)
        #expect(model.gradientBytes == 4_805_528)
        let t = try #require(s.training)
        #expect(t.batchPerGPU == 128 && t.iterations == 3 && t.overlap)
        #expect(t.parallelism == Parallelism(data: 4, tensor: 1, pipeline: 1, microBatches: 1, schedule: .gpipe))
        #expect(t.sync == SyncDescription(scheme: .allreduce, algorithm: .ring))
        #expect(s.collectives == [CollectiveDescription(op: .allreduce, algorithm: .ring,
                                                        sizes: [.mebibytes(1), .gibibytes(1)], root: 0)])
        #expect(s.sweep.count == 9)
    }

    @Test func unitsAreExact() throws {
        let yaml = """
            cluster:
              devices:
                - {id: gpu0, kind: gpu, model: a100}
                - {id: gpu1, kind: gpu}
                - {id: nic0, kind: nic, node: 0}
              links:
                - {from: gpu0, to: gpu1, bandwidth: 100 Gb/s, latency: 0.3 us, lanes: 2}
                - {from: gpu1, to: nic0, bandwidth: 1.5 GiB/s, duplex: half}
                - {from: nic0, to: gpu0, bandwidth: 25 GB/s, latency: 5 ns, kind: pcie}
            collectives:
              - {op: allreduce, sizes: [1.5 GB, 4 MiB, 1_000 B, 2 KiB]}
              - {op: broadcast, size: 1 GiB, root: 1, group: g}
            simulation: {link_efficiency: 80%, chunk: 512 KiB, compute_efficiency: 0.45}
            """
        let s = try load(yaml)
        #expect(s.collectives[0].sizes == [Bytes(Int64(1_500_000_000)), Bytes(Int64(4_194_304)),
                                           Bytes(Int64(1_000)), Bytes(Int64(2_048))])
        #expect(s.collectives[1].sizes == [Bytes(Int64(1_073_741_824))])
        #expect(s.collectives[1].root == 1 && s.collectives[1].concurrentGroup == "g")
        #expect(s.cluster.links[0].bandwidth.bytesPerSecond == 12.5e9)
        #expect(s.cluster.links[0].latency.value == 0.3e-6)
        #expect(s.cluster.links[0].kind == .nvlink && s.cluster.links[0].lanes == 2 && s.cluster.links[0].fullDuplex)
        #expect(s.cluster.links[1].bandwidth.bytesPerSecond == 1.5 * 1_073_741_824)
        #expect(s.cluster.links[1].kind == .network, "inferred from the NIC end")
        #expect(s.cluster.links[1].latency.value == 2.6e-6, "network default latency")
        #expect(!s.cluster.links[1].fullDuplex)
        #expect(s.cluster.links[2].kind == .pcie && s.cluster.links[2].latency.value == 5e-9)
        #expect(s.topology.links.count == 5, "two full-duplex links give two directed links each")
        #expect(s.topology.gpuSpec == .a100)
        #expect(s.gpus == [0, 1])
        #expect(s.options == SimulationOptions(linkEfficiency: 0.8, chunkBytes: .kibibytes(512),
                                               computeEfficiency: 0.45))
    }

    @Test func defaults() throws {
        let s = try load("cluster: {preset: dgx1-v100}\nmodel: {preset: book-mnist-cnn}\ntraining: {}\n",
                         file: "dir/my-exp.yaml")
        #expect(s.name == "my-exp")
        #expect(s.gpus == Array(0..<8))
        #expect(s.model?.dtype == .fp32)
        let t = try #require(s.training)
        #expect(t.batchPerGPU == 64 && t.iterations == 3 && t.overlap)
        #expect(t.parallelism == Parallelism(data: 8))
        #expect(t.sync == SyncDescription(scheme: .allreduce, algorithm: .ring, servers: 1, sharding: .balanced,
                                          placement: .gpus))
        #expect(s.collectives.isEmpty && s.sweep.isEmpty)
        #expect(s.options == SimulationOptions())
    }

    @Test func collectiveDefaults() throws {
        let s = try load("cluster: {preset: dgx1-v100}\ngpus: [2, 3, 6]\ncollectives:\n"
                         + "  - {op: allreduce, size: 1 MiB}\n  - {op: gather, size: 1 MiB, gpus: 2}\n"
                         + "  - {op: broadcast, sizes: {from: 1 MiB, to: 8 MiB}}\n")
        #expect(s.collectives[0] == CollectiveDescription(op: .allreduce, algorithm: .ring, sizes: [.mebibytes(1)],
                                                          root: 2, gpus: nil))
        #expect(s.collectives[1].algorithm == .direct, "gather has no ring; direct is the default")
        #expect(s.collectives[1].gpus == [2, 3], "a count takes the first N of the job's GPUs")
        #expect(s.collectives[1].root == 2)
        #expect(s.collectives[2].sizes == [.mebibytes(1), .mebibytes(2), .mebibytes(4), .mebibytes(8)])
    }

    @Test func parallelismAndSync() throws {
        // Tensor parallelism splits transformer layers, so this uses gpt2 (the CNN is rejected, see ErrorTests).
        let s = try load(training("parallelism: {tensor: 2, pipeline: 2}\n  sync: {algorithm: ps, servers: 2, "
                                  + "sharding: layer-wise}").replacingOccurrences(of: "book-mnist-cnn", with: "gpt2"))
        let t = try #require(s.training)
        #expect(t.parallelism == Parallelism(data: 2, tensor: 2, pipeline: 2, microBatches: 8, schedule: .gpipe))
        #expect(t.sync == SyncDescription(scheme: .parameterServer, algorithm: .ps, servers: 2, sharding: .layerWise,
                                          placement: .gpus))
        let ps = try load(training("sync: {scheme: parameter-server}"))
        #expect(ps.training?.sync.algorithm == .ps)
        let tree = try load(training("sync: {algorithm: double-binary-tree}"))
        #expect(tree.training?.sync == SyncDescription(scheme: .allreduce, algorithm: .doubleBinaryTree))
    }

    @Test func explicitLayersModel() throws {
        let yaml = """
            cluster: {preset: pcie-4gpu}
            model:
              dtype: fp16
              layers:
                - {name: fc1, params: 1_179_776, forward: 2.36 GFLOP, activations: 4.7 MB}
                - {params: 2580}
            training: {batch_per_gpu: 32}
            """
        let s = try load(yaml)
        let m = try #require(s.model)
        #expect(m.preset == nil && m.dtype == .fp16)
        #expect(m.layers == [LayerSpec(name: "fc1", parameters: 1_179_776, forwardFLOPs: 2.36e9,
                                       activationBytes: 4_700_000),
                             LayerSpec(name: "layer1", parameters: 2580, forwardFLOPs: 0, activationBytes: 0)])
        #expect(m.gradientBytes == (1_179_776 + 2580) * 2)
        #expect(s.training?.parallelism.data == 4)
    }

    @Test func multiNodePresetWithFabricAndHierarchical() throws {
        let yaml = """
            cluster:
              preset: dgx1-v100
              nodes: 2
              fabric: {kind: leaf-spine, nic_bandwidth: 200 Gb/s, oversubscription: 2}
            collectives:
              - {op: allreduce, algorithm: hierarchical, size: 256 MiB}
            """
        let s = try load(yaml)
        #expect(s.cluster.nodes == 2)
        #expect(s.cluster.fabric == FabricSpec(kind: .leafSpine, nicBandwidth: .gigabitsPerSecond(200),
                                               oversubscription: 2))
        #expect(s.gpus.count == s.topology.gpuCount)
        #expect(s.collectives[0].algorithm == .hierarchical)
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let yaml = """
            cluster: {preset: dgx1-v100}
            base: &base {op: allreduce, sizes: [1 MiB, 16 MiB]}
            """
        // An unknown top-level key is still an error, anchors or not.
        #expect(loadError(yaml)?.message.contains("unknown key 'base'") == true)
        let ok = """
            cluster: {preset: dgx1-v100}
            collectives:
              - &ring {op: allreduce, algorithm: ring, sizes: &sizes [1 MiB, 16 MiB]}
              - {<<: *ring, algorithm: tree}
              - {op: allgather, sizes: *sizes}
            """
        let s = try load(ok)
        #expect(s.collectives.map(\.algorithm) == [.ring, .tree, .ring])
        #expect(s.collectives.map(\.op) == [.allreduce, .allreduce, .allgather])
        #expect(s.collectives[2].sizes == [.mebibytes(1), .mebibytes(16)])
    }

    @Test func nullValuesMeanDefault() throws {
        let s = try load("name:\ncluster: {preset: dgx1-v100}\ngpus: ~\ncollectives: [{op: allreduce, size: 1 MiB, "
                         + "algorithm: null}]\n")
        #expect(s.name == "t" && s.gpus.count == 8 && s.collectives[0].algorithm == .ring)
    }

    @Test func defaultScenarioLoads() throws {
        let s = try ScenarioLoader.loadDefault()
        #expect(s.name == "PS vs ring all-reduce on a DGX-1 (V100)")
        #expect(s.file == "<default>")
        #expect(s.cluster.preset == "dgx1-v100")
        #expect(s.gpus == Array(0..<8))
        #expect(s.model?.preset == "book-mnist-cnn" && s.model?.gradientBytes == 4_805_528)
        #expect(s.training?.sync.algorithm == .ring && s.training?.sync.scheme == .allreduce)
        #expect(s.collectives.count == 3)
        #expect(s.collectives[0].sizes.first == Bytes(Int64(4_805_528)))
        #expect(s.sweep.map { $0.parameters.map(\.1) } == [["ring"], ["tree"], ["ps"]])
        #expect(s.sweep[2].scenario.training?.sync == SyncDescription(scheme: .parameterServer, algorithm: .ps,
                                                                      servers: 2))
    }
}
