/// Why the dashboard stopped abnormally (the terminal is restored before these are thrown), or why a what-if
/// re-simulation failed (shown in the status bar; the previous run stays on screen).
public enum DashboardError: Error, Sendable, Hashable {
    /// curses could not start on this terminal (not a TTY, unknown TERM).
    case terminalUnavailable
    /// SIGINT, SIGTERM or SIGHUP arrived; the CLI should exit with 128 + signal.
    case interrupted(signal: Int32)
    /// A what-if asked for no GPUs.
    case whatIfEmptyGPUSet
    /// A what-if GPU set names GPUs the topology lacks (or fewer than two).
    case whatIfGPUSetDoesNotFit(gpus: [Int], topology: String, gpuCount: Int)
    /// A what-if algorithm name that is not one of the known algorithms.
    case whatIfUnknownAlgorithm(String)
    /// The runner rejected the settings or the re-simulation failed; `reason` is the underlying error's text.
    case whatIfFailed(reason: String)

    /// The status-bar text of a what-if failure (after "what-if failed: ").
    public var message: String {
        switch self {
        case .terminalUnavailable: return "the terminal cannot run the dashboard"
        case .interrupted(let signal): return "interrupted by signal \(signal)"
        case .whatIfEmptyGPUSet: return "empty GPU set"
        case .whatIfGPUSetDoesNotFit(let gpus, let topology, let count):
            return "GPU set \(gpus) does not fit \(topology) (\(count) GPUs)"
        case .whatIfUnknownAlgorithm(let name): return "unknown algorithm \(name)"
        case .whatIfFailed(let reason): return reason
        }
    }
}

/// Entry points of the terminal dashboard.
///
/// The caller decides the mode (docs/output-formats.md): on a TTY, `run`; otherwise, or with `--once`, `renderOnce`
/// (no curses at all). The caller also resolves colour with `ColorMode.resolve` (NO_COLOR, --no-color,
/// TERM=dumb) and ASCII (`--ascii`, non-UTF-8 locale): the library does not read the environment.
public enum Dashboard {
    /// Interactive ncurses loop until `q`. Restores the terminal on return and on every throw.
    /// - Throws: `DashboardError.terminalUnavailable`, `DashboardError.interrupted(signal:)`.
    /// `pinned`: a run to show as "A" from the start (e.g. a trace replay's measured original), opened in the
    /// A/B view with `model` as "B".
    public static func run(model: DashboardModel, runner: (any WhatIfRunner)?, options: DashboardOptions,
                           pinned: DashboardModel? = nil) throws {
        let terminal = try Terminal(colorMode: options.color)
        defer { terminal.stop() }
        var session = DashboardSession(model: model, runner: runner, options: options, pinned: pinned)
        var dirty = true
        while true {
            if let sig = terminal.interruption {
                terminal.stop()
                throw DashboardError.interrupted(signal: sig)
            }
            let (w, h) = terminal.size
            if dirty {
                terminal.draw(session.render(width: w, height: h, color: terminal.depth > 0))
                dirty = false
            }
            guard let key = terminal.readKey() else { continue }
            if key == .resize {
                terminal.invalidate()
                dirty = true
                continue
            }
            let (w2, h2) = terminal.size
            switch session.handle(key, width: w2, height: h2) {
            case .quit?: return
            case .redraw?: terminal.invalidate()
            case .suspend?: terminal.suspend()
            default: break
            }
            dirty = true
        }
    }

    /// One frame as text for `--once` and scripts. `options.color` `.sixteen`/`.twoFiftySix` add ANSI colour
    /// codes; `.none` and `.auto` give plain text (a script cannot be asked what it supports).
    /// `keys` are applied first (e.g. `[.tab]` to show the links pane). `pinned` as in `run`.
    public static func renderOnce(model: DashboardModel, runner: (any WhatIfRunner)?, options: DashboardOptions,
                                  width: Int = 120, height: Int = 40, keys: [Key] = [],
                                  pinned: DashboardModel? = nil) -> String {
        var session = DashboardSession(model: model, runner: runner, options: options, pinned: pinned)
        session.state.message = nil
        for k in keys { session.handle(k, width: width, height: height) }
        let depth = options.color == .twoFiftySix ? 256 : options.color == .sixteen ? 16 : 0
        let buf = session.render(width: width, height: height, color: depth > 0 || options.color == .auto)
        return depth > 0 ? buf.ansiText(palette: Palette(depth: depth)) : buf.text()
    }
}
