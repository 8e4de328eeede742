import LinkscopeDashboard

/// Frame time of the dashboard on a 1-million-span timeline at 200×60 (goal: < 16 ms per frame).
/// Measures the whole frame as the terminal loop does it: key → reduce → render into the buffer (the
/// ncurses copy-out is not included; it is O(cells) and independent of the span count).
/// `--spans N` changes the span count.
enum DashboardBench {
    static func run(_ arguments: [String]) {
        var spans = 1_000_000
        if let i = arguments.firstIndex(of: "--spans"), i + 1 < arguments.count, let n = Int(arguments[i + 1]) { spans = n }
        let clock = ContinuousClock()
        var model: DashboardModel? = nil
        let build = clock.measure { model = SyntheticDashboard.large(spans: spans, gpus: 8) }
        guard let model else { return }
        var session: DashboardSession? = nil
        let prepare = clock.measure {
            session = DashboardSession(model: model, runner: nil, options: DashboardOptions(color: .twoFiftySix))
        }
        guard var s = session else { return }
        print("spans: \(model.timeline.spans.count), tracks: \(model.timeline.tracks.count), screen 200x60")
        print("build synthetic timeline: \(ms(build)) ms, index (sort + prefix sums, once per model): \(ms(prepare)) ms")
        // Scenarios: fit all (every cell covers ~1000 spans), zoom levels, pans, selection.
        let scenarios: [(String, [Key])] = [
            ("fit all", []),
            ("zoom x4", [.char("+"), .char("+")]),
            ("zoom x64", Array(repeating: .char("+"), count: 6)),
            ("zoom x4096 + pan", Array(repeating: .char("+"), count: 12) + [.char("l"), .char("l")]),
            ("fit + select + details", [.char("0"), .down, .enter]),
        ]
        var worst = 0.0
        for (name, keys) in scenarios {
            for k in keys { s.handle(k, width: 200, height: 60) }
            var times: [Double] = []
            for i in 0..<30 {
                let key: Key = i % 2 == 0 ? .char("l") : .char("h")
                let d = clock.measure {
                    s.handle(key, width: 200, height: 60)
                    let buf = s.render(width: 200, height: 60, color: true)
                    precondition(buf.width == 200)
                }
                times.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1e3)
            }
            times.sort()
            let median = times[times.count / 2]
            let maxT = times.last ?? 0
            worst = max(worst, maxT)
            print("  \(name.padded(24)) median \(fmt(median)) ms  max \(fmt(maxT)) ms")
        }
        // The copy-out: a whole 200x60 frame serialised with 256-colour escapes (what --once writes; the
        // ncurses layer copies the same cells), timed separately from the render above.
        var out: [Double] = []
        let frame = s.render(width: 200, height: 60, color: true)
        for _ in 0..<30 {
            var text = ""
            let d = clock.measure { text = frame.ansiText(palette: Palette(depth: 256)) }
            precondition(!text.isEmpty)
            out.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1e3)
        }
        out.sort()
        print("  \("serialise frame (ANSI)".padded(24)) median \(fmt(out[out.count / 2])) ms  max \(fmt(out.last ?? 0)) ms")
        let total = worst + (out.last ?? 0)
        print("worst frame: \(fmt(worst)) ms render + \(fmt(out.last ?? 0)) ms copy-out = \(fmt(total)) ms (goal < 16 ms): \(total < 16 ? "PASS" : "FAIL")")
    }

    static func ms(_ d: Duration) -> String { fmt(Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15) }
    static func fmt(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return "\(r)"
    }
}

extension String {
    fileprivate func padded(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
