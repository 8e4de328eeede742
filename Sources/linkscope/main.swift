import ArgumentParser

/// The command type only lists subcommands; each lives in its own file, the work in the libraries.
struct Linkscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linkscope",
        abstract: "Interconnect profiler and communication simulator for distributed training.",
        discussion: """
            With no arguments: opens the dashboard on the built-in scenario on a terminal, or prints its \
            report when output is not a terminal.

            Exit codes: 0 success, 1 a check or regression failed, 2 bad input (scenario, trace, arguments).
            """,
        version: "linkscope 0.1.0",
        subcommands: [Simulate.self, Tui.self, View.self, Analyze.self, ReplayCommand.self, Check.self, Topo.self,
                      Formulas.self, Profile.self, Calibrate.self, NCCLTests.self, Plan.self])

    func run() throws {
        try DefaultAction.run()
    }
}

CLI.main(Linkscope.self)
