import ArgumentParser
import Foundation
import LinkscopeDashboard

/// Options shared by the commands that open the dashboard.
struct DashboardFlags: ParsableArguments {
    @Flag(help: "Render one frame to stdout and exit (for scripts); implied when stdout is not a terminal.")
    var once = false

    @Flag(name: .customLong("no-color"), help: "No colour (also: NO_COLOR set, TERM=dumb).")
    var noColor = false

    @Flag(help: "Plain ASCII frames and bars (automatic in a non-UTF-8 locale).")
    var ascii = false

    @Option(help: "Frame width for --once.")
    var width: Int = 120

    @Option(help: "Frame height for --once.")
    var height: Int = 40

    @Option(help: "Pane to open: timeline, links, topology, gpus, collectives.")
    var pane: String = "timeline"

    func options(interactive: Bool) throws -> DashboardOptions {
        guard let p = Pane(rawValue: pane) else {
            throw CLIError(.option("--pane"), .unknown(kind: "pane", value: pane,
                                                                 known: ["timeline", "links", "topology", "gpus", "collectives"]))
        }
        let env = ProcessInfo.processInfo.environment
        let color = ColorMode.resolve(noColorFlag: noColor, environment: env, stdoutIsTTY: interactive)
        let locale = (env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 }
                      ?? env["LANG"] ?? "").uppercased()
        let utf8 = locale.contains("UTF-8") || locale.contains("UTF8")
        return DashboardOptions(color: color, ascii: ascii || (interactive && !utf8), initialPane: p)
    }

    /// Opens the dashboard on a terminal, or prints one frame; with `pinned`, in the A/B view (replay: original
    /// vs predicted; profile: measured vs simulated).
    func show(_ model: DashboardModel, runner: (any WhatIfRunner)? = nil, pinned: DashboardModel? = nil) throws {
        let interactive = CLI.isInteractive && !once
        guard width >= 20, height >= 5 else { throw CLIError(.option("--width/--height"), .stated("frame too small")) }
        if once { try Self.checkFrame(width: width, height: height) }
        let opts = try options(interactive: interactive)
        if !interactive {
            print(Dashboard.renderOnce(model: model, runner: runner, options: opts, width: width, height: height, pinned: pinned))
            return
        }
        do {
            try Dashboard.run(model: model, runner: runner, options: opts, pinned: pinned)
        } catch DashboardError.interrupted(let signal) {
            throw ExitCode(128 + signal)
        } catch DashboardError.terminalUnavailable {
            print(Dashboard.renderOnce(model: model, runner: runner, options: opts, width: width, height: height, pinned: pinned))
        }
    }

    /// A `--once` frame smaller than the dashboard's minimum would only say "too small, press q": an error instead.
    static func checkFrame(width: Int, height: Int) throws {
        guard width >= Layout.minimumWidth, height >= Layout.minimumHeight else {
            throw CLIError(.option("--width/--height"), .stated("the dashboard needs at least \(Layout.minimumWidth)×"
                + "\(Layout.minimumHeight), got \(width)×\(height)"))
        }
    }
}
