import LinkscopeTimeline
import LinkscopeUnits

/// Dashboard options set by the CLI.
public struct DashboardOptions: Sendable {
    /// Resolved by the caller (`ColorMode.resolve`): the library never reads `NO_COLOR` itself.
    public var color: ColorMode
    /// Plain ASCII frames and bars (`--ascii`, or a non-UTF-8 locale).
    public var ascii: Bool
    /// The pane shown first (`--pane`).
    public var initialPane: Pane

    /// Options; automatic colour, Unicode and the timeline pane unless given.
    public init(color: ColorMode = .auto, ascii: Bool = false, initialPane: Pane = .timeline) {
        self.color = color
        self.ascii = ascii
        self.initialPane = initialPane
    }
}

/// The screen's regions for a given size (shared by the renderer and the key handler's viewport).
public struct Layout: Sendable {
    /// Narrowest terminal the dashboard draws in (columns).
    public static let minimumWidth = 80
    /// Shortest terminal the dashboard draws in (lines).
    public static let minimumHeight = 24

    /// Title and header numbers.
    public var header: Rect
    /// The pane tab bar.
    public var tabs: Rect
    /// The current pane.
    public var main: Rect
    /// Key hints and messages.
    public var status: Rect
    /// Lines of per-GPU meters in the header.
    public var meterRows: Int
    /// Meters per line.
    public var meterColumns: Int
    /// The terminal is below the minimum size: only a "too small" notice is drawn.
    public var tooSmall: Bool

    /// The regions of a `width` × `height` screen with meters for `gpuCount` GPUs.
    public init(width: Int, height: Int, gpuCount: Int) {
        tooSmall = width < Layout.minimumWidth || height < Layout.minimumHeight
        meterColumns = max(1, width / Layout.meterWidth)
        let needed = (gpuCount + meterColumns - 1) / meterColumns
        meterRows = min(needed, height >= 40 ? 4 : 2)
        let all = Rect(x: 0, y: 0, width: width, height: height)
        let (h, rest) = all.splitTop(1 + meterRows)
        let (t, rest2) = rest.splitTop(1)
        let (m, s) = rest2.splitBottom(1)
        header = h
        tabs = t
        main = m
        status = s
    }

    static let meterWidth = 60

    /// Timeline geometry inside the main pane: label gutter, data columns, rows of tracks.
    public struct TimelineGeometry: Sendable {
        /// Columns of row labels.
        public var gutter: Int
        /// Columns of time cells.
        public var columns: Int
        /// The rows of tracks.
        public var rowArea: Rect
        /// The category legend line.
        public var legend: Rect
        /// The time ruler line.
        public var ruler: Rect
        /// The details box, when shown.
        public var details: Rect?
    }

    static func detailsHeight(_ area: Rect) -> Int { min(9, max(5, area.height / 3)) }

    /// Splits `area` into legend, ruler, rows (and details when shown).
    public static func timeline(_ area: Rect, showDetails: Bool, labelWidth: Int) -> TimelineGeometry {
        var rest = area
        var details: Rect? = nil
        if showDetails {
            let (r, d) = area.splitBottom(detailsHeight(area))
            rest = r
            details = d
        }
        let (legend, r1) = rest.splitTop(1)
        let (ruler, rows) = r1.splitTop(1)
        let gutter = min(max(10, labelWidth + 1), max(10, area.width / 4))
        return TimelineGeometry(gutter: gutter, columns: max(1, area.width - gutter), rowArea: rows, legend: legend,
                                ruler: ruler, details: details)
    }
}

/// Turns state + model into a `ScreenBuffer`. Pure and terminal-free.
public struct Renderer: Sendable {
    /// The current run.
    public var prepared: PreparedModel
    /// The pinned run ("A"), if any.
    public var pinned: PreparedModel?
    /// The key state to draw.
    public var state: DashboardState
    /// Frame and bar characters (Unicode or ASCII).
    public var glyphs: Glyphs
    /// Colour in use: category glyphs replace colour when false.
    public var color: Bool
    /// The committed filter's matches.
    public var filterIndex: FilterIndex?
    /// What-if keys work (the status bar lists them).
    public var whatIfAvailable: Bool

    /// A renderer for one frame.
    public init(prepared: PreparedModel, pinned: PreparedModel? = nil, state: DashboardState, ascii: Bool, color: Bool,
                filterIndex: FilterIndex? = nil, whatIfAvailable: Bool = false) {
        self.prepared = prepared
        self.pinned = pinned
        self.state = state
        self.glyphs = ascii ? .plainASCII : .unicode
        self.color = color
        self.whatIfAvailable = whatIfAvailable
        if let filterIndex, filterIndex.pattern == state.filter {
            self.filterIndex = filterIndex
        } else if !state.filter.isEmpty {
            self.filterIndex = FilterIndex(pattern: state.filter, prepared: prepared)
        } else {
            self.filterIndex = nil
        }
    }

    var model: DashboardModel { prepared.model }

    /// Widest row label (process + lane).
    static func labelWidth(_ p: PreparedModel) -> Int {
        p.rows.reduce(8) { max($0, $1.process.count + 1 + $1.lane.count) }
    }

    /// The viewport `reduce` needs for this screen size.
    public static func viewport(width: Int, height: Int, prepared: PreparedModel, state: DashboardState) -> (rows: Int, columns: Int) {
        let layout = Layout(width: width, height: height, gpuCount: prepared.model.gpus.count)
        let g = Layout.timeline(layout.main, showDetails: state.showDetails, labelWidth: labelWidth(prepared))
        return (max(1, g.rowArea.height), g.columns)
    }

    /// Draws one `width` × `height` frame.
    /// - Complexity: O(width × height + rows × log spans).
    public func render(width: Int, height: Int) -> ScreenBuffer {
        var buf = ScreenBuffer(width: width, height: height)
        let layout = Layout(width: width, height: height, gpuCount: model.gpus.count)
        if layout.tooSmall {
            drawTooSmall(&buf)
            return buf
        }
        drawHeader(&buf, layout)
        drawTabs(&buf, layout.tabs)
        switch state.pane {
        case .timeline:
            if state.abView, let pinned { drawAB(&buf, layout.main, pinned) } else { drawTimelinePane(&buf, layout.main) }
        case .links: drawLinks(&buf, layout.main)
        case .topology: drawTopology(&buf, layout.main)
        case .gpus: drawGPUTable(&buf, layout.main)
        case .collectives: drawCollectives(&buf, layout.main)
        }
        drawStatus(&buf, layout.status)
        if state.showHelp { drawHelp(&buf, layout.main) }
        return buf
    }

    func drawTooSmall(_ buf: inout ScreenBuffer) {
        let msg = "terminal too small: \(buf.width)×\(buf.height), need at least \(Layout.minimumWidth)×\(Layout.minimumHeight)"
        let hint = "enlarge the window, or press q to quit"
        let y = max(0, buf.height / 2 - 1)
        buf.text(max(0, (buf.width - msg.count) / 2), y, msg, Style(.warn, bold: true), maxWidth: buf.width)
        buf.text(max(0, (buf.width - hint.count) / 2), y + 1, hint, Style(.dim), maxWidth: buf.width)
    }

    // MARK: header

    func drawHeader(_ buf: inout ScreenBuffer, _ layout: Layout) {
        let r = layout.header
        buf.fill(Rect(x: r.x, y: r.y, width: r.width, height: 1), " ", Style(.title, reverse: true))
        let separator = " " + (glyphs.ascii ? "|" : "│") + " "
        let st = model.stats
        // Key figures first; the title gives way (clipped) so that they stay visible at 80 columns.
        var figures: [String] = [st.timeLabel + " " + Format.duration(st.simulatedSeconds)]
        if let it = st.iterationSeconds {
            figures.append("iter " + Format.duration(it) + (st.iterations.map { " ×\($0)" } ?? ""))
        }
        if let tp = st.throughputText { figures.append(tp) }
        let fixed = " linkscope".count + 2 * separator.count + figures.joined(separator: separator).count
        let room = max(8, r.width - fixed)
        let title = model.title.count > room ? String(model.title.prefix(room - 1)) + "…" : model.title
        var parts = [" linkscope", title] + figures
        if let s = model.settings { parts.append(Renderer.settingsText(s)) }
        buf.text(r.x, r.y, parts.joined(separator: separator), Style(.title, bold: true, reverse: true), maxWidth: r.width)
        // Meters.
        let gpus = model.gpus
        let cols = layout.meterColumns
        let capacity = layout.meterRows * cols
        for (i, g) in gpus.prefix(capacity).enumerated() {
            let row = i / cols
            let col = i % cols
            var x = r.x + col * Layout.meterWidth
            let y = r.y + 1 + row
            if gpus.count > capacity && i == capacity - 1 {
                buf.text(x, y, "… +\(gpus.count - capacity + 1) more GPUs (Tab to GPUs pane)", Style(.dim))
                continue
            }
            let total = g.totalSeconds
            x += buf.text(x, y, pad("GPU \(g.gpu)", 6), Style(.normal, bold: true))
            x += meter(&buf, x, y, "comp", g.computeSeconds / total, .compute)
            x += meter(&buf, x, y, "comm", g.communicationSeconds / total, .communication)
            x += buf.text(x, y, "idle ", Style(.dim))
            x += buf.text(x, y, pad(percent(g.idleSeconds / total), 5), Style(.normal))
            x += buf.text(x, y, "ovl ", Style(.dim))
            buf.text(x, y, percent(g.overlapSeconds / total), Style(.normal))
        }
    }

    /// "comp ██████ 62%  " (17 columns).
    func meter(_ buf: inout ScreenBuffer, _ x: Int, _ y: Int, _ label: String, _ fraction: Double, _ ink: Ink) -> Int {
        var c = buf.text(x, y, label + " ", Style(.dim))
        let width = 6
        let f = min(max(fraction.isFinite ? fraction : 0, 0), 1)
        let filled = Int((f * Double(width)).rounded())
        for i in 0..<width {
            buf.put(x + c + i, y, i < filled ? (color ? glyphs.meterFill : categoryGlyph(ink)) : glyphs.meterEmpty,
                    i < filled ? Style(ink) : Style(.dim))
        }
        c += width
        c += buf.text(x + c, y, " " + pad(percent(f), 4) + " ", Style(.normal))
        return c
    }

    func categoryGlyph(_ ink: Ink) -> Unicode.Scalar {
        switch ink {
        case .compute: return "#"
        case .communication: return "="
        case .memory: return "~"
        default: return "+"
        }
    }

    static func settingsText(_ s: WhatIfSettings) -> String {
        var t = schemeText(s) + " · \(s.gpus.count) GPUs"
        // Training runs have no single message size: no "0 B".
        if s.messageBytes > 0 { t += " · \(Format.bytes(s.messageBytes))" }
        t += " · \(s.preset)"
        for p in s.parameters { t += " · \(p.name)=\(p.value)" }
        return t
    }

    /// "allreduce ring", or "parameter-server" alone: a parameter server has no ring or tree.
    static func schemeText(_ s: WhatIfSettings) -> String {
        s.scheme == "parameter-server" || s.algorithm == "ps" ? "parameter-server" : "\(s.scheme) \(s.algorithm)"
    }

    // MARK: tabs and status

    func drawTabs(_ buf: inout ScreenBuffer, _ r: Rect) {
        var x = r.x
        for pane in Pane.allCases {
            let focused = pane == state.pane
            x += buf.text(x, r.y, " \(pane.title) ", focused ? Style(.accent, bold: true, reverse: true) : Style(.dim))
            x += buf.text(x, r.y, glyphs.ascii ? "|" : "│", Style(.border))
        }
        var right: [String] = []
        // The header line cuts the settings off on narrow screens: repeat the essentials here.
        if r.width < 140, let s = model.settings { right.append(Renderer.schemeText(s) + " · \(s.gpus.count) GPUs") }
        if state.abView && pinned != nil { right.append("A/B") } else if pinned != nil { right.append("pinned A") }
        if !state.filter.isEmpty { right.append("filter /\(state.filter)/") }
        let hiddenNames = SpanCategory.allCases.filter { state.hidden[Int($0.rawValue)] }.map(\.name)
        if !hiddenNames.isEmpty { right.append("hidden: " + hiddenNames.joined(separator: ",")) }
        let text = right.joined(separator: "  ")
        if !text.isEmpty && x + text.count + 1 < r.maxX {
            buf.text(r.maxX - text.count - 1, r.y, text, Style(.accent))
        }
    }

    func drawStatus(_ buf: inout ScreenBuffer, _ r: Rect) {
        buf.fill(r, " ", Style(.normal, reverse: true))
        if let input = state.filterInput {
            let x = buf.text(r.x, r.y, " /" + input, Style(.accent, bold: true, reverse: true))
            buf.put(r.x + x, r.y, "_", Style(.accent, bold: true, reverse: true))
            buf.text(r.x + x + 2, r.y, "regex filter on names · Enter apply · Esc cancel", Style(.normal, reverse: true))
            return
        }
        var x = r.x
        if let m = state.message {
            x += buf.text(x, r.y, " " + m + " ", Style(.warn, bold: true, reverse: true), maxWidth: r.width)
        }
        let hints: String
        switch state.pane {
        case .timeline:
            hints = "?:help q:quit ←→/hl:pan +/-:zoom 0:fit ↑↓:row Enter:select ,.:prev/next c:collective /:filter 1-4:hide Tab:pane"
                + (whatIfAvailable ? " a:algo g:gpus m:size p:preset P:pin B:A/B" : "")
        default:
            hints = "?:help q:quit Tab:pane ↑↓:scroll +/-:zoom time 0:fit" + (whatIfAvailable ? " a:algo g:gpus m:size p:preset" : "")
        }
        let shown = glyphs.ascii ? hints.replacingArrows() : hints
        buf.text(x + 1, r.y, shown, Style(.normal, reverse: true), maxWidth: r.maxX - x - 1)
    }

    // MARK: small helpers

    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    func padLeft(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
    func percent(_ f: Double) -> String { (f.isFinite ? Format.fixed(f * 100, decimals: 0) : "0") + "%" }

    /// Nanoseconds as adaptive text.
    static func time(_ ns: Int64) -> String { Format.duration(Double(ns) / 1e9) }
}

extension String {
    /// ASCII stand-ins for the arrows in hint text.
    func replacingArrows() -> String {
        var s = ""
        for c in self {
            switch c {
            case "←": s += "<"
            case "→": s += ">"
            case "↑": s += "^"
            case "↓": s += "v"
            case "·": s += "."
            case "…": s += "~"
            case "×": s += "x"
            case "│": s += "|"
            case "Δ": s += "d"
            default: s.append(c)
            }
        }
        return s
    }
}
