import LinkscopeSim

/// `linkscope` with no arguments: the dashboard on a terminal, the batch report otherwise.
enum DefaultAction {
    static func run() throws {
        if CLI.isInteractive {
            var tui = Tui()
            tui.scenario = nil
            try tui.run()
            return
        }
        let s = try IO.scenario(nil)
        let run = try IO.simulate(s, options: RunOptions())
        print(run.report.text, terminator: "")
    }
}
