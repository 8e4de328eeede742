import Testing
@testable import LinkscopeScenario

/// Every error class, with its exact file:line:column and field path.
@Suite struct ErrorTests {
    @Test func yamlSyntaxErrorCarriesYamsMark() {
        expectError("name: x\ncluster: {preset: dgx1-v100\ngpus: [0]\n", line: 3, column: 5, path: "",
                    contains: "invalid YAML: did not find expected ',' or '}'")
        expectError("cluster:\n  preset: dgx1-v100\n\tgpus: [0]\n", line: 3, column: 1, path: "",
                    contains: "invalid YAML")
    }

    @Test func duplicateKeyReportedAtSecondOccurrence() {
        expectError("cluster:\n  preset: dgx1-v100\n  preset: dgx2\n", line: 3, column: 3, path: "",
                    contains: "duplicate key 'preset' (first given at line 2)")
    }

    @Test func unknownKeyWithSuggestion() throws {
        let yaml = """
            cluster:
              preset: dgx1-v100
            collectives:
              - {op: allreduce, algoritm: ring, sizes: [1 MiB]}
            """
        let e = try #require(loadError(yaml))
        #expect(e.description == "t.yaml:4:21: error: unknown key 'algoritm' (did you mean 'algorithm'?) (at collectives[0])")
        expectError("gpu: [0]\ncluster: {preset: dgx1-v100}\n", line: 1, column: 1, path: "",
                    contains: "unknown key 'gpu' (did you mean 'gpus'?)")
        expectError("cluster: {preset: dgx1-v100}\nmodel: {preset: gpt2}\ntraining:\n  batch-per-gpu: 3\n", line: 4, column: 3,
                    path: "training", contains: "did you mean 'batch_per_gpu'?")
    }

    @Test func unknownKeyWithoutNearMissListsAllowedKeys() {
        expectError("cluster:\n  preset: dgx1-v100\n  flavour: vanilla\n", line: 3, column: 3, path: "cluster",
                    contains: "unknown key 'flavour'; allowed here: preset, nodes, fabric, devices, links")
    }

    @Test func bareNumberWhereUnitExpected() throws {
        let yaml = """
            cluster:
              preset: dgx1-v100
            collectives:
              - op: allreduce
                sizes: [1 MiB, 25]
            """
        let e = try #require(loadError(yaml))
        #expect(e.line == 5 && e.column == 20 && e.path == "collectives[0].sizes[1]")
        #expect(e.message == "'25' has no unit; write it with one of B, KB, MB, GB, TB, KiB, MiB, GiB, TiB")
        expectError(customGraph(bandwidth: "25"), line: 6, column: 41, path: "cluster.links[0].bandwidth",
                    contains: "'25' has no unit; write it with one of GB/s, Gb/s, GiB/s")
        expectError("cluster: {preset: dgx1-v100, nodes: 2, fabric: {nic_bandwidth: 100}}\n"
                    + "collectives: [{op: allreduce, size: 1 MiB}]\n", line: 1, column: 64,
                    path: "cluster.fabric.nic_bandwidth", contains: "'100' has no unit")
    }

    @Test func unknownUnit() {
        expectError(collective("{op: allreduce, sizes: [4 MB/s]}"), line: 3, column: 29, path: "collectives[0].sizes[0]",
                    contains: "unknown unit 'MB/s' in '4 MB/s'")
    }

    @Test func wrongTypes() {
        expectError("cluster: {preset: dgx1-v100}\nmodel: {preset: book-mnist-cnn}\ntraining:\n  batch_per_gpu: lots\n",
                    line: 4, column: 18, path: "training.batch_per_gpu", contains: "expected an integer, found 'lots'")
        expectError("cluster: {preset: dgx1-v100}\nmodel: {preset: book-mnist-cnn}\ntraining: {batch_per_gpu: 2.5}\n",
                    line: 3, column: 27, path: "training.batch_per_gpu",
                    contains: "expected a whole number, found '2.5'")
        expectError("cluster: [dgx1-v100]\n", line: 1, column: 10, path: "cluster", contains: "expected a mapping")
        expectError("cluster: {preset: dgx1-v100}\ngpus: {first: 2}\ncollectives: [{op: allreduce, size: 1 MiB}]\n",
                    line: 2, column: 7, path: "gpus", contains: "expected a list, found a mapping")
        expectError("cluster: {preset: dgx1-v100}\nmodel: {preset: book-mnist-cnn}\ntraining: {overlap: maybe}\n",
                    line: 3, column: 21, path: "training.overlap", contains: "expected true or false, found 'maybe'")
        expectError(collective("{op: allreduce, sizes: 1 MiB}"), line: 3, column: 28, path: "collectives[0].sizes",
                    contains: "expected a list, found '1 MiB'")
    }

    @Test func outOfRangeAndHugeIntegers() {
        expectError("cluster: {preset: dgx1-v100}\nmodel: {preset: book-mnist-cnn}\ntraining: {iterations: 0}\n",
                    line: 3, column: 24, path: "training.iterations",
                    contains: "expected an integer from 1 to 100000, found 0")
        expectError("cluster: {preset: dgx1-v100}\nmodel: {preset: book-mnist-cnn}\n"
                    + "training: {batch_per_gpu: 99999999999999999999999}\n", line: 3, column: 27,
                    path: "training.batch_per_gpu", contains: "is too large")
        expectError("cluster: {preset: dgx1-v100, nodes: -1}\n", line: 1, column: 37, path: "cluster.nodes",
                    contains: "expected an integer from 1 to 4096, found -1")
        expectError(collective("{op: allreduce, sizes: [99999999999 TiB]}"), line: 3, column: 29,
                    path: "collectives[0].sizes[0]", contains: "is not a whole number of bytes")
    }

    @Test func gpuOutOfRangeAndDuplicates() {
        expectError("cluster: {preset: dgx1-v100}\ngpus: [0, 1, 9]\ncollectives: [{op: allreduce, size: 1 MiB}]\n",
                    line: 2, column: 14, path: "gpus[2]",
                    contains: "GPU 9 is out of range: the topology has 8 GPUs (0-7)")
        expectError("cluster: {preset: dgx1-v100}\ngpus: [0, 1, 1]\ncollectives: [{op: allreduce, size: 1 MiB}]\n",
                    line: 2, column: 14, path: "gpus[2]", contains: "GPU 1 is listed twice")
        expectError("cluster: {preset: dgx1-v100}\ngpus: 12\ncollectives: [{op: allreduce, size: 1 MiB}]\n",
                    line: 2, column: 7, path: "gpus", contains: "12 GPUs asked for, but the topology has 8")
        expectError(collective("{op: allreduce, size: 1 MiB, gpus: [0, 8]}"), line: 3, column: 44,
                    path: "collectives[0].gpus[1]", contains: "GPU 8 is out of range")
        expectError(collective("{op: broadcast, size: 1 MiB, gpus: [0, 1], root: 3}"), line: 3, column: 54,
                    path: "collectives[0].root", contains: "root GPU 3 is not one of this collective's GPUs (0, 1)")
    }

    @Test func disconnectedCustomTopology() {
        let yaml = """
            cluster:
              devices:
                - {id: gpu0, kind: gpu, model: v100}
                - {id: gpu1, kind: gpu, model: v100}
                - {id: gpu2, kind: gpu, model: v100}
              links:
                - {from: gpu0, to: gpu1, bandwidth: 25 GB/s}
            collectives: [{op: allreduce, size: 1 MiB}]
            """
        expectError(yaml, line: 6, column: 3, path: "cluster.links",
                    contains: "topology is disconnected: gpu0 cannot reach gpu2")
    }

    @Test func customTopologyErrorsPointAtDeviceOrLink() {
        expectError(customGraph(to: "nic9"), line: 6, column: 24, path: "cluster.links[0].to",
                    contains: "'to' names unknown device 'nic9'; devices are gpu0, gpu1")
        expectError(customGraph(to: "gpu"), line: 6, column: 24, path: "cluster.links[0].to",
                    contains: "(did you mean 'gpu0'?)")
        expectError(customGraph(to: "gpu0"), line: 6, column: 24, path: "cluster.links[0].to",
                    contains: "a link must join two different devices")
        expectError(customGraph(secondID: "gpu0"), line: 4, column: 12, path: "cluster.devices[1].id",
                    contains: "duplicate device id 'gpu0' (first defined at line 3)")
        expectError(customGraph(model: "v900"), line: 3, column: 36, path: "cluster.devices[0].model",
                    contains: "unknown GPU model 'v900' (did you mean 'v100'?)")
        expectError(customGraph(kind: "gpux"), line: 3, column: 24, path: "cluster.devices[0].kind",
                    contains: "unknown device kind 'gpux' (did you mean 'gpu'?); expected one of gpu, nvswitch")
    }

    @Test func zeroAndNegativeBandwidth() {
        expectError(customGraph(bandwidth: "0 GB/s"), line: 6, column: 41, path: "cluster.links[0].bandwidth",
                    contains: "'0 GB/s' must be greater than zero")
        expectError(customGraph(bandwidth: "-5 GB/s"), line: 6, column: 41, path: "cluster.links[0].bandwidth",
                    contains: "'-5 GB/s' must be greater than zero")
        expectError(customGraph(bandwidth: "lots GB/s"), line: 6, column: 41, path: "cluster.links[0].bandwidth",
                    contains: "'lots GB/s' is not a number with a unit")
    }

    @Test func unknownPresets() {
        expectError("cluster: {preset: dgx1-v10}\n", line: 1, column: 19, path: "cluster.preset",
                    contains: "unknown preset 'dgx1-v10' (did you mean 'dgx1-v100'?); expected one of dgx1-p100")
        expectError("cluster: {preset: dgx1-v100}\nmodel: {preset: resnet-50}\ntraining: {}\n", line: 2, column: 17,
                    path: "model.preset", contains: "unknown model preset 'resnet-50' (did you mean 'resnet50'?)")
    }

    @Test func unknownEnumValuesListTheAllowed() {
        expectError(collective("{op: allreduc, size: 1 MiB}"), line: 3, column: 10, path: "collectives[0].op",
                    contains: "unknown operation 'allreduc' (did you mean 'allreduce'?); expected one of allreduce, "
                        + "reduce, broadcast, gather, scatter, allgather, reducescatter, alltoall, sendrecv")
        expectError(collective("{op: allreduce, algorithm: rign, size: 1 MiB}"), line: 3, column: 32,
                    path: "collectives[0].algorithm", contains: "unknown algorithm 'rign' (did you mean 'ring'?)")
        expectError("cluster: {preset: dgx1-v100}\nmodel: {preset: book-mnist-cnn, dtype: fp64}\ntraining: {}\n",
                    line: 2, column: 40, path: "model.dtype",
                    contains: "unknown dtype 'fp64'; expected one of fp32, fp16, bf16, int8")
        expectError("cluster: {preset: dgx1-v100}\nmodel: {preset: book-mnist-cnn}\n"
                    + "training: {parallelism: {schedule: zigzag}}\n", line: 3, column: 36,
                    path: "training.parallelism.schedule",
                    contains: "unknown pipeline schedule 'zigzag'; expected one of vanilla, gpipe, 1f1b, interleaved")
    }

    @Test func algorithmUnsupportedForOperation() {
        expectError(collective("{op: broadcast, algorithm: ps, size: 1 MiB}"), line: 3, column: 32,
                    path: "collectives[0].algorithm",
                    contains: "algorithm 'ps' does not implement broadcast; for broadcast use one of ring, tree")
        expectError(collective("{op: allreduce, algorithm: hierarchical, size: 1 MiB}"), line: 3, column: 32,
                    path: "collectives[0].algorithm",
                    contains: "algorithm 'hierarchical' needs GPUs on more than one node")
        expectError(training("sync: {scheme: allreduce, algorithm: ps}"), line: 4, column: 40,
                    path: "training.sync.algorithm", contains: "algorithm 'ps' is the parameter-server scheme")
        expectError(training("sync: {scheme: parameter-server, algorithm: tree}"), line: 4, column: 47,
                    path: "training.sync.algorithm", contains: "the parameter-server scheme has no algorithm choice")
    }

    @Test func serverCounts() {
        expectError(training("sync: {algorithm: ps, servers: 9}"), line: 4, column: 34,
                    path: "training.sync.servers", contains: "9 servers, but only 8 data-parallel GPUs")
        expectError(collective("{op: allreduce, algorithm: ps, servers: 3, gpus: [0, 1], size: 1 MiB}"), line: 3,
                    column: 45, path: "collectives[0].servers", contains: "3 servers, but only 2 GPUs")
    }

    @Test func structuralRequirements() {
        expectError("cluster: {preset: dgx1-v100}\n", line: 1, column: 1, path: "",
                    contains: "nothing to simulate: add 'collectives' or 'training'")
        expectError("cluster: {preset: dgx1-v100}\ntraining: {iterations: 2}\n", line: 2, column: 1, path: "training",
                    contains: "'training' needs a 'model'")
        expectError("collectives: [{op: allreduce, size: 1 MiB}]\n", line: 1, column: 1, path: "",
                    contains: "missing required key 'cluster'")
        expectError(collective("{algorithm: ring, size: 1 MiB}"), line: 3, column: 5, path: "collectives[0]",
                    contains: "missing required key 'op'")
        expectError(collective("{op: allreduce}"), line: 3, column: 5, path: "collectives[0]",
                    contains: "missing required key 'sizes'")
        expectError("cluster: {nodes: 2}\n", line: 1, column: 10, path: "cluster",
                    contains: "the cluster needs a 'preset'")
        expectError("cluster: {preset: dgx2, devices: []}\n", line: 1, column: 25, path: "cluster",
                    contains: "'devices' describes a custom graph and cannot be combined with 'preset'")
        expectError(training("parallelism: {data: 3}"), line: 4, column: 23, path: "training.parallelism.data",
                    contains: "data × tensor × pipeline = 3 × 1 × 1 = 3, but the job has 8 GPUs")
        expectError(training("parallelism: {tensor: 3}"), line: 4, column: 25, path: "training.parallelism.tensor",
                    contains: "tensor × pipeline = 3 does not divide the job's 8 GPUs")
        expectError("- a\n- b\n", line: 1, column: 1, path: "", contains: "a scenario is a mapping")
        expectError("", line: 1, column: 1, path: "", contains: "the scenario is empty")
        expectError("# only a comment\n", line: 1, column: 1, path: "", contains: "the scenario is empty")
        expectError("? [a, b]\n: 1\n", line: 1, column: 3, path: "", contains: "mapping keys must be plain names")
    }

    @Test func badSweepValueReportedAtItsOwnLocation() throws {
        let yaml = """
            cluster: {preset: dgx1-v100}
            model: {preset: book-mnist-cnn}
            training: {sync: {algorithm: ring}}
            sweep:
              gpus: [[0, 1], [0, 12]]
              training.sync.algorithm: [ring, bogus]
            """
        let e = try #require(loadError(yaml))
        #expect(e.line == 6 && e.column == 35, "\(e)")
        #expect(e.path == "training.sync.algorithm")
        #expect(e.message.hasPrefix("unknown algorithm 'bogus'"))
        #expect(e.message.hasSuffix("(in sweep point gpus=[0, 1], training.sync.algorithm=bogus)"))

        let yaml2 = yaml.replacingOccurrences(of: "[ring, bogus]", with: "[ring, tree]")
        let e2 = try #require(loadError(yaml2))
        #expect(e2.line == 5 && e2.column == 22 && e2.path == "gpus[1]", "\(e2)")
        #expect(e2.message.contains("GPU 12 is out of range"))
    }

    @Test func badSweepKeys() {
        let base = "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, size: 1 MiB}]\nsweep:\n"
        expectError(base + "  collectives[3].algorithm: [ring]\n", line: 4, column: 3,
                    path: "sweep.collectives[3].algorithm", contains: "asks for entry 3, but the list at line 2 has 1")
        expectError(base + "  collectives[0].algoritm: [ring]\n", line: 4, column: 3, path: "collectives[0]",
                    contains: "unknown key 'algoritm' (did you mean 'algorithm'?)")
        expectError(base + "  collectives..op: [ring]\n", line: 4, column: 3, path: "sweep",
                    contains: "is not a path such as")
        expectError(base + "  gpus: 4\n", line: 4, column: 9, path: "sweep.gpus", contains: "expected a list")
        expectError(base + "  gpus: []\n", line: 4, column: 9, path: "sweep.gpus", contains: "the list is empty")
    }
}

/// A minimal document with one collective entry on line 3, starting at column 5.
func collective(_ entry: String) -> String {
    "cluster: {preset: dgx1-v100}\ncollectives:\n  - \(entry)\n"
}

/// A document with a training section whose single flow entry sits on line 4 at column 3.
func training(_ entry: String) -> String {
    "cluster: {preset: dgx1-v100}\nmodel: {preset: book-mnist-cnn}\ntraining:\n  \(entry)\n"
}

/// Two GPUs joined by one link (line 6); values interpolated where tests break them.
func customGraph(bandwidth: String = "25 GB/s", to: String = "gpu1", secondID: String = "gpu1",
                 model: String = "v100", kind: String = "gpu") -> String {
    """
    cluster:
      devices:
        - {id: gpu0, kind: \(kind), model: \(model)}
        - {id: \(secondID), kind: gpu, model: v100}
      links:
        - {from: gpu0, to: \(to), bandwidth: \(bandwidth), kind: nvlink}
    collectives: [{op: allreduce, size: 1 MiB}]
    """
}
