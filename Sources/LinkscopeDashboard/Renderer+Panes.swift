import LinkscopeTimeline
import LinkscopeUnits

/// Links heat map, topology grid, per-GPU table and collectives table.
extension Renderer {
    func emptyNote(_ buf: inout ScreenBuffer, _ area: Rect, _ text: String) {
        buf.text(area.x + 2, area.y + 1, text, Style(.dim), maxWidth: area.width - 4)
    }

    // MARK: links

    func drawLinks(_ buf: inout ScreenBuffer, _ area: Rect) {
        let links = model.links
        guard !links.isEmpty else { return emptyNote(&buf, area, "no link data in this run (traces carry no link counters)") }
        let nameWidth = min(18, max(8, links.map(\.name.count).max() ?? 8) + 1)
        let left = nameWidth + 8 + 11 + 6
        let columns = max(1, area.width - left)
        let (titleRow, rest) = area.splitTop(1)
        let (rulerRow, rest2) = rest.splitTop(1)
        let (rows, legend) = rest2.splitBottom(1)
        buf.text(titleRow.x, titleRow.y, "Link utilisation over time (busiest first, \(links.count) links)",
                 Style(.title, bold: true))
        buf.text(rulerRow.x, rulerRow.y, pad("link", nameWidth) + pad("kind", 8) + padLeft("bytes", 10) + " " + padLeft("util", 5),
                 Style(.dim))
        drawRuler(&buf, Rect(x: rulerRow.x + left, y: rulerRow.y, width: rulerRow.width - left, height: 1),
                  gutter: 0, columns: columns, origin: prepared.start)
        let order = prepared.linkOrder
        let first = min(state.tableScroll, max(0, order.count - 1))
        let t0 = state.viewStart
        let nsPerCol = Double(state.visibleDuration) / Double(columns)
        for (i, li) in order.dropFirst(first).prefix(rows.height).enumerated() {
            let y = rows.y + i
            let l = links[li]
            var x = rows.x
            x += buf.text(x, y, pad(l.name, nameWidth), Style(.normal), maxWidth: nameWidth)
            x += buf.text(x, y, pad(l.kind, 8), Style(.dim), maxWidth: 8)
            x += buf.text(x, y, padLeft(Format.bytes(l.bytes), 10) + " ", Style(.normal))
            buf.text(x, y, padLeft(percent(l.utilisation), 5), heatStyle(l.utilisation))
            let series = prepared.linkSeries[li]
            for c in 0..<columns {
                let (cs, ce) = cellBounds(c, t0, nsPerCol)
                let u = series.average(cs, ce)
                let level = heatLevel(u)
                if level > 0 { buf.put(rows.x + left + c, y, glyphs.shades[level - 1], Style(Ink.heat(level))) }
            }
        }
        var x = legend.x
        x += buf.text(x, legend.y, "utilisation: ", Style(.dim))
        for level in 1...5 {
            buf.put(x, legend.y, glyphs.shades[level - 1], Style(Ink.heat(level)))
            x += 1
            x += buf.text(x, legend.y, "\(level * 20 - 20)-\(level * 20)%  ", Style(.dim))
        }
        buf.text(x, legend.y, "(↑↓ scroll, +/- 0 zoom time)".replacingArrowsIf(glyphs.ascii), Style(.dim))
    }

    func heatLevel(_ u: Double) -> Int { u < 0.005 || !u.isFinite ? 0 : min(5, max(1, Int((u * 5).rounded(.up)))) }
    func heatStyle(_ u: Double) -> Style { let l = heatLevel(u); return l == 0 ? Style(.dim) : Style(Ink.heat(l)) }

    // MARK: topology

    func drawTopology(_ buf: inout ScreenBuffer, _ area: Rect) {
        let topo = model.topology
        guard !topo.devices.isEmpty else { return emptyNote(&buf, area, "no topology in this run (trace files carry none)") }
        let n = topo.devices.count
        let nameWidth = min(10, (topo.devices.map(\.name.count).max() ?? 4) + 1)
        let gridWidth = 4 + nameWidth + 2 * n
        let showGrid = gridWidth <= area.width / 2 + 10 && n + 3 <= area.height
        var maxBytes: Int64 = 1
        var cell: [Int: TopologyLink] = [:]
        for l in topo.links where l.from >= 0 && l.from < n && l.to >= 0 && l.to < n {
            maxBytes = max(maxBytes, l.bytes)
            let key = l.from * n + l.to
            if let old = cell[key], old.bytes >= l.bytes { continue }
            cell[key] = l
        }
        var listArea = area
        if showGrid {
            buf.text(area.x, area.y, "Links between devices (row → column)".replacingArrowsIf(glyphs.ascii), Style(.title, bold: true))
            let y0 = area.y + 1
            var x = area.x + 4 + nameWidth
            for j in 0..<n {
                buf.text(x, y0, String(j % 10), Style(.dim))
                x += 2
            }
            for i in 0..<n {
                let y = y0 + 1 + i
                buf.text(area.x, y, padLeft(String(i), 3) + " " + pad(topo.devices[i].name, nameWidth), Style(.normal),
                         maxWidth: 4 + nameWidth)
                for j in 0..<n {
                    let cx = area.x + 4 + nameWidth + 2 * j
                    if i == j { buf.put(cx, y, "\\", Style(.border)); continue }
                    guard let l = cell[i * n + j] else { buf.put(cx, y, glyphs.ascii ? "." : "·", Style(.border)); continue }
                    let letter = Renderer.kindLetter(l.kind)
                    if l.bytes > 0 {
                        let level = max(1, Int((Double(l.bytes) / Double(maxBytes) * 5).rounded(.up)))
                        buf.put(cx, y, letter, Style(Ink.heat(level), bold: true))
                    } else {
                        buf.put(cx, y, Unicode.Scalar(String(Character(letter)).lowercased()) ?? letter, Style(.dim))
                    }
                }
            }
            let ly = y0 + 1 + n
            buf.text(area.x, ly, "UPPER = carried traffic (colour by bytes), lower = idle", Style(.dim), maxWidth: max(gridWidth, 58))
            buf.text(area.x, ly + 1, "N nvlink  P pcie  S switch  I nic/net  Q qpi/cpu  X other", Style(.dim), maxWidth: max(gridWidth, 58))
            let split = max(gridWidth + 2, 60)
            if area.width - split >= 40 {
                listArea = Rect(x: area.x + split, y: area.y, width: area.width - split, height: area.height)
            } else {
                listArea = Rect(x: area.x, y: ly + 3, width: area.width, height: area.maxY - ly - 3)
            }
        }
        let busy = topo.links.filter { $0.bytes > 0 }.sorted { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : ($0.from, $0.to) < ($1.from, $1.to) }
        buf.text(listArea.x, listArea.y, "Links carrying traffic: \(busy.count) of \(topo.links.count)", Style(.title, bold: true),
                 maxWidth: listArea.width)
        let first = min(state.tableScroll, max(0, busy.count - 1))
        for (i, l) in busy.dropFirst(first).prefix(max(0, listArea.height - 1)).enumerated() {
            let y = listArea.y + 1 + i
            let name = "\(topo.devices[l.from].name) \(glyphs.arrow) \(topo.devices[l.to].name)"
            var x = listArea.x
            x += buf.text(x, y, pad(name, 18), Style(.normal), maxWidth: 18)
            x += buf.text(x, y, pad(l.kind, 8), Style(.dim), maxWidth: 8)
            x += buf.text(x, y, padLeft(l.bandwidthText, 10) + " ", Style(.dim))
            x += buf.text(x, y, padLeft(Format.bytes(l.bytes), 10) + " ", Style(.normal))
            let barWidth = max(0, min(16, listArea.maxX - x - 1))
            let filled = Int((Double(l.bytes) / Double(maxBytes) * Double(barWidth)).rounded(.up))
            for b in 0..<min(filled, barWidth) { buf.put(x + b, y, glyphs.meterFill, Style(.communication)) }
        }
    }

    static func kindLetter(_ kind: String) -> Unicode.Scalar {
        let k = kind.lowercased()
        if k.contains("nvlink") { return "N" }
        if k.contains("pcie") { return "P" }
        if k.contains("switch") { return "S" }
        if k.contains("nic") || k.contains("net") || k.contains("ib") || k.contains("eth") { return "I" }
        if k.contains("qpi") || k.contains("cpu") || k.contains("upi") { return "Q" }
        return "X"
    }

    // MARK: tables

    func drawTable(_ buf: inout ScreenBuffer, _ area: Rect, title: String, header: [(String, Int)], rows: [[String]],
                   styles: [Style] = []) {
        buf.text(area.x, area.y, title, Style(.title, bold: true), maxWidth: area.width)
        var x = area.x
        for (h, w) in header {
            x += buf.text(x, area.y + 1, w < 0 ? pad(h, -w) : padLeft(h, w), Style(.dim, underline: true), maxWidth: area.maxX - x)
            x += 1
        }
        let first = min(state.tableScroll, max(0, rows.count - 1))
        for (i, r) in rows.dropFirst(first).prefix(max(0, area.height - 2)).enumerated() {
            var x = area.x
            let y = area.y + 2 + i
            for (j, cell) in r.enumerated() where j < header.count {
                let w = header[j].1
                let st = j < styles.count ? styles[j] : Style(.normal)
                x += buf.text(x, y, w < 0 ? pad(cell, -w) : padLeft(cell, w), st, maxWidth: min(abs(w), area.maxX - x))
                x += 1
            }
        }
    }

    func drawGPUTable(_ buf: inout ScreenBuffer, _ area: Rect) {
        guard !model.gpus.isEmpty else { return emptyNote(&buf, area, "no per-GPU breakdown in this run") }
        let header: [(String, Int)] = [("GPU", 5), ("compute", 10), ("comm", 10), ("idle", 10), ("overlap", 10),
                                       ("comp%", 6), ("comm%", 6), ("ovl%", 6), ("sent", 10), ("recv", 10), ("breakdown", -20)]
        let rows: [[String]] = model.gpus.map { g in
            let t = g.totalSeconds
            return [String(g.gpu), Format.duration(g.computeSeconds), Format.duration(g.communicationSeconds),
                    Format.duration(g.idleSeconds), Format.duration(g.overlapSeconds), percent(g.computeSeconds / t),
                    percent(g.communicationSeconds / t), percent(g.overlapSeconds / t), Format.bytes(g.bytesSent),
                    Format.bytes(g.bytesReceived), ""]
        }
        drawTable(&buf, area, title: "Per-GPU temporal breakdown", header: header, rows: rows)
        // Stacked bars in the last column: compute, comm, idle.
        let barX = area.x + header.dropLast().reduce(0) { $0 + abs($1.1) + 1 }
        let barWidth = max(0, min(20, area.maxX - barX))
        let first = min(state.tableScroll, max(0, model.gpus.count - 1))
        for (i, g) in model.gpus.dropFirst(first).prefix(max(0, area.height - 2)).enumerated() {
            let t = g.totalSeconds
            let parts: [(Double, Ink)] = [(g.computeSeconds / t, .compute), (g.communicationSeconds / t, .communication)]
            var x = barX
            for (f, ink) in parts {
                let n = Int((f * Double(barWidth)).rounded())
                for _ in 0..<max(0, min(n, barX + barWidth - x)) {
                    buf.put(x, area.y + 2 + i, color ? glyphs.meterFill : categoryGlyph(ink), Style(ink))
                    x += 1
                }
            }
            while x < barX + barWidth {
                buf.put(x, area.y + 2 + i, glyphs.meterEmpty, Style(.dim))
                x += 1
            }
        }
    }

    func drawCollectives(_ buf: inout ScreenBuffer, _ area: Rect) {
        guard !model.collectives.isEmpty else { return emptyNote(&buf, area, "no collectives in this run") }
        let header: [(String, Int)] = [("size", 10), ("op", -14), ("algorithm", -18), ("gpus", 5), ("time", 10),
                                       ("algbw GB/s", 11), ("busbw GB/s", 11), ("formula", 10), ("sim/formula", 12)]
        let rows: [[String]] = model.collectives.map { c in
            let ratio = c.formulaSeconds.map { $0 > 0 ? Format.fixed(c.seconds / $0, decimals: 2) : "-" } ?? "-"
            // Size 0 means unknown (a trace's NCCL kernel without size args): no bandwidth to show.
            let known = c.bytes > 0
            return [known ? Format.bytes(c.bytes) : "-", c.op, c.algorithm, String(c.gpus.count), Format.duration(c.seconds),
                    known ? Format.fixed(c.algbwGBps, decimals: 2) : "-", known ? Format.fixed(c.busbwGBps, decimals: 2) : "-",
                    c.formulaSeconds.map(Format.duration) ?? "-", ratio]
        }
        // Narrow terminals: formula time goes first, then algbw (busbw is the headline), then the GPU count.
        let fitted = Renderer.fitColumns(header, rows, width: area.width, dropOrder: [7, 5, 3])
        drawTable(&buf, area, title: "Collectives (nccl-tests style; busbw = algbw × bus factor)".replacingArrowsIf(glyphs.ascii),
                  header: fitted.header, rows: fitted.rows, styles: [Style(.normal), Style(.accent), Style(.normal)])
    }
}

extension Renderer {
    /// A table made to fit `width` columns without cutting a number: first every column shrinks to its widest
    /// cell or header, then columns are dropped in `dropOrder` (indices, lowest priority first) until it fits.
    /// Right-aligned (numeric) columns are never narrower than their cells; only left-aligned text may still be
    /// cut when nothing is left to drop. Room left over goes back to the columns, up to their given widths.
    static func fitColumns(_ header: [(String, Int)], _ rows: [[String]], width: Int,
                           dropOrder: [Int]) -> (header: [(String, Int)], rows: [[String]]) {
        func total(_ h: [(String, Int)]) -> Int { h.reduce(0) { $0 + abs($1.1) } + max(0, h.count - 1) }
        guard total(header) > width else { return (header, rows) }
        var fitted = header.enumerated().map { j, col -> (String, Int) in
            let widest = rows.reduce(col.0.count) { max($0, j < $1.count ? $1[j].count : 0) }
            return (col.0, col.1 < 0 ? -widest : widest)
        }
        var keep = Array(header.indices)
        for drop in dropOrder where total(keep.map { fitted[$0] }) > width {
            keep.removeAll { $0 == drop }
        }
        // Hand the room left back, a column at a time, up to each column's own width: tables stay airy.
        var grew = true
        while grew {
            grew = false
            for j in keep where total(keep.map { fitted[$0] }) < width && abs(fitted[j].1) < abs(header[j].1) {
                fitted[j].1 += fitted[j].1 < 0 ? -1 : 1
                grew = true
            }
        }
        return (keep.map { fitted[$0] }, rows.map { r in keep.map { $0 < r.count ? r[$0] : "" } })
    }
}

extension String {
    func replacingArrowsIf(_ ascii: Bool) -> String { ascii ? replacingArrows() : self }
}
