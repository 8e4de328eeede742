import LinkscopeTimeline

/// Timeline navigation: pan, zoom, rows, selection, collectives, filter hits.
extension DashboardState {
    /// Smallest window: 10 ns, so zoom stays meaningful at the integer-nanosecond resolution.
    static let minimumWindow: Int64 = 10

    mutating func timelineKey(_ key: Key, _ ctx: ReduceContext) {
        let p = ctx.prepared
        switch key {
        case .left, .char("h"): pan(-max(1, visibleDuration / 8), ctx)
        case .right, .char("l"): pan(max(1, visibleDuration / 8), ctx)
        case .char("H"): pan(-visibleDuration, ctx)
        case .char("L"): pan(visibleDuration, ctx)
        case .char("+"), .char("="), .char("w"): zoom(by: 0.5, ctx)
        case .char("-"), .char("_"), .char("s"): zoom(by: 2, ctx)
        case .char("0"), .home: fitAll(ctx)
        case .char("z"): zoomToSelection(ctx)
        case .char("f"): centreOrFit(ctx)
        case .up, .char("k"): moveRow(-1, ctx)
        case .down, .char("j"): moveRow(1, ctx)
        case .pageUp: moveRow(-max(1, ctx.visibleRows - 1), ctx)
        case .pageDown: moveRow(max(1, ctx.visibleRows - 1), ctx)
        case .end: moveRow(p.rows.count, ctx)
        case .char("."): stepEvent(1, ctx)
        case .char(","): stepEvent(-1, ctx)
        case .enter, .char(" "):
            if let sel = selection, sel.row == row { showDetails.toggle() } else {
                selectNearest(viewCentre, ctx)
                showDetails = selection != nil
            }
        case .char("c"): jumpCollective(1, ctx)
        case .char("C"): jumpCollective(-1, ctx)
        case .char("n"): nextHit(1, ctx)
        case .char("N"): nextHit(-1, ctx)
        default: break
        }
    }

    mutating func setWindow(_ a: Int64, _ b: Int64, _ ctx: ReduceContext) {
        let (start, end) = ctx.timeBounds(abView: abView)
        let total = end - start
        var w = max(DashboardState.minimumWindow, b - a)
        var lo = a
        if w >= total {
            // Zoomed out past everything: centre the whole trace.
            w = min(w, total * 4)
            lo = start - (w - total) / 2
        } else {
            lo = min(max(lo, start), end - w)
        }
        viewStart = lo
        viewEnd = lo + w
    }

    mutating func pan(_ delta: Int64, _ ctx: ReduceContext) {
        setWindow(viewStart + delta, viewEnd + delta, ctx)
    }

    /// Zooms around the selection when it is on screen, else around the centre.
    mutating func zoom(by factor: Double, _ ctx: ReduceContext) {
        let p = ctx.prepared
        var anchor = viewCentre
        if let sel = selection, let span = p.span(sel), span.end > viewStart, span.start < viewEnd {
            anchor = min(max(span.start + span.duration / 2, viewStart), viewEnd)
        }
        let frac = Double(anchor - viewStart) / Double(visibleDuration)
        let w = Int64((Double(visibleDuration) * factor).rounded())
        let lo = anchor - Int64(Double(w) * frac)
        setWindow(lo, lo + max(DashboardState.minimumWindow, w), ctx)
    }

    mutating func fitAll(_ ctx: ReduceContext) {
        (viewStart, viewEnd) = ctx.timeBounds(abView: abView)
    }

    mutating func zoomToSelection(_ ctx: ReduceContext) {
        let p = ctx.prepared
        guard let sel = selection, let span = p.span(sel) else {
            message = "nothing selected: Enter selects the event at the centre"
            return
        }
        let margin = max(span.duration / 10, 1)
        setWindow(span.start - margin, span.end + margin, ctx)
    }

    mutating func centreOrFit(_ ctx: ReduceContext) {
        let p = ctx.prepared
        guard let sel = selection, let span = p.span(sel) else { return }
        let mid = span.start + span.duration / 2
        if abs(mid - viewCentre) <= max(1, visibleDuration / 100) {
            zoomToSelection(ctx)
        } else {
            let half = visibleDuration / 2
            setWindow(mid - half, mid - half + visibleDuration, ctx)
        }
    }

    /// Keeps `row` on screen.
    mutating func scrollToRow(_ visibleRows: Int) {
        let h = max(1, visibleRows)
        if row < rowScroll { rowScroll = row }
        if row >= rowScroll + h { rowScroll = row - h + 1 }
        rowScroll = max(0, rowScroll)
    }

    mutating func moveRow(_ delta: Int, _ ctx: ReduceContext) {
        let p = ctx.prepared
        guard !p.rows.isEmpty else { return }
        let anchor = selection.flatMap { p.span($0) }.map { $0.start + $0.duration / 2 }
        row = min(max(0, row + delta), p.rows.count - 1)
        scrollToRow(ctx.visibleRows)
        if let anchor, selection != nil {
            // Carry the selection to the nearest event on the new row.
            selectNearest(anchor, ctx, keepView: true)
        }
    }

    mutating func selectNearest(_ t: Int64, _ ctx: ReduceContext, keepView: Bool = false) {
        let p = ctx.prepared
        guard row < p.rows.count else { return }
        let track = p.tracks[p.rows[row].track]
        guard let i = track.nearest(t) else {
            selection = nil
            if !keepView { message = "no events on this row" }
            return
        }
        select(SpanRef(row: row, local: i), ctx)
    }

    /// Selects a span and pans so it is visible (centres it when it is off screen).
    mutating func select(_ ref: SpanRef, _ ctx: ReduceContext) {
        let p = ctx.prepared
        selection = ref
        row = ref.row
        guard let span = p.span(ref) else { return }
        if span.end <= viewStart || span.start >= viewEnd {
            let mid = span.start + span.duration / 2
            let w = visibleDuration
            setWindow(mid - w / 2, mid - w / 2 + w, ctx)
        }
    }

    mutating func stepEvent(_ step: Int, _ ctx: ReduceContext) {
        let p = ctx.prepared
        guard row < p.rows.count else { return }
        let track = p.tracks[p.rows[row].track]
        guard track.count > 0 else { return }
        var i: Int
        if let sel = selection, sel.row == row {
            i = sel.local + step
        } else {
            i = step > 0 ? track.lowerBound(viewCentre) : track.lowerBound(viewCentre) - 1
        }
        i = min(max(0, i), track.count - 1)
        select(SpanRef(row: row, local: i), ctx)
    }

    /// `c`: the same collective on the next (or previous) row that took part in it.
    mutating func jumpCollective(_ step: Int, _ ctx: ReduceContext) {
        let p = ctx.prepared
        guard let sel = selection, let span = p.span(sel), span.collective >= 0 else {
            message = "select a communication event first (Enter)"
            return
        }
        let tl = p.model.timeline
        let k = span.collective
        let record = Int(k) < tl.collectives.count ? tl.collectives[Int(k)] : nil
        let n = p.rows.count
        for offset in 1..<max(1, n + 1) {
            let r = ((sel.row + step * offset) % n + n) % n
            let track = p.tracks[p.rows[r].track]
            var lo = 0
            var hi = track.count
            if let record {
                lo = max(0, track.lowerBound(record.start) - 1)
                hi = track.lowerBound(record.end + 1)
            }
            // Spans that began before the record window (nesting) are rare; fall back to a full scan.
            var found: Int? = nil
            for i in lo..<hi where tl.spans[Int(track.ids[i])].collective == k {
                found = i
                break
            }
            if found == nil && record != nil {
                for i in 0..<track.count where tl.spans[Int(track.ids[i])].collective == k {
                    found = i
                    break
                }
            }
            if let found {
                if r == sel.row && found == sel.local { continue }
                select(SpanRef(row: r, local: found), ctx)
                scrollToRow(ctx.visibleRows)
                let name = record?.name ?? tl.name(of: span)
                message = "collective \(name): \(p.rows[r].process) \(p.rows[r].lane)"
                return
            }
        }
        message = "no other row takes part in this collective"
    }

    /// `n`/`N`: next or previous span matching the filter, row by row.
    mutating func nextHit(_ step: Int, _ ctx: ReduceContext) {
        let p = ctx.prepared
        guard !filter.isEmpty, let f = ctx.filterIndex, f.pattern == filter else {
            message = "no filter: press / to search"
            return
        }
        let n = p.rows.count
        guard n > 0 else { return }
        let startLocal = selection.map { $0.row == row ? $0.local : -1 } ?? -1
        for offset in 0...n {
            let r = ((row + step * offset) % n + n) % n
            let t = p.rows[r].track
            let track = p.tracks[t]
            if step > 0 {
                let from = offset == 0 ? startLocal + 1 : 0
                for i in max(0, from)..<track.count where f.matches(track: t, local: i) {
                    select(SpanRef(row: r, local: i), ctx)
                    scrollToRow(ctx.visibleRows)
                    return
                }
            } else {
                let from = offset == 0 ? (startLocal < 0 ? track.count : startLocal) - 1 : track.count - 1
                var i = from
                while i >= 0 {
                    if f.matches(track: t, local: i) {
                        select(SpanRef(row: r, local: i), ctx)
                        scrollToRow(ctx.visibleRows)
                        return
                    }
                    i -= 1
                }
            }
        }
        message = "no match for /\(filter)/"
    }
}
