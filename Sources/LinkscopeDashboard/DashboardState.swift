import LinkscopeTimeline

/// The panes Tab cycles through.
public enum Pane: String, Sendable, CaseIterable {
    case timeline, links, topology, gpus, collectives

    /// The pane's name in the tab bar.
    public var title: String {
        switch self {
        case .timeline: return "Timeline"
        case .links: return "Links"
        case .topology: return "Topology"
        case .gpus: return "GPUs"
        case .collectives: return "Collectives"
        }
    }
}

/// Everything the user changed by pressing keys. A value: `reduce` maps (state, key) to a new state and
/// an effect, with no terminal involved, so key handling is tested directly.
public struct DashboardState: Sendable, Hashable {
    /// The pane on screen.
    public var pane: Pane
    /// Visible time window in timeline nanoseconds, [viewStart, viewEnd).
    public var viewStart: Int64
    /// End of the visible window (exclusive), nanoseconds.
    public var viewEnd: Int64
    /// Current timeline row and the first row on screen.
    public var row: Int = 0
    /// First timeline row on screen.
    public var rowScroll: Int = 0
    /// The selected span, if any.
    public var selection: SpanRef?
    /// The details box of the selected span is open.
    public var showDetails = false
    /// The key-map overlay is open.
    public var showHelp = false
    /// First help line shown: the overlay scrolls when the terminal is shorter than the key map (80×24).
    public var helpScroll = 0
    /// Committed name filter (regex, case-insensitive; substring when the regex does not parse).
    public var filter = ""
    /// Text being typed after `/`, nil when not typing.
    public var filterInput: String?
    /// Hidden categories, indexed by `SpanCategory.rawValue`.
    public var hidden: [Bool] = Array(repeating: false, count: SpanCategory.allCases.count)
    /// The A/B view (pinned run above the current one) is on.
    public var abView = false
    /// First row of a table pane on screen.
    public var tableScroll = 0
    /// One-line message for the status bar (what-if results, errors).
    public var message: String?

    /// The state of a fresh dashboard: the whole run in view, on `pane`.
    public init(prepared: PreparedModel, pane: Pane = .timeline) {
        self.pane = pane
        viewStart = prepared.start
        viewEnd = prepared.end
    }

    /// Resets the view for a new model (after a what-if re-run): fit all, keep pane and filters.
    public mutating func adopt(_ prepared: PreparedModel) {
        viewStart = prepared.start
        viewEnd = prepared.end
        selection = nil
        showDetails = false
        row = min(row, max(0, prepared.rows.count - 1))
        rowScroll = min(rowScroll, row)
    }
}

/// What the interactive loop must do after a key (the reducer itself stays pure).
public enum DashboardEffect: Sendable, Hashable {
    case quit
    /// Re-simulate with these settings and adopt the result.
    case rerun(WhatIfSettings)
    /// Pin the current run as "A" for comparison.
    case pin
    case redraw
    case suspend
}

/// Facts `reduce` needs besides the state: the data and the timeline viewport size.
public struct ReduceContext: Sendable {
    /// The current run.
    public var prepared: PreparedModel
    /// What the what-if keys cycle through; nil when what-if is off.
    public var choices: WhatIfChoices?
    /// The pinned run ("A"), when one is pinned.
    public var pinned: PreparedModel?
    /// A run is pinned.
    public var hasPinned: Bool { pinned != nil }
    /// Rows and columns the timeline area shows (from `Layout`).
    public var visibleRows: Int
    /// Columns of the timeline area.
    public var columns: Int
    /// The committed filter's matches.
    public var filterIndex: FilterIndex?

    /// A context; no what-if, pin or filter, 20 × 100 timeline cells unless given.
    public init(prepared: PreparedModel, choices: WhatIfChoices? = nil, pinned: PreparedModel? = nil, visibleRows: Int = 20,
                columns: Int = 100, filterIndex: FilterIndex? = nil) {
        self.prepared = prepared
        self.choices = choices
        self.pinned = pinned
        self.visibleRows = visibleRows
        self.columns = columns
        self.filterIndex = filterIndex
    }
}

extension ReduceContext {
    /// Time range that "fit all" shows: the current run, or both runs in the A/B view.
    public func timeBounds(abView: Bool) -> (Int64, Int64) {
        if abView, let a = pinned { return (min(a.start, prepared.start), max(a.end, prepared.end)) }
        return (prepared.start, prepared.end)
    }
}

extension DashboardState {
    /// Length of the visible window, at least 1 ns.
    public var visibleDuration: Int64 { max(1, viewEnd - viewStart) }
    /// Middle of the visible window, nanoseconds.
    public var viewCentre: Int64 { viewStart + visibleDuration / 2 }
}

/// Applies one key. Pure: same inputs, same outputs.
public func reduce(_ state: DashboardState, _ key: Key, _ ctx: ReduceContext) -> (DashboardState, DashboardEffect?) {
    var s = state
    let effect = s.apply(key, ctx)
    return (s, effect)
}

extension DashboardState {
    /// Applies a key sequence, ignoring effects (tests and scripted demos).
    public func reduced(_ keys: [Key], _ ctx: ReduceContext) -> DashboardState {
        keys.reduce(self) { reduce($0, $1, ctx).0 }
    }

    mutating func apply(_ key: Key, _ ctx: ReduceContext) -> DashboardEffect? {
        if key == .resize { return .redraw }
        if filterInput != nil { return applyFilterInput(key) }
        if showHelp {
            switch key {
            case .escape, .char("?"), .char("q"), .function(1), .enter: showHelp = false; helpScroll = 0
            case .control("c"), .function(10): return .quit
            case .down, .char("j"): helpScroll += 1
            case .up, .char("k"): helpScroll = max(0, helpScroll - 1)
            case .pageDown, .char(" "): helpScroll += 10
            case .pageUp: helpScroll = max(0, helpScroll - 10)
            case .home: helpScroll = 0
            case .end: helpScroll = Int.max / 2
            default: break
            }
            return nil
        }
        message = nil
        switch key {
        case .char("q"), .function(10), .control("c"): return .quit
        case .char("?"), .function(1): showHelp = true
        case .char("h") where pane != .timeline: showHelp = true
        case .tab: cyclePane(1)
        case .backTab: cyclePane(-1)
        case .char("r"), .control("r"), .control("l"): return .redraw
        case .control("z"): return .suspend
        case .char("/"): filterInput = ""
        case .char(let c) where ("1"..."4").contains(c):
            if let v = c.wholeNumberValue, v - 1 < hidden.count { hidden[v - 1].toggle() }
        case .escape: escape()
        case .char("P"), .char("b"): return .pin
        case .char("B"):
            if ctx.hasPinned {
                abView.toggle()
                (viewStart, viewEnd) = ctx.timeBounds(abView: abView)
            } else { message = "no pinned run: press P to pin this run first" }
        case .char("a"): return whatIf(.algorithm, ctx)
        case .char("A"): return whatIf(.algorithm, ctx, backwards: true)
        case .char("o"): return whatIf(.scheme, ctx)
        case .char("g"): return whatIf(.gpus, ctx)
        case .char("G"): return whatIf(.gpus, ctx, backwards: true)
        case .char("m"): return whatIf(.messageSize, ctx)
        case .char("M"): return whatIf(.messageSize, ctx, backwards: true)
        case .char("p"): return whatIf(.preset, ctx)
        case .char("t"): return whatIf(.parameter, ctx)
        default:
            if pane == .timeline { timelineKey(key, ctx) } else { tableKey(key) }
        }
        return nil
    }

    private mutating func cyclePane(_ step: Int) {
        let all = Pane.allCases
        let i = all.firstIndex(of: pane) ?? 0
        pane = all[(i + step + all.count) % all.count]
        tableScroll = 0
    }

    private mutating func escape() {
        if showDetails { showDetails = false } else if abView { abView = false } else if !filter.isEmpty { filter = "" } else {
            selection = nil
        }
    }

    private mutating func applyFilterInput(_ key: Key) -> DashboardEffect? {
        switch key {
        case .escape: filterInput = nil
        case .enter:
            filter = filterInput ?? ""
            filterInput = nil
        case .backspace: if filterInput?.isEmpty == false { filterInput?.removeLast() }
        case .char(let c): filterInput?.append(c)
        case .control("c"): return .quit
        default: break
        }
        return nil
    }

    private mutating func whatIf(_ knob: WhatIfKnob, _ ctx: ReduceContext, backwards: Bool = false) -> DashboardEffect? {
        guard let choices = ctx.choices, let current = ctx.prepared.model.settings else {
            message = "what-if needs a scenario run (not available here)"
            return nil
        }
        guard let next = current.cycling(knob, in: choices, backwards: backwards) else {
            message = choices.notApplicable[knob] ?? "no choices for \(knob.label)"
            return nil
        }
        return .rerun(next)
    }

    private mutating func tableKey(_ key: Key) {
        switch key {
        case .down, .char("j"): tableScroll += 1
        case .up, .char("k"): tableScroll = max(0, tableScroll - 1)
        case .pageDown: tableScroll += 10
        case .pageUp: tableScroll = max(0, tableScroll - 10)
        case .home, .char("0"): tableScroll = 0
        default: break
        }
    }
}
