import ArgumentParser
import LinkscopeDashboard

extension DashboardFlags {
    /// `show` with a pinned "A" run, opened in the A/B view (replay: original vs predicted; profile: measured
    /// vs simulated).
    func show(_ model: DashboardModel, pinned: DashboardModel) throws {
        let interactive = CLI.isInteractive && !once
        guard width >= 20, height >= 5 else { throw InputError("--width/--height: error: frame too small") }
        let opts = try options(interactive: interactive)
        if !interactive {
            print(Dashboard.renderOnce(model: model, runner: nil, options: opts, width: width, height: height, pinned: pinned))
            return
        }
        do {
            try Dashboard.run(model: model, runner: nil, options: opts, pinned: pinned)
        } catch DashboardError.interrupted(let signal) {
            throw ExitCode(128 + signal)
        } catch DashboardError.terminalUnavailable {
            print(Dashboard.renderOnce(model: model, runner: nil, options: opts, width: width, height: height, pinned: pinned))
        }
    }
}
