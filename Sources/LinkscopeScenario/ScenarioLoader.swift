import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// YAML text → validated `Scenario` (docs/scenario-reference.md "Scenario file").
///
/// The text is composed with Yams into a node tree with locations, then read by a small typed reader:
/// every problem is a `ScenarioError` with the file, the 1-based line and column of the offending node
/// (the key for an unknown key, the value for a bad value, the mapping for a missing key), the field path,
/// and a message. Never crashes on any input.
///
/// ```swift
/// let scenario = try ScenarioLoader.load(yaml: text, file: "exp.yaml")
/// for point in scenario.sweep { print(point.parameters, point.scenario.gpus) }
/// ```
///
/// ## Accepted schema (defaults in brackets; every key optional unless marked *required*)
///
/// - `name` [the file name without extension]
/// - `cluster` *required*: either
///   - `preset` (`Topology.presetNames`), `nodes` [1, 1...4096],
///     `fabric: {kind: fat-tree|leaf-spine [fat-tree], nic_bandwidth [preset's], latency [2 us],
///     oversubscription [1, ≥ 1]}`; or
///   - `devices: [{id *required*, kind *required*: gpu|nvswitch|pcie-switch|cpu|nic|switch, model (GPUs: v100,
///     p100, a100, h100), node [0]}]` and `links: [{from *required*, to *required*, bandwidth *required*,
///     latency [nvlink 0.3 us, network 2.6 us, pcie/qpi 1 us], kind [nvlink between GPUs/NVSwitches, network at
///     a NIC or switch, qpi between CPUs, else pcie], duplex: full|half [full], lanes [1]}]` (GPUs numbered in
///     device order). `preset` and `devices` exclude each other; `nodes`/`fabric` apply to presets only.
/// - `gpus` [all]: a list of GPU numbers, a count N (GPUs 0..<N), or `all`. In range, no duplicates.
/// - `model`: one of `preset` (`ModelCatalog.names`), `transformer: {layers, hidden, heads, seq_len, vocab
///   *required*, ffn_hidden [4·hidden], kv_heads [heads], mlp: gelu|swiglu [gelu], bias, learned_positions,
///   tied_embeddings}` or `layers: [{name [layerI], params *required*, forward [0 FLOP], activations [0 B]}]`;
///   `dtype: fp32|fp16|bf16|int8` [fp32].
/// - `training` (needs `model`): `batch_per_gpu` [64] or `global_batch`, `iterations` [3], `overlap` [true],
///   `optimizer: sgd|momentum|adam` [momentum], `recompute: none|selective|full` [none], `zero` [0, 0...3],
///   `gpu_speed: {GPU: factor}`, `frozen_layers` [0], `inference` [false], `data_loading: {bandwidth, sample_bytes}`, `learning_rate: {base, base_batch,
///   rule: linear|sqrt [linear], warmup [0]}`, `elastic: {keep: local-batch|global-batch, resizes: [{at, gpus}]}`,
///   `parallelism: {data [GPUs / (tensor·pipeline)], tensor [1], pipeline [1],
///   micro_batches [1, or min(4·pipeline, batch) when pipelined], schedule: vanilla|gpipe|1f1b|interleaved
///   [gpipe], virtual_stages [1; 2 interleaved], sequence [false], split [balanced]}`
///   with data·tensor·pipeline = the job's GPU count (docs/training.md);
///   `sync: {scheme: allreduce|parameter-server, algorithm, servers [1], sharding: balanced|layer-wise [balanced],
///   placement: gpus|hosts [gpus]}`. No scheme and no algorithm: all-reduce ring; `algorithm: ps` implies the
///   parameter-server scheme and vice versa; any other algorithm is all-reduce.
/// - `collectives: [{op *required*, algorithm [ring, or direct where ring does not apply], sizes: [..] or
///   {from, to, factor [2]} | size *required* (one of them), root [first GPU], gpus [the job's; a count takes the
///   first N of them], servers [1], sharding, placement, group}]` (algorithm/op pairs: `AlgorithmSupport`).
/// - `simulation: {link_efficiency (0, 1] [1], chunk [4 MiB], compute_efficiency (0, 1] [the GPU's]}`; numbers
///   may be written as percentages (`80%`).
/// - `jobs: [{name [jobN], gpus *required*, model *required*, training *required*}]`: training jobs sharing the
///   fabric (docs/training.md).
/// - `sweep: {dotted.path[index]: [values]}`; see `load(yaml:file:)`.
///
/// At least one of `collectives` or `training` is required. Null values (`~`, empty) mean "use the default".
/// YAML anchors, aliases and merge keys (`<<: *base`) work; errors inside an aliased value point at the anchor.
/// `hierarchical` requires the GPUs to span more than one node. `servers` is at most the (data-parallel)
/// GPU count with placement `gpus`, at most the topology's CPUs with `hosts`.
///
/// Sweeps: each combination (cartesian product, first key outermost) is substituted into the document and
/// validated again; errors carry the location of the offending value and end in "(in sweep point k=v, ...)".
/// Sweeping `training.sync.algorithm` re-derives the scheme (so `ps` means parameter-server); sweeping
/// `training.sync.scheme` drops a written algorithm that does not fit it; sweeping `gpus`, `cluster`,
/// `cluster.preset` or `cluster.nodes` re-derives `training.parallelism.data` unless that is swept too.
/// Missing intermediate mappings are created (`training.sync.servers` without a `sync`). At most 4096 points.
public enum ScenarioLoader {
    /// Loads and validates a scenario; with `sweep:`, every combination is validated too and listed in
    /// `Scenario.sweep` (cartesian product in key order, first key outermost).
    public static func load(yaml: String, file: String) throws(ScenarioError) -> Scenario {
        guard let root = try DocumentParser.parse(yaml: yaml, file: file) else {
            throw ScenarioError(file: file, line: 1, column: 1, path: "",
                                message: "the scenario is empty; it needs a 'cluster' and 'collectives' or "
                                    + "'training' with a 'model'")
        }
        let builder = ScenarioBuilder(file: file)
        var scenario = try builder.build(root)
        guard let sweepNode = root.entries?.first(where: { $0.key == "sweep" })?.value, !sweepNode.isNull else {
            return scenario
        }
        let spec = try SweepSpec(sweepNode, reader: builder.reader)
        for combination in spec.combinations {
            let parameters = spec.parameters(combination)
            do {
                let doc = try spec.apply(combination, to: root, reader: builder.reader)
                let point = try builder.build(doc)
                scenario.sweep.append(SweepPoint(parameters: parameters, scenario: point))
            } catch {
                var e = error
                let label = parameters.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
                e.message += " (in sweep point \(label))"
                throw e
            }
        }
        return scenario
    }

    /// Loads the built-in default scenario (what `linkscope` with no arguments shows).
    public static func loadDefault() throws(ScenarioError) -> Scenario {
        try load(yaml: defaultScenarioYAML, file: defaultScenarioFile)
    }

    /// The file name errors and reports use for the built-in scenario.
    public static let defaultScenarioFile = "<default>"
}
