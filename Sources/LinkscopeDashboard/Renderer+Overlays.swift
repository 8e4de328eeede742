import LinkscopeTimeline
import LinkscopeUnits

/// Details of the selected event and the help overlay.
extension Renderer {
    /// Key → action lines of the help overlay (the single source of the key map).
    public static let helpLines: [(String, String)] = [
        ("q  F10  Ctrl-C", "quit (the terminal is restored)"),
        ("?  F1  (h outside timeline)", "this help; Esc closes"),
        ("←/→  h/l   H/L", "pan by 1/8 (or a whole) window"),
        ("+/-  w/s", "zoom in/out around the selection or centre"),
        ("0  Home", "fit the whole run"),
        ("z", "zoom to the selected event"),
        ("f", "centre on the selection; again: fit it"),
        ("↑/↓  j/k  PgUp/PgDn", "move between rows (GPU, then lane)"),
        ("Enter  Space", "select the event at the centre; details"),
        (",  .", "previous / next event on the row"),
        ("c  C", "same collective on the next / previous GPU"),
        ("/", "regex filter on names (Enter applies)"),
        ("n  N", "next / previous filter hit"),
        ("Esc", "close details, leave A/B, clear filter"),
        ("1 2 3 4", "hide/show compute, comm, memory, other"),
        ("Tab  Shift-Tab", "cycle panes: timeline, links, topology,"),
        ("", "GPUs, collectives"),
        ("a/A  o", "what-if: next/prev algorithm, sync scheme"),
        ("g/G  m/M  p  t", "what-if: GPU set, message size, preset,"),
        ("", "training parameter: re-simulates at once"),
        ("P  b", "pin this run as A for comparison"),
        ("B", "A/B view: pinned vs current, differences"),
        ("r  Ctrl-L", "redraw"),
    ]

    func drawHelp(_ buf: inout ScreenBuffer, _ area: Rect) {
        let lines = Renderer.helpLines
        let keyWidth = 30
        let width = min(area.width - 2, keyWidth + 44 + 4)
        let height = min(area.height, lines.count + 3)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + max(0, (area.height - height) / 2), width: width,
                       height: height)
        buf.fill(box)
        buf.box(box, title: "Help: keys (Esc closes)", glyphs: glyphs)
        // Scrolls (↑/↓, PgUp/PgDn) when the screen is shorter than the key map; the last row says where it is.
        let visible = max(0, height - 3)
        let first = min(max(0, state.helpScroll), max(0, lines.count - visible))
        for (i, (k, action)) in lines.dropFirst(first).prefix(visible).enumerated() {
            let y = box.y + 1 + i
            let keys = glyphs.ascii ? k.replacingArrows() : k
            buf.text(box.x + 2, y, keys, Style(.accent, bold: true), maxWidth: keyWidth - 1)
            buf.text(box.x + 2 + keyWidth, y, action, Style(.normal), maxWidth: box.width - keyWidth - 4)
        }
        let hint = visible < lines.count
            ? "lines \(first + 1)-\(first + visible) of \(lines.count): ↑↓ PgUp PgDn scroll"
            : "linkscope: ? for help, q to quit"
        buf.text(box.x + 2, box.maxY - 2, hint, Style(.dim), maxWidth: box.width - 4)
    }

    /// Ordered (field, value) pairs describing the selected span.
    func detailFields() -> [(String, String)] {
        guard let sel = state.selection, let span = prepared.span(sel) else { return [] }
        let tl = model.timeline
        let row = prepared.rows[sel.row]
        // Most telling first: a small terminal shows only the first few lines of the box.
        var f: [(String, String)] = [
            ("name", tl.name(of: span)),
            ("GPU", row.gpu.map { "\($0)" } ?? row.process),
            ("start", Renderer.time(span.start - prepared.start)),
            ("duration", Renderer.time(span.duration)),
        ]
        if span.bytes > 0 {
            f.append(("bytes", Format.bytes(span.bytes)))
            if span.duration > 0 { f.append(("rate", Format.bandwidth(Double(span.bytes) / (Double(span.duration) / 1e9)))) }
        }
        let detail = span.detail >= 0 && Int(span.detail) < tl.details.count ? tl.details[Int(span.detail)] : nil
        var record: CollectiveRecord?
        if span.collective >= 0 && Int(span.collective) < tl.collectives.count {
            record = tl.collectives[Int(span.collective)]
            f.append(("algorithm", tl.collectives[Int(span.collective)].algorithm))
        }
        if let links = detail?["links"] { f.append(("links", links)) }
        if let rec = record {
            // Size 0 means unknown (a trace's NCCL kernel without size args), as in the collectives pane.
            let size = rec.bytes > 0 ? Format.bytes(rec.bytes) : "size unknown"
            f.append(("collective", "\(rec.name) (\(rec.op), \(size), GPUs \(rec.gpus.map(String.init).joined(separator: ",")))"))
        }
        f += [("lane", row.lane), ("category", span.category.name), ("end", Renderer.time(span.end - prepared.start))]
        for (k, v) in detail?.fields ?? [] where !["links", "algorithm", "collective", "op"].contains(k) { f.append((k, v)) }
        return f
    }

    func drawDetails(_ buf: inout ScreenBuffer, _ r: Rect) {
        let fields = detailFields()
        buf.fill(r)
        buf.box(r, title: "Details (Esc closes, c: same collective on next GPU)", glyphs: glyphs)
        let inner = r.inset(1)
        var x = inner.x + 1
        var y = inner.y
        for (k, v) in fields {
            let width = k.count + 2 + v.count
            if x > inner.x + 1 && x + width > inner.maxX - 1 {
                y += 1
                x = inner.x + 1
            }
            if y >= inner.maxY { break }
            x += buf.text(x, y, k + ": ", Style(.dim), maxWidth: inner.maxX - x)
            x += buf.text(x, y, v, Style(.normal, bold: k == "name"), maxWidth: inner.maxX - x - 1)
            x += 3
        }
    }
}
