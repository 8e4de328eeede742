import ArgumentParser
import Foundation
import LinkscopeCostModel
import LinkscopeDashboard
import LinkscopeJSON
import LinkscopeReplay
import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeTraces
import LinkscopeUnits

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "What-if replay of real traces: their kernels and collectives run through the simulator.",
        discussion: """
            Takes the GPU activity of the complete ProfilerSteps (the last one is dropped, as in 'analyze'),
            keeps compute and memory kernels at their measured durations, keeps the host launch times and the
            cross-stream order, and re-simulates NCCL collectives whose op and size the trace records on the
            given topology. Ranks without a trace are mirrored from a given rank of their process group.
            Prints iteration time, per-rank breakdown and collectives, original vs predicted.

            Chakra execution traces (mlcommons/chakra) are a workload input instead: give them with --chakra
            (one file per rank), or as arguments when they end in .et or are Chakra JSON (first key 'version',
            'attr', 'workload_graph', 'id' or 'type'). Accepted: binary .et (varint-framed protobuf),
            chakra_jsonizer output (concatenated JSON objects) and the C++ feeder's {"workload_graph": [...]}.
            The rank is a 'rank' metadata attribute, else the last number of the file name (chakra.3.et).
            COMP nodes keep duration_micros on the rank's GPU, dependencies are ctrl_deps + data_deps,
            COMM_COLL nodes are matched across ranks by their order within pg_name and simulated as collectives
            (comm_size = bytes of one rank's input buffer), COMM_SEND/COMM_RECV pairs become transfers. With
            --gpus listing more GPUs than there are files, the missing ranks are mirrored from a given one.
            Prints per-rank total, compute, communication and idle time and the communication table.
            """)

    @Argument(help: "Trace files, one per rank (.json or .json.gz; Chakra .et or Chakra JSON are detected).",
              completion: .file(extensions: ["json", "gz", "et"]))
    var traces: [String] = []

    @Option(name: .customLong("chakra"), parsing: .upToNextOption,
            help: "Chakra execution traces, one per rank (.et, chakra_jsonizer JSON or feeder JSON).",
            completion: .file(extensions: ["et", "json"]))
    var chakra: [String] = []

    @Option(help: "Topology preset (default: from the traces' deviceProperties: A100 → dgx-a100, H100 → dgx-h100, V100 → dgx1-v100).")
    var preset: String?

    @Option(help: "Number of nodes (default: enough for the job's ranks).")
    var nodes: Int?

    @Option(help: "GPU of each rank, comma-separated (default: 0..<world size).")
    var gpus: String?

    @Option(help: "Collective algorithm for re-simulated collectives: auto (default: the NCCL-like model, NCCL's tuner pick; docs/nccl-model.md), nvls, or an idealised algorithm (ring, tree, ...).")
    var algorithm: String = "auto"

    @Option(name: .customLong("link-efficiency"), help: "Fraction of link bandwidth reached (0 < e ≤ 1); default 0.8 of line rate for the idealised algorithms, 1 for auto/nvls (NCCL's effective bandwidths already).")
    var linkEfficiencyOption: Double?

    /// NCCL's effective bandwidths already include its protocol overheads: no further discount by default.
    var linkEfficiency: Double { linkEfficiencyOption ?? (algorithm == "auto" || algorithm == "nvls" ? 1 : 0.8) }

    @Option(help: "Output format: text, json or csv (one row per collective).")
    var format: OutputFormat = .text

    @Flag(help: "List every collective in the text output (default: grouped).")
    var allCollectives = false

    @Flag(help: "Open the dashboard: original pinned as A, prediction as B (A/B view).")
    var view = false

    @OptionGroup var flags: DashboardFlags

    func run() throws {
        let detected = traces.filter { ChakraReader.looksLikeChakra(path: $0) }
        if !chakra.isEmpty || (!traces.isEmpty && !detected.isEmpty) {
            guard detected.count == traces.count else {
                let kineto = traces.filter { !detected.contains($0) }
                throw CLIError(.command("replay"),
                               .stated("Chakra traces cannot be mixed with Kineto traces (\(kineto.joined(separator: ", ")))"))
            }
            try runChakra(files: chakra + traces)
            return
        }
        guard !traces.isEmpty else { throw CLIError(.command("replay"), .missing("trace file")) }
        let alg = try checkedAlgorithm()
        let ranks = try Traces.read(traces)
        let plan = try ReplayPlan(traces: ranks)
        var notes: [String] = []
        let presetName = try resolvePreset(ranks, notes: &notes)
        let (topology, result) = try replay(preset: presetName, worldSize: plan.worldSize, notes: notes) {
            try plan.run(topology: $0, gpus: $1, algorithm: alg, linkEfficiency: linkEfficiency)
        }
        if view {
            let a = model(result.originalTimeline, title: "original (measured)", iterations: result.iterations.map(\.originalSeconds))
            let b = model(result.predictedTimeline, title: "predicted: \(topology.name) \(alg.rawValue)",
                          iterations: result.iterations.map(\.predictedSeconds))
            try show(b, pinned: a)
            return
        }
        switch format {
        case .json: print(ReplayReport.json(result).serialized(), terminator: "")
        case .csv: print(Self.csv(ReplayReport.json(result)), terminator: "")
        case .text: print(ReplayReport.text(result, allCollectives: allCollectives), terminator: "")
        }
    }

    /// `replay --chakra`: Chakra graphs replayed on the topology.
    func runChakra(files: [String]) throws {
        let alg = try checkedAlgorithm()
        let graphs: [ChakraGraph]
        do { graphs = try ChakraReader.read(paths: files) } catch {
            // Reading errors point into the file: `FILE: error: byte N: MESSAGE`.
            throw CLIError(.file(error.file ?? ""), .stated("byte \(error.position ?? 0): \(error.message)"))
        }
        let requestedGPUs = gpus.map { $0.split(separator: ",", omittingEmptySubsequences: false).count }
        let plan = try ChakraPlan(graphs: graphs, options: ChakraReplayOptions(worldSize: requestedGPUs))
        var notes: [String] = []
        let presetName: String
        if let p = preset {
            try checkPresetName(p)
            presetName = p
        } else {
            presetName = "dgx-a100"
            notes.append("Chakra traces do not name the GPU: using dgx-a100 (--preset to change)")
        }
        let (topology, result) = try replay(preset: presetName, worldSize: plan.worldSize, notes: notes) {
            try plan.run(topology: $0, gpus: $1, algorithm: alg, linkEfficiency: linkEfficiency)
        }
        if view {
            let b = model(result.predictedTimeline, title: "predicted: \(topology.name) \(alg.rawValue)",
                          iterations: result.iterations.map(\.predictedSeconds))
            if result.originalTimeline.spans.isEmpty {
                try flags.show(b, runner: nil)
            } else {
                let a = model(result.originalTimeline, title: "Chakra start times",
                              iterations: result.iterations.map(\.originalSeconds))
                try show(b, pinned: a)
            }
            return
        }
        switch format {
        case .json: print(ChakraReport.json(result, plan: plan).serialized(), terminator: "")
        case .csv: print(Self.csv(ChakraReport.json(result, plan: plan)), terminator: "")
        case .text: print(ChakraReport.text(result, plan: plan, allCollectives: allCollectives), terminator: "")
        }
    }

    /// --algorithm, --link-efficiency and --nodes, checked before any trace is read.
    func checkedAlgorithm() throws -> Algorithm {
        guard let alg = Algorithm(rawValue: algorithm) else {
            throw CLIError(.option("--algorithm"),
                           .unknown(kind: "algorithm", value: algorithm, known: Algorithm.allCases.map(\.rawValue)))
        }
        guard linkEfficiency > 0, linkEfficiency <= 1 else {
            throw CLIError(.option("--link-efficiency"), .mustBeFraction(got: linkEfficiency))
        }
        if let n = nodes, n < 1 { throw CLIError(.option("--nodes"), .mustBeAtLeast(1)) }
        return alg
    }

    /// The steps both replays share: the preset's topology sized for the job's ranks and --gpus/--nodes, the
    /// replay itself (`run` on that topology and GPU list), and the notes prepended to its warnings.
    func replay(preset presetName: String, worldSize: Int, notes: [String],
                run: (Topology, [Int]) throws -> ReplayResult) throws -> (Topology, ReplayResult) {
        var notes = notes
        let perNode: Int
        do { perNode = max(1, try Topology.preset(presetName).gpuCount) } catch {
            throw CLIError(.option("--preset"), .underlying(error))
        }
        let placement = try place(preset: presetName, perNode: perNode, worldSize: worldSize)
        if let note = placement.note { notes.append(note) }
        let topology: Topology
        do { topology = try Topology.preset(presetName, nodes: placement.nodes) } catch {
            throw CLIError(.option("--preset"), .underlying(error))
        }
        var result = try run(topology, placement.gpus)
        result.warnings = notes + result.warnings
        return (topology, result)
    }

    func checkPresetName(_ p: String) throws {
        guard Topology.presetNames.contains(p) else {
            throw CLIError(.option("--preset"), .unknown(kind: "preset", value: p, known: Topology.presetNames))
        }
    }

    /// The collectives of a replay report, one row each.
    static func csv(_ report: JSONValue) -> String {
        guard case .array(let rows)? = report["collectives"] else { return "" }
        return CSVTable(objects: rows).rendered
    }

    /// --preset, else from deviceProperties (or kernel names), else dgx-a100 with a warning.
    func resolvePreset(_ ranks: [RankTrace], notes: inout [String]) throws -> String {
        if let p = preset {
            try checkPresetName(p)
            return p
        }
        var name: String?
        for path in traces { if let n = ReplayDevice.gpuName(path: path) { name = n; break } }
        if name == nil { name = ranks.lazy.compactMap(ReplayDevice.gpuHint).first }
        if let n = name, let p = ReplayDevice.preset(forGPU: n) {
            notes.append("preset \(p) chosen for GPU '\(n)' (--preset to change)")
            return p
        }
        notes.append("GPU model \(name.map { "'\($0)' " } ?? "")not recognised: using dgx-a100 (--preset to change)")
        return "dgx-a100"
    }

    /// --gpus and --nodes checked against the preset (a GPU it lacks is an error, as in `topo`).
    func place(preset: String, perNode: Int, worldSize: Int) throws -> ReplayPlacement {
        try ReplayPlacement.resolve(preset: preset, gpusPerNode: perNode, worldSize: worldSize, gpus: try parseGPUs(),
                                    nodes: nodes)
    }

    func parseGPUs() throws -> [Int]? {
        guard let gpus else { return nil }
        var out: [Int] = []
        for part in gpus.split(separator: ",", omittingEmptySubsequences: false) {
            let t = part.trimmingCharacters(in: .whitespaces)
            guard let v = Int(t), v >= 0 else { throw CLIError(.option("--gpus"), .notA(expected: "GPU number", value: t)) }
            guard !out.contains(v) else { throw CLIError(.option("--gpus"), .listedTwice("GPU \(v)")) }
            out.append(v)
        }
        return out
    }

    func show(_ model: DashboardModel, pinned: DashboardModel) throws { try flags.show(model, pinned: pinned) }

    func model(_ timeline: Timeline, title: String, iterations: [Double]) -> DashboardModel {
        var m = DashboardModel(timeline: timeline, title: title)
        if !iterations.isEmpty {
            m.stats.iterationSeconds = iterations.reduce(0, +) / Double(iterations.count)
            m.stats.iterations = iterations.count
        }
        return m
    }
}
