import Testing
import LinkscopeTimeline
@testable import LinkscopeDashboard

/// What must stay readable at the minimum size (80×24): row labels that differ only at their tail, and
/// table numbers that would otherwise run off the right edge.
@Suite struct NarrowLayoutTests {
    /// `view --cpu` rows: one rank with a GPU stream and two CPU threads whose ids share a long prefix.
    static func cpuThreadsModel() -> DashboardModel {
        var tl = Timeline(title: "cpu threads")
        let lanes = ["stream 7", "CPU thread 140234567891001", "CPU thread 140234567891002"]
        let name = tl.intern("op")
        for (i, lane) in lanes.enumerated() {
            let t = tl.addTrack(Track(process: "rank 0", processSortIndex: 0, lane: lane, laneSortIndex: i,
                                      gpu: i == 0 ? 0 : nil, pid: 0, tid: i))
            tl.add(Span(track: t, name: name, category: i == 0 ? .compute : .other, start: 0, duration: 1_000_000))
        }
        tl.sortSpans()
        return DashboardModel(title: "cpu threads", timeline: tl,
                              stats: HeaderStats(simulatedSeconds: 0.001, iterationSeconds: nil, iterations: nil,
                                                 throughputText: nil, events: tl.spans.count),
                              gpus: [], collectives: [], links: [], topology: TopologyView(devices: [], links: []))
    }

    @Test func cpuThreadLabelsStayDistinctWhenCut() {
        for ascii in [true, false] {
            let s = DashboardSession(model: Self.cpuThreadsModel(), runner: nil,
                                     options: DashboardOptions(color: .none, ascii: ascii))
            let screen = s.render(width: 80, height: 24, color: false).text()
            let lines = screen.split(separator: "\n").map(String.init)
            let one = lines.first { $0.contains("1001") }
            let two = lines.first { $0.contains("1002") }
            #expect(one != nil && two != nil, "thread ids cut off:\n\(screen)")
            // The two rows' label cells (the gutter is 20 columns at 80) differ.
            #expect(one.map { String($0.prefix(20)) } != two.map { String($0.prefix(20)) })
            #expect(lines.contains { $0.contains("rank 0 stream 7") })
        }
    }

    @Test func labelsAreCutInTheMiddle() {
        #expect(Renderer.fitLabel("CPU thread 140234567891001", 17, ellipsis: "~") == "CPU t~34567891001")
        #expect(Renderer.fitLabel("CPU thread 3141", 12, ellipsis: "~") == "CPU th~ 3141")
        #expect(Renderer.fitLabel("stream 7", 12, ellipsis: "~") == "stream 7")
        for w in 0...30 {
            #expect(Renderer.fitLabel("CPU thread 140234567891001", w, ellipsis: "~").count == min(w, 26))
        }
    }

    /// At 80 columns the collectives table keeps every number whole (busbw 167.77 was cut to "1").
    @Test func collectivesAt80x24KeepNumbersWhole() {
        let screen = Fixtures.screen([.backTab])
        assertSnapshot(screen, named: "collectives-80x24")
        let lines = screen.split(separator: "\n").map(String.init)
        let header = lines.first { $0.contains("busbw GB/s") }
        let row = lines.first { $0.contains("allreduce") && $0.contains("ring") && $0.contains("MiB") }
        #expect(header != nil && row != nil, "\(screen)")
        #expect(row?.contains("167.77") == true)
        #expect(row?.contains("1.05") == true)  // sim/formula
        #expect(lines.allSatisfy { $0.count <= 80 })
    }

    /// Long names at a narrow width: lower-priority columns go, numbers never get cut.
    @Test func fitColumnsDropsByPriority() {
        let header: [(String, Int)] = [("size", 10), ("op", -14), ("algorithm", -18), ("gpus", 5), ("time", 10),
                                       ("algbw GB/s", 11), ("busbw GB/s", 11), ("formula", 10), ("sim/formula", 12)]
        let row = ["1 GiB", "reduce-scatter", "double-binary-tree", "8", "12.35 ms", "86.95", "152.16", "11.9 ms", "1.04"]
        let wide = Renderer.fitColumns(header, [row], width: 120, dropOrder: [7, 5, 3])
        #expect(wide.header.map(\.1) == header.map(\.1))
        let narrow = Renderer.fitColumns(header, [row], width: 78, dropOrder: [7, 5, 3])
        #expect(narrow.header.map(\.0) == ["size", "op", "algorithm", "gpus", "time", "busbw GB/s", "sim/formula"])
        #expect(narrow.rows == [["1 GiB", "reduce-scatter", "double-binary-tree", "8", "12.35 ms", "152.16", "1.04"]])
        #expect(narrow.header.reduce(0) { $0 + abs($1.1) } + narrow.header.count - 1 <= 78)
        for (j, col) in narrow.header.enumerated() { #expect(abs(col.1) >= narrow.rows[0][j].count) }
    }
}
