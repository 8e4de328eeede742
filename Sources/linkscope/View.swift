import ArgumentParser
import LinkscopeDashboard
import LinkscopeTraces

struct View: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Dashboard on trace files: PyTorch profiler (Kineto) or linkscope Chrome traces, one file per rank.")

    @Argument(help: "Trace files (.json or .json.gz).", completion: .file(extensions: ["json", "gz"]))
    var traces: [String]

    @Flag(help: "Also show CPU threads (runtime calls, operators).")
    var cpu = false

    @OptionGroup var flags: DashboardFlags

    func run() throws {
        guard !traces.isEmpty else { throw CLIError(.command("view"), .missing("trace file")) }
        let ranks = try Traces.read(traces)
        let title = traces.count == 1 ? traces[0] : "\(traces.count) ranks"
        let timeline = TraceTimeline.timeline(from: ranks, includeCPU: cpu, title: title)
        try flags.show(DashboardModel(timeline: timeline, title: title), runner: nil)
    }
}

enum Traces {
    /// Reads every file or fails on the first bad one with `FILE:LINE:COL: error: …`.
    static func read(_ paths: [String], keepingArgs: Bool = true) throws -> [RankTrace] {
        var out: [RankTrace] = []
        for (p, result) in zip(paths, TraceReader.read(paths: paths, keepingArgs: keepingArgs)) {
            do { out.append(try result.get()) } catch {
                // A TraceError names its file, line and column itself; anything else is about the whole file.
                throw error is TraceError ? error : CLIError(.file(p), .stated("\(error)"))
            }
        }
        return out
    }
}
