import Testing
import LinkscopeScenario
@testable import LinkscopeSim

/// 4 nodes of 8 A100s, tensor 4 × pipeline 4 × data 2: stages 0-1 and 2-3 share a node, so the pipeline
/// sends between stages 1 and 2 and the data-parallel sync cross the fat-tree.
private let layout3D = """
    name: representative
    cluster: {preset: dgx-a100, nodes: 4, fabric: {kind: fat-tree, nic_bandwidth: 200 Gb/s, latency: 2 us}}
    model:
      transformer: {layers: 8, hidden: 2048, heads: 16, seq_len: 1024, vocab: 32000}
      dtype: bf16
    training:
      global_batch: 32
      iterations: 2
      optimizer: adam
      recompute: full
      zero: 1
      parallelism: {data: 2, tensor: 4, pipeline: 4, micro_batches: 8, schedule: 1f1b}
    simulation: {chunk: 16 MiB}
    """

private func run(_ mode: TensorParallelPricing.Mode) throws -> Report {
    var options = RunOptions()
    options.tensorPricing = mode
    return try Simulator.run(load(layout3D), options: options).report
}

/// The shortcut the gpt3-175b benchmark takes (tensor collectives priced analytically, one rank per
/// tensor group simulated, the others mirroring it) agrees with simulating every rank and every
/// tensor all-reduce as flows.
@Test func representativeRankMatchesFullFlowSimulation() throws {
    let flows = try run(TensorParallelPricing.Mode())
    let analytic = try run(TensorParallelPricing.Mode(flowLimit: 0, representativeRank: false))
    let representative = try run(TensorParallelPricing.Mode(flowLimit: 0, representativeRank: true))
    #expect(flows.training?.tensorAnalytic == false)
    #expect(representative.training?.tensorAnalytic == true)
    let full = try #require(flows.iterationTime)
    let every = try #require(analytic.iterationTime)
    let rep = try #require(representative.iterationTime)
    #expect(relativeError(rep, full) < 0.005)
    // Mirroring keeps the analytic run's iteration time and its bytes per link and GPU exactly.
    #expect(relativeError(rep, every) < 1e-9)
    #expect(representative.links.map(\.bytes) == analytic.links.map(\.bytes))
    #expect(representative.gpus.map(\.bytesSent) == analytic.gpus.map(\.bytesSent))
    // The mirrored sends do not see their siblings' contention (two GPUs share a PCIe switch), so
    // busy time and the measured bubble move slightly; the iteration time does not.
    let busy = representative.links.reduce(0) { $0 + $1.busy }
    #expect(relativeError(busy, analytic.links.reduce(0) { $0 + $1.busy }) < 0.005)
    let bubble = try #require(representative.pipeline?.bubbleFraction)
    #expect(relativeError(bubble, try #require(analytic.pipeline?.bubbleFraction)) < 0.005)
    #expect(relativeError(bubble, try #require(flows.pipeline?.bubbleFraction)) < 0.005)
    #expect(representative.events < analytic.events)
}
