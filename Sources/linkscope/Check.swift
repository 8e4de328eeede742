import ArgumentParser
import LinkscopeJSON
import LinkscopeSim

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-simulate a scenario and compare its traffic analysis with a stored baseline.",
        discussion: """
            Exit 0 when every byte count matches, 1 with a list of differences when not. Example:
              linkscope check scenarios/custom-graph.yaml \\
                --baseline traces/custom-graph.traffic.json
            """)

    @Argument(help: "Scenario YAML file.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String

    @Option(help: "Baseline traffic JSON written by `simulate --traffic-out`.")
    var baseline: String

    func run() throws {
        let baselineText = try IO.read(baseline)
        let stored: JSONValue
        do { stored = try JSONValue.parse(baselineText) } catch {
            throw CLIError(.file(baseline), .stated("not a traffic baseline: \(error)"))
        }
        let s = try IO.scenario(scenario)
        let run = try IO.simulate(s, options: RunOptions(runSweep: false))
        let diffs = TrafficCheck.differences(baseline: stored, current: run.traffic.json)
        if diffs.isEmpty {
            print("ok: \(scenario) matches \(baseline) (\(run.report.collectives.count) collectives, \(run.report.links.count) links)")
            return
        }
        print("FAILED: \(scenario) differs from \(baseline) in \(diffs.count) value\(diffs.count == 1 ? "" : "s"):")
        for d in diffs { print("  \(d)") }
        throw CheckFailed()
    }
}
