import ArgumentParser
import LinkscopeSim
import LinkscopeTimeline

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a scenario and print its report; optionally write a Chrome trace and a traffic analysis.",
        discussion: """
            Reports: text tables, --format json or csv (schemas in docs/output-formats.md). A sweep point that fails
            keeps its row with the error, and the exit code is 1. Examples:
              linkscope simulate scenarios/ps-vs-ring-dgx1.yaml
              linkscope simulate scenarios/nccl-sweep.yaml --format csv
            """)

    @Argument(help: "Scenario YAML file.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String

    @Option(help: "Report format: text, json or csv.")
    var format: OutputFormat = .text

    @Option(name: .customLong("trace-out"), help: "Write a Chrome-trace JSON (opens in Perfetto).")
    var traceOut: String?

    @Option(name: .customLong("traffic-out"), help: "Write the traffic analysis JSON (what `check` compares).")
    var trafficOut: String?

    @Flag(name: .customLong("trace-transfers"),
          help: "In the trace, one slice per transfer (every chunk and hop) instead of one per GPU and collective phase.")
    var traceTransfers = false

    func run() throws {
        let s = try IO.scenario(scenario)
        let run = try IO.simulate(s, options: RunOptions(recordTimeline: traceOut != nil, recordLinkHistory: traceOut != nil,
                                                     transferSpans: traceTransfers))
        var files: [(path: String, contents: String)] = []
        if let traceOut, let timeline = run.timeline { files.append((traceOut, ChromeTraceWriter.write(timeline))) }
        if let trafficOut { files.append((trafficOut, run.traffic.serialized)) }
        try IO.writeAll(files)
        print(Report.render(run.report, format: format), terminator: "")
        // A sweep combination that failed is a failed run: its error is in the report, the exit code says so.
        if run.report.sweep.contains(where: { $0.error != nil }) { throw CheckFailed() }
    }
}

extension Report {
    static func render(_ report: Report, format: OutputFormat) -> String {
        switch format {
        case .text: return report.text
        case .json: return report.json.serialized()
        case .csv: return report.csv
        }
    }
}
