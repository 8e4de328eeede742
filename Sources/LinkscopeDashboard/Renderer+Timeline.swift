import LinkscopeTimeline
import LinkscopeUnits

/// The timeline widget: legend, ruler, one row per track.
/// - Complexity: O(visible rows × columns × log n) per frame: each cell is one binary search plus O(1)
///   prefix-sum work (exact per-span clipping only when a cell holds ≤ 8 spans).
extension Renderer {
    func drawTimelinePane(_ buf: inout ScreenBuffer, _ area: Rect) {
        let details = state.showDetails && state.selection != nil
        let g = Layout.timeline(area, showDetails: details, labelWidth: Renderer.labelWidth(prepared))
        drawLegend(&buf, g.legend)
        drawRuler(&buf, g.ruler, gutter: g.gutter, columns: g.columns, origin: prepared.start)
        drawRows(&buf, prepared, g.rowArea, gutter: g.gutter, columns: g.columns, scroll: state.rowScroll,
                 currentRow: state.row, selection: state.selection, filter: filterIndex)
        // Spare rows under a short timeline show the collectives table, so the first screen says more.
        let shown = max(0, prepared.rows.count - state.rowScroll)
        let spare = g.rowArea.height - shown - 1
        if spare >= 4 && !model.collectives.isEmpty {
            var r = self
            r.state.tableScroll = 0
            r.drawCollectives(&buf, Rect(x: area.x, y: g.rowArea.y + shown + 1, width: area.width, height: spare))
        }
        if let d = g.details { drawDetails(&buf, d) }
    }

    func legendGlyph(_ c: SpanCategory) -> Unicode.Scalar {
        color ? glyphs.full : categoryGlyph(Ink.category(Int(c.rawValue)))
    }

    func drawLegend(_ buf: inout ScreenBuffer, _ r: Rect) {
        var x = r.x
        for c in SpanCategory.allCases {
            let hidden = state.hidden[Int(c.rawValue)]
            let ink = Ink.category(Int(c.rawValue))
            buf.put(x, r.y, hidden ? " " : legendGlyph(c), Style(ink))
            x += 2
            x += buf.text(x, r.y, "\(c.rawValue + 1):\(c.name)" + (hidden ? " (hidden)" : ""), hidden ? Style(.dim) : Style(ink))
            x += 2
        }
        let info = "view \(Renderer.time(state.visibleDuration)) of \(Renderer.time(prepared.end - prepared.start))"
            + "  row \(min(state.row + 1, prepared.rows.count))/\(prepared.rows.count)"
        if x + info.count + 1 < r.maxX { buf.text(r.maxX - info.count, r.y, info, Style(.dim)) }
    }

    /// A nice step (1, 2 or 5 × 10^k ns) of at least `raw` nanoseconds.
    static func niceStep(_ raw: Double) -> Int64 {
        var base: Int64 = 1
        while true {
            for m in [Int64(1), 2, 5] where Double(base * m) >= raw { return base * m }
            if base > Int64.max / 100 { return base }
            base *= 10
        }
    }

    /// Time ruler with adaptive units, labels relative to `origin`.
    func drawRuler(_ buf: inout ScreenBuffer, _ r: Rect, gutter: Int, columns: Int, origin: Int64) {
        guard r.height > 0, columns > 0 else { return }
        buf.text(r.x, r.y, "time", Style(.dim), maxWidth: gutter - 1)
        let t0 = state.viewStart
        let nsPerCol = Double(state.visibleDuration) / Double(columns)
        let step = Renderer.niceStep(nsPerCol * 14)
        let rel = t0 - origin
        var tick = origin + (rel >= 0 ? (rel + step - 1) / step * step : -((-rel) / step * step))
        var lastLabelEnd = -1
        while tick < state.viewEnd {
            let col = Int((Double(tick - t0) / nsPerCol).rounded(.down))
            if col >= 0 && col < columns {
                let x = r.x + gutter + col
                buf.put(x, r.y, glyphs.tick, Style(.border))
                let label = Renderer.time(tick - origin)
                if col > lastLabelEnd && col + 1 + label.count < columns {
                    buf.text(x + 1, r.y, label, Style(.dim))
                    lastLabelEnd = col + 1 + label.count
                }
            }
            tick += step
        }
    }

    /// Draws rows `scroll...` of `p` into `area` with the state's time window.
    func drawRows(_ buf: inout ScreenBuffer, _ p: PreparedModel, _ area: Rect, gutter: Int, columns: Int, scroll: Int,
                  currentRow: Int?, selection: SpanRef?, filter: FilterIndex?) {
        guard area.height > 0 else { return }
        let first = min(max(0, scroll), max(0, p.rows.count - 1))
        let last = min(p.rows.count, first + area.height)
        let selectedSpan = selection.flatMap { p.span($0) }
        for r in first..<max(first, last) {
            let y = area.y + (r - first)
            let row = p.rows[r]
            let label = Renderer.rowLabel(row, width: gutter - 1, ellipsis: glyphs.ellipsis)
            let isCurrent = r == currentRow
            buf.text(area.x, y, pad(label, gutter - 1), isCurrent ? Style(.accent, bold: true, reverse: true)
                     : Style(row.firstOfProcess ? .normal : .dim, bold: row.firstOfProcess), maxWidth: gutter - 1)
            let x0 = area.x + gutter
            drawTrackCells(&buf, p, row.track, x0: x0, y: y, columns: columns, filter: filter)
            drawSpanLabels(&buf, p, row.track, x0: x0, y: y, columns: columns, filter: filter)
            if let sel = selection, sel.row == r, let span = selectedSpan {
                markSpan(&buf, span, x0: x0, y: y, columns: columns, ink: .selected)
            } else if let span = selectedSpan, span.collective >= 0 {
                markCollective(&buf, p, row.track, collective: span.collective, x0: x0, y: y, columns: columns)
            }
        }
    }

    @inline(__always)
    func cellBounds(_ c: Int, _ t0: Int64, _ nsPerCol: Double) -> (Int64, Int64) {
        let cs = t0 + Int64(Double(c) * nsPerCol)
        var ce = t0 + Int64(Double(c + 1) * nsPerCol)
        if ce <= cs { ce = cs + 1 }
        return (cs, ce)
    }

    func drawTrackCells(_ buf: inout ScreenBuffer, _ p: PreparedModel, _ trackNumber: Int, x0: Int, y: Int, columns: Int,
                        filter: FilterIndex?) {
        let track = p.tracks[trackNumber]
        guard track.count > 0 else { return }
        let t0 = state.viewStart
        let nsPerCol = Double(state.visibleDuration) / Double(columns)
        let hidden = state.hidden
        let categoryCount = SpanCategory.allCases.count
        var lo = track.lowerBound(t0)
        let dimStyle = Style(.dim)
        let filteredGlyph: Unicode.Scalar = glyphs.ascii ? "." : "·"
        var styles = [Style](repeating: .plain, count: categoryCount)
        var glyphsByCategory = [Unicode.Scalar](repeating: " ", count: categoryCount)
        for k in 0..<categoryCount {
            styles[k] = Style(Ink.category(k))
            glyphsByCategory[k] = categoryGlyph(Ink.category(k))
        }
        for c in 0..<columns {
            let (cs, ce) = cellBounds(c, t0, nsPerCol)
            let hi = track.lowerBound(ce, from: lo)
            var cov = SIMD4<Int64>(repeating: 0)
            var straddleMatch = false
            if lo > 0 {
                let j = Int(track.maxEndIndex[lo - 1])
                let e = track.ends[j]
                if e > cs {
                    cov[Int(track.categories[j])] += min(e, ce) - cs
                    if let filter { straddleMatch = filter.matches(track: trackNumber, local: j) }
                }
            }
            if hi - lo <= 8 {
                var i = lo
                while i < hi {
                    cov[Int(track.categories[i])] += min(track.ends[i], ce) - track.starts[i]
                    i += 1
                }
            } else {
                for k in 0..<categoryCount { cov[k] += track.durationSum(k, lo, hi) }
            }
            var best = -1
            var bestValue: Int64 = 0
            var total: Int64 = 0
            for k in 0..<categoryCount where !hidden[k] {
                let v = cov[k]
                total += v
                if v > bestValue {
                    bestValue = v
                    best = k
                }
            }
            if best >= 0 {
                let x = x0 + c
                if let filter, !straddleMatch, !filter.any(track: trackNumber, lo, hi) {
                    buf.put(x, y, filteredGlyph, dimStyle)
                } else if color {
                    let eighths = Int((Double(total) / Double(ce - cs) * 8).rounded())
                    let g = eighths >= 8 ? glyphs.full : glyphs.eighths[max(0, eighths - 1)]
                    buf.put(x, y, g, styles[best])
                } else {
                    buf.put(x, y, glyphsByCategory[best], styles[best])
                }
            }
            lo = hi
        }
    }

    /// Column range [c0, c1) a time interval covers, clipped to the view; nil when off screen.
    func columns(of start: Int64, _ end: Int64, columns: Int) -> (Int, Int)? {
        guard end > state.viewStart, start < state.viewEnd else { return nil }
        let nsPerCol = Double(state.visibleDuration) / Double(columns)
        let c0 = max(0, Int((Double(start - state.viewStart) / nsPerCol).rounded(.down)))
        let c1 = min(columns, max(c0 + 1, Int((Double(end - state.viewStart) / nsPerCol).rounded(.up))))
        return c0 < columns ? (c0, c1) : nil
    }

    /// Writes names into wide slices when the row is sparse enough to read them.
    func drawSpanLabels(_ buf: inout ScreenBuffer, _ p: PreparedModel, _ trackNumber: Int, x0: Int, y: Int, columns: Int,
                        filter: FilterIndex?) {
        let track = p.tracks[trackNumber]
        let vlo = max(0, track.lowerBound(state.viewStart) - 1)
        let vhi = track.lowerBound(state.viewEnd)
        guard vhi > vlo, vhi - vlo <= max(1, columns / 3) else { return }
        let tl = p.model.timeline
        for i in vlo..<vhi {
            let cat = Int(track.categories[i])
            if state.hidden[cat] { continue }
            if let filter, !filter.matches(track: trackNumber, local: i) { continue }
            guard let (c0, c1) = self.columns(of: track.starts[i], track.ends[i], columns: columns), c1 - c0 >= 8 else { continue }
            let name = Renderer.shortName(tl.names[Int(tl.spans[Int(track.ids[i])].name)])
            let room = c1 - c0 - 2
            let text = name.count <= room ? name : String(name.prefix(max(0, room - 1))) + String(glyphs.ellipsis)
            buf.text(x0 + c0 + 1, y, text, Style(Ink.category(cat), reverse: true), maxWidth: room)
        }
    }

    /// HTA-style shortening: drop template and argument lists ("void foo<int>(x)" → "foo").
    static func shortName(_ name: String) -> String {
        var s = Substring(name)
        if let paren = s.firstIndex(of: "(") { s = s[..<paren] }
        if let angle = s.firstIndex(of: "<") { s = s[..<angle] }
        if s.hasPrefix("void ") { s = s.dropFirst(5) }
        let t = s.trimmingCharacters(in: " ")
        return t.isEmpty ? name : t
    }

    func markSpan(_ buf: inout ScreenBuffer, _ span: Span, x0: Int, y: Int, columns: Int, ink: Ink) {
        guard let (c0, c1) = self.columns(of: span.start, span.end, columns: columns) else { return }
        for c in c0..<c1 {
            // A span narrower than a cell may have lost its cell to a neighbour: make it visible.
            if c1 - c0 == 1 && buf.glyph(x0 + c, y) == " " {
                buf.put(x0 + c, y, color ? glyphs.full : categoryGlyph(Ink.category(Int(span.category.rawValue))))
            }
            buf.restyle(x0 + c, y) { st in
                if color { st.ink = ink; st.bold = true } else { st.reverse.toggle() }
            }
        }
    }

    /// Underlines (and in colour, tints) the spans of collective `k` on a row: the text twin of flow arrows.
    func markCollective(_ buf: inout ScreenBuffer, _ p: PreparedModel, _ trackNumber: Int, collective k: Int32, x0: Int,
                        y: Int, columns: Int) {
        let track = p.tracks[trackNumber]
        let tl = p.model.timeline
        var lo = max(0, track.lowerBound(state.viewStart) - 1)
        var hi = track.lowerBound(state.viewEnd)
        if Int(k) < tl.collectives.count {
            let rec = tl.collectives[Int(k)]
            lo = max(lo, track.lowerBound(rec.start) - 1)
            hi = min(hi, track.lowerBound(rec.end + 1))
        }
        guard hi > lo, hi - lo <= 10_000 else { return }
        for i in lo..<hi where tl.spans[Int(track.ids[i])].collective == k {
            markSpan(&buf, tl.spans[Int(track.ids[i])], x0: x0, y: y, columns: columns, ink: .highlight)
        }
    }
}

extension Substring {
    func trimmingCharacters(in c: Character) -> String {
        var s = self
        while s.first == c { s.removeFirst() }
        while s.last == c { s.removeLast() }
        return String(s)
    }
}

extension Renderer {
    /// `label` cut to `width` columns in the middle, not at the end: rows differ at their tail (thread ids,
    /// stream numbers), so "CPU thread 140234567891001" and "…002" must not both read "CPU thread 1402".
    /// The last word is kept whole when it fits beside a short head, else its end.
    static func fitLabel(_ label: String, _ width: Int, ellipsis: Unicode.Scalar) -> String {
        guard label.count > width else { return label }
        guard width >= 3 else { return String(label.suffix(max(0, width))) }
        let lastWord = label.split(separator: " ").last.map(\.count) ?? 0
        let tail = min(width - 2, max((width - 1) / 2, min(lastWord, width - 6)))
        let head = width - 1 - tail
        return String(label.prefix(head)) + String(ellipsis) + String(label.suffix(tail))
    }

    /// A timeline row's label in `width` columns: "process lane" on a process's first row, the lane indented
    /// below it (less indent when the lane would not fit), cut in the middle when still too long.
    static func rowLabel(_ row: TimelineRow, width: Int, ellipsis: Unicode.Scalar) -> String {
        if row.firstOfProcess { return fitLabel("\(row.process) \(row.lane)", width, ellipsis: ellipsis) }
        var indent = min(row.process.count + 1, 8)
        if indent + row.lane.count > width { indent = min(indent, 2) }
        return String(repeating: " ", count: indent) + fitLabel(row.lane, max(0, width - indent), ellipsis: ellipsis)
    }
}
