extension ScenarioLoader {
    /// The built-in scenario: the book's MNIST CNN (1,201,382 parameters, 4,805,528 B of fp32 gradients)
    /// trained data-parallel on the 8 V100s of a DGX-1, ring all-reduce against tree and a sharded
    /// parameter server, plus nccl-tests-style all-reduce runs at the model's gradient size and beyond.
    public static let defaultScenarioYAML = """
        # linkscope's built-in scenario (`linkscope` with no arguments).
        # The book's MNIST CNN on a DGX-1 (V100): how much does the choice of gradient
        # synchronisation cost? Ring all-reduce moves 2(N-1)/N·M per GPU over the NVLink rings;
        # a parameter server funnels N·M through its own links.
        name: PS vs ring all-reduce on a DGX-1 (V100)
        cluster:
          preset: dgx1-v100
        gpus: all
        model:
          preset: book-mnist-cnn        # 1,201,382 parameters: M = 4,805,528 B in fp32
          dtype: fp32
        training:
          batch_per_gpu: 128
          iterations: 3
          sync: {scheme: allreduce, algorithm: ring, servers: 2}
          overlap: true
        collectives:
          # the model's gradient, then larger buffers where bandwidth, not latency, decides
          - {op: allreduce, algorithm: ring, sizes: [4805528 B, 64 MiB, 1 GiB]}
          - {op: allreduce, algorithm: tree, sizes: [4805528 B, 64 MiB, 1 GiB]}
          - {op: allreduce, algorithm: ps, servers: 2, sizes: [4805528 B, 64 MiB]}
        sweep:
          training.sync.algorithm: [ring, tree, ps]
        """
}
