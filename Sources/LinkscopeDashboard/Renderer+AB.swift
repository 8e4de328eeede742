import LinkscopeTimeline
import LinkscopeUnits

/// A/B comparison: the pinned run (A) above the current run (B) on one time axis, then a table of differences.
extension Renderer {
    func drawAB(_ buf: inout ScreenBuffer, _ area: Rect, _ a: PreparedModel) {
        let diffs = differences(a.model, model)
        let tableHeight = min(diffs.count + 2, max(5, area.height / 3))
        let (top, table) = area.splitBottom(tableHeight)
        let gutter = min(max(10, max(Renderer.labelWidth(a), Renderer.labelWidth(prepared)) + 1), max(10, area.width / 4))
        let columns = max(1, area.width - gutter)
        let (rulerRow, panes) = top.splitTop(1)
        drawRuler(&buf, rulerRow, gutter: gutter, columns: columns, origin: min(a.start, prepared.start))
        let half = panes.height / 2
        let (aArea, bArea) = panes.splitTop(half)
        for (label, p, r, isB) in [("A pinned", a, aArea, false), ("B current", prepared, bArea, true)] {
            let (titleRow, rows) = r.splitTop(1)
            let settings = p.model.settings.map(Renderer.settingsText) ?? p.model.title
            let title = "\(label): \(settings)  (iteration \(p.model.stats.iterationSeconds.map(Format.duration) ?? "-"), sim \(Format.duration(p.model.stats.simulatedSeconds)))"
            buf.text(titleRow.x, titleRow.y, title.replacingArrowsIf(glyphs.ascii), Style(isB ? .accent : .title, bold: true),
                     maxWidth: titleRow.width)
            drawRows(&buf, p, rows, gutter: gutter, columns: columns, scroll: isB ? state.rowScroll : min(state.rowScroll, max(0, p.rows.count - rows.height)),
                     currentRow: isB ? state.row : nil, selection: isB ? state.selection : nil, filter: isB ? filterIndex : nil)
        }
        let header: [(String, Int)] = [("difference (B - A)", -26), ("A", 12), ("B", 12), ("delta", 12), ("delta %", 9)]
        let rows = diffs.map { d -> [String] in
            let delta = d.b - d.a
            let pct = d.a != 0 ? Format.fixed(delta / abs(d.a) * 100, decimals: 1, trimZeros: false) + "%" : "-"
            return [d.name, d.format(d.a), d.format(d.b), (delta > 0 ? "+" : "") + d.format(delta), pct]
        }
        var tableState = self
        tableState.state.tableScroll = 0
        tableState.drawTable(&buf, table, title: "A/B differences (Esc or B leaves A/B)", header: header, rows: rows)
    }

    struct Difference {
        var name: String
        var a: Double
        var b: Double
        var format: (Double) -> String
    }

    func differences(_ a: DashboardModel, _ b: DashboardModel) -> [Difference] {
        let dur: (Double) -> String = { Format.duration($0) }
        var out: [Difference] = [
            Difference(name: "simulated time", a: a.stats.simulatedSeconds, b: b.stats.simulatedSeconds, format: dur),
        ]
        if let ia = a.stats.iterationSeconds, let ib = b.stats.iterationSeconds {
            out.append(Difference(name: "iteration time", a: ia, b: ib, format: dur))
        }
        let ca = a.collectives.reduce(0) { $0 + $1.seconds }
        let cb = b.collectives.reduce(0) { $0 + $1.seconds }
        out.append(Difference(name: "collective time (sum)", a: ca, b: cb, format: dur))
        func meanBusbw(_ m: DashboardModel) -> Double {
            m.collectives.isEmpty ? 0 : m.collectives.reduce(0) { $0 + $1.busbwGBps } / Double(m.collectives.count)
        }
        out.append(Difference(name: "busbw (mean, GB/s)", a: meanBusbw(a), b: meanBusbw(b), format: { Format.fixed($0, decimals: 2) }))
        let gpusA = Dictionary(a.gpus.map { ($0.gpu, $0) }, uniquingKeysWith: { x, _ in x })
        for g in b.gpus {
            guard let ga = gpusA[g.gpu] else { continue }
            out.append(Difference(name: "GPU \(g.gpu) comm time", a: ga.communicationSeconds, b: g.communicationSeconds, format: dur))
        }
        return out
    }
}
