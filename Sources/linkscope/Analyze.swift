import ArgumentParser
import LinkscopeTraces

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trace analysis without a screen: temporal breakdown, comm/comp overlap, idle breakdown, kernels.",
        discussion: """
            Semantics follow Holistic Trace Analysis (HTA 0.5): the last, incomplete ProfilerStep is dropped and
            fractional timestamps are rounded as HTA does. --raw keeps every GPU event instead.
            """)

    @Argument(help: "Trace files, one per rank (.json or .json.gz).", completion: .file(extensions: ["json", "gz"]))
    var traces: [String]

    @Option(help: "Output format: text, json or csv (one row per rank).")
    var format: OutputFormat = .text

    @Flag(help: "Keep every GPU event (no ProfilerStep filter).")
    var raw = false

    @Option(help: "Kernels listed per type and rank in the kernel table.")
    var top: Int = 10

    func run() throws {
        guard !traces.isEmpty else { throw CLIError(.command("analyze"), .missing("trace file")) }
        guard top >= 1 else { throw CLIError(.option("--top"), .mustBeAtLeast(1)) }
        let ranks = try Traces.read(traces, keepingArgs: false)  // the analysis reads typed fields only
        for t in ranks where t.isLinkscopeOutput {
            throw CLIError(.file(t.file), .stated("a linkscope simulation trace (--trace-out), not a PyTorch profiler "
                + "trace: analyze needs Kineto traces; open this one with 'linkscope view \(t.file)'"))
        }
        var options = AnalysisOptions(topKernels: top)
        if raw { options.dropLastProfilerStep = false }
        let analysis = TraceAnalysis(traces: ranks, options: options)
        if format != .text { for w in analysis.warnings { CLI.warn("warning: \(w)") } }
        switch format {
        case .json: print(TraceReport.json(analysis).serialized(), terminator: "")
        case .csv: print(TraceReport.csv(analysis), terminator: "")
        case .text: print(TraceReport.text(analysis), terminator: "")
        }
    }
}
