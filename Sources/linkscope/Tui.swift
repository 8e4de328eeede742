import ArgumentParser
import LinkscopeDashboard
import LinkscopeSim

struct Tui: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Interactive dashboard on a scenario (the built-in one when no file is given).",
        discussion: "Keys: ? help, q quit, arrows/h/l pan, +/- zoom, Enter details, Tab panes, a algorithm, "
            + "g GPU set, m message size, p preset, P pin run and B for the A/B view.")

    @Argument(help: "Scenario YAML file.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String?

    @OptionGroup var flags: DashboardFlags

    func run() throws {
        let s = try IO.scenario(scenario)
        let runner = ScenarioWhatIf(base: s)
        let model: DashboardModel
        switch runner.run(runner.initialSettings) {
        case .success(let m): model = m
        case .failure(let f): throw CLIError(.file(s.file), .stated(f.message))
        }
        try flags.show(model, runner: runner)
    }
}
