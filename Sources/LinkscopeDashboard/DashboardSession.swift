import LinkscopeUnits

/// The dashboard minus the terminal: current and pinned runs, the key state, the filter index, and the
/// effects of keys (re-simulation, pinning). The ncurses loop, `--once` and the tests all drive this.
public struct DashboardSession: Sendable {
    /// The current run ("B" in the A/B view), indexed for drawing.
    public private(set) var prepared: PreparedModel
    /// The pinned run ("A"), if any.
    public private(set) var pinned: PreparedModel?
    /// What the keys changed so far.
    public var state: DashboardState
    /// Re-simulates for what-if keys; nil for traces.
    public let runner: (any WhatIfRunner)?
    /// The committed filter's matches, nil without a filter.
    public private(set) var filterIndex: FilterIndex?
    /// Colour, ASCII and initial pane.
    public var options: DashboardOptions

    /// `pinned`: a run pinned as "A" from the start; the session then opens in the A/B view (B leaves it).
    public init(model: DashboardModel, runner: (any WhatIfRunner)?, options: DashboardOptions,
                pinned: DashboardModel? = nil) {
        let p = PreparedModel(model)
        prepared = p
        self.runner = runner
        self.options = options
        state = DashboardState(prepared: p, pane: options.initialPane)
        state.message = "? for help, q to quit"
        if let pinned {
            let a = PreparedModel(pinned)
            self.pinned = a
            state.abView = true
            state.viewStart = min(a.start, p.start)
            state.viewEnd = max(a.end, p.end)
            state.message = "A: \(pinned.title), B: \(model.title) (B toggles the A/B view)"
        }
    }

    /// The facts `reduce` needs for a terminal of this size.
    public func context(width: Int, height: Int) -> ReduceContext {
        let vp = Renderer.viewport(width: width, height: height, prepared: prepared, state: state)
        return ReduceContext(prepared: prepared, choices: prepared.model.settings == nil ? nil : runner?.choices, pinned: pinned,
                             visibleRows: vp.rows, columns: vp.columns, filterIndex: filterIndex)
    }

    /// Applies a key and its effect. Returns the effect so the terminal loop can quit, redraw or suspend.
    @discardableResult
    public mutating func handle(_ key: Key, width: Int, height: Int) -> DashboardEffect? {
        let (next, effect) = reduce(state, key, context(width: width, height: height))
        state = next
        switch effect {
        case .rerun(let settings)?: rerun(settings)
        case .pin?:
            pinned = prepared
            state.message = "pinned this run as A (B shows A/B, a/g/m/p change B)"
        default: break
        }
        if state.filter.isEmpty {
            filterIndex = nil
        } else if filterIndex?.pattern != state.filter {
            let f = FilterIndex(pattern: state.filter, prepared: prepared)
            filterIndex = f
            state.message = "filter /\(state.filter)/: \(f.matchingNames) matching names (n/N next/prev, Esc clears)"
        }
        return effect
    }

    /// Re-simulates synchronously; on failure the current run stays and the status bar says why.
    mutating func rerun(_ settings: WhatIfSettings) {
        guard let runner else { return }
        let before = prepared.model
        switch runner.run(settings) {
        case .success(let model):
            var m = model
            if m.settings == nil { m.settings = settings }
            prepared = PreparedModel(m)
            state.adopt(prepared)
            if !state.filter.isEmpty { filterIndex = FilterIndex(pattern: state.filter, prepared: prepared) }
            var msg = "re-simulated: \(Renderer.settingsText(settings))"
            if let a = before.stats.iterationSeconds, let b = m.stats.iterationSeconds {
                msg += "; iteration \(Format.duration(b)) (was \(Format.duration(a)))"
            } else {
                msg += "; sim \(Format.duration(m.stats.simulatedSeconds)) (was \(Format.duration(before.stats.simulatedSeconds)))"
            }
            state.message = msg
        case .failure(let failure):
            state.message = "what-if failed: \(failure.message)"
        }
    }

    /// Renders the current screen.
    public func render(width: Int, height: Int, color: Bool) -> ScreenBuffer {
        var s = state
        let vp = Renderer.viewport(width: width, height: height, prepared: prepared, state: s)
        s.scrollToRow(vp.rows)
        let r = Renderer(prepared: prepared, pinned: pinned, state: s, ascii: options.ascii, color: color,
                         filterIndex: filterIndex, whatIfAvailable: runner != nil && prepared.model.settings != nil)
        var buf = r.render(width: width, height: height)
        if options.ascii { buf.asciify() }
        return buf
    }
}
