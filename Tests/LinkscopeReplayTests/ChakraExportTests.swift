import Testing
import LinkscopeReplay
import LinkscopeScenario
import LinkscopeSim

/// A simulated hybrid training workload written as Chakra traces reads back and replays: same nodes, the
/// same compute per rank (to the microsecond Chakra stores), the same tensor-parallel all-reduces and
/// pipeline sends.
@Test func trainingWorkloadRoundTripsThroughChakra() throws {
    let yaml = """
    name: export
    cluster: {preset: dgx-a100}
    model:
      transformer: {layers: 4, hidden: 1024, heads: 16, seq_len: 512, vocab: 1000}
      dtype: bf16
    training:
      batch_per_gpu: 4
      iterations: 1
      parallelism: {tensor: 2, pipeline: 2, data: 2, micro_batches: 2, schedule: 1f1b}
    """
    let scenario = try ScenarioLoader.load(yaml: yaml, file: "export.yaml")
    let run = try Simulator.run(scenario)
    let workload = try Simulator.workload(scenario)
    #expect(workload.count == 8)
    let graphs = ChakraExport.graphs(workload, name: "export")
    let decoded = try graphs.map { g in try ChakraReader.decode(ChakraProtobuf.encodeFile(g), file: g.file) }
    // Decoded nodes carry their byte offsets in the file; everything else round-trips.
    let stripped = decoded.map { g in g.nodes.map { n -> ChakraNode in var m = n; m.offset = 0; return m } }
    #expect(stripped == graphs.map(\.nodes))
    #expect(decoded.map(\.rank) == Array(0..<8))

    let plan = try ChakraPlan(graphs: decoded)
    let replay = try plan.run(topology: scenario.topology, gpus: workload.map(\.gpu))
    for (rank, w) in workload.enumerated() {
        let simulated = try #require(run.report.gpus.first { $0.id == w.gpu }).compute
        let replayed = replay.ranks[rank].predicted.computeSeconds
        #expect(abs(replayed - simulated) <= 1e-6 * Double(w.nodes.count), "rank \(rank)")
    }
    // Tensor-parallel all-reduces: 4 per layer per micro-batch, b·s·h·2 bytes, on both replicas' groups.
    let tp = replay.collectives.filter { $0.op == "allreduce" && $0.bytes == 2 * 512 * 1024 * 2 }
    #expect(tp.count == 4 * 2 * 2 * 2 * 2)  // per layer × layers per stage × micro-batches × stages × replicas
    let sends = workload.flatMap(\.nodes).filter { if case .send = $0.kind { return true } else { return false } }
    #expect(sends.count == 2 * 2 * 2 * 2)  // fwd + bwd × micro-batches × tensor ranks × replicas
}
