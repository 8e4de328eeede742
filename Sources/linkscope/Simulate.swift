import ArgumentParser
import Foundation
import LinkscopeMPI
import LinkscopeReplay
import LinkscopeScenario
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
              linkscope simulate scenarios/ps-vs-ring-dgx1.yaml --jobs 2
              mpirun -np 2 linkscope simulate scenarios/big-sweep.yaml   # build with --traits MPI
            """)

    @Argument(help: "Scenario YAML file.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String

    @Option(help: "Report format: text, json or csv.")
    var format: OutputFormat = .text

    @Option(name: .customLong("trace-out"), help: "Write a Chrome-trace JSON (opens in Perfetto).")
    var traceOut: String?

    @Option(name: .customLong("traffic-out"), help: "Write the traffic analysis JSON (what `check` compares).")
    var trafficOut: String?

    @Option(name: .customLong("chakra-out"),
            help: "Write the training workload as Chakra execution traces, one .et file per rank, into this folder.")
    var chakraOut: String?

    @Flag(name: .customLong("trace-transfers"),
          help: "In the trace, one slice per transfer (every chunk and hop) instead of one per GPU and collective phase.")
    var traceTransfers = false

    @Option(help: ArgumentHelp(
        "Simulations run at once (the scenario and its sweep points); default: the cores, or LINKSCOPE_JOBS.",
        discussion: "1 runs them one after another. The report is the same for every N."))
    var jobs: Int?

    func run() throws {
        let launch = MPILaunch.current()
        let prepare = { () throws -> SweepRunner.Job in
            SweepRunner.Job(scenario: try IO.scenario(scenario),
                            options: RunOptions(recordTimeline: traceOut != nil, recordLinkHistory: traceOut != nil,
                                                transferSpans: traceTransfers),
                            workers: try SweepRunner.workers(jobs: jobs, launch: launch))
        }
        let s: Scenario, run: SimulationRun
        if let launch {
            guard let (job, gathered) = try SweepRunner.distributed(launch: launch, prepare: prepare) else { return }
            (s, run) = (job.scenario, gathered)
        } else {
            let job = try prepare()
            s = job.scenario
            run = try IO.simulate(s, options: job.options) { s, o throws(SimulationError) in
                try SweepRunner.local(s, options: o, workers: job.workers)
            }
        }
        var files: [(path: String, contents: String)] = []
        if let traceOut, let timeline = run.timeline { files.append((traceOut, ChromeTraceWriter.write(timeline))) }
        if let trafficOut { files.append((trafficOut, run.traffic.serialized)) }
        let chakra = try chakraOut.map { dir in try ChakraFiles.make(s, folder: dir) } ?? []
        try IO.writeAll(files)
        try ChakraFiles.write(chakra)
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

/// `--chakra-out`: the workload as `.et` files, built before anything is written.
enum ChakraFiles {
    static func make(_ s: Scenario, folder: String) throws -> [(path: String, bytes: [UInt8])] {
        let workload: [RankWorkload]
        do throws(SimulationError) { workload = try Simulator.workload(s) } catch {
            throw CLIError(.file(s.file), .underlying(error))
        }
        let base = URL(fileURLWithPath: s.file).deletingPathExtension().lastPathComponent
        return ChakraExport.graphs(workload, name: base).map { g in
            (URL(fileURLWithPath: folder).appendingPathComponent(g.file).path, ChakraProtobuf.encodeFile(g))
        }
    }

    static func write(_ files: [(path: String, bytes: [UInt8])]) throws {
        guard let first = files.first else { return }
        let folder = URL(fileURLWithPath: first.path).deletingLastPathComponent().path
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw CLIError(.file(folder), .file(.cannotCreateFolder))
        }
        for f in files {
            guard FileManager.default.createFile(atPath: f.path, contents: Data(f.bytes)) else {
                throw CLIError(.file(f.path), .file(.unwritable))
            }
        }
    }
}
