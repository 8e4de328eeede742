import Testing
import LinkscopeTimeline
@testable import LinkscopeDashboard

/// Whole screens rendered from the buffer (no terminal), compared with stored text.
@Suite struct ScreenSnapshotTests {
    @Test func timelineAt80x24() {
        assertSnapshot(Fixtures.screen([]), named: "timeline-80x24")
    }

    @Test func timelineAt120x40Unicode() {
        assertSnapshot(Fixtures.screen([], width: 120, height: 40, color: true, ascii: false), named: "timeline-120x40-unicode")
    }

    @Test func linksHeatMap() {
        assertSnapshot(Fixtures.screen([.tab]), named: "links")
    }

    @Test func topology() {
        assertSnapshot(Fixtures.screen([.tab, .tab], width: 120, height: 30), named: "topology")
    }

    @Test func gpuAndCollectiveTables() {
        assertSnapshot(Fixtures.screen([.tab, .tab, .tab], width: 120, height: 24), named: "gpus")
        assertSnapshot(Fixtures.screen([.backTab], width: 120, height: 24), named: "collectives")
    }

    @Test func helpOverlay() {
        assertSnapshot(Fixtures.screen([.char("?")], width: 100, height: 32), named: "help")
    }

    @Test func detailsOfSelectedEvent() {
        // Row 2 is GPU 0's comm lane; Enter selects the all-reduce at the centre and opens details.
        let screen = Fixtures.screen([.down, .enter], width: 100, height: 30)
        assertSnapshot(screen, named: "details")
        for field in ["name: allreduce ring", "GPU: 0", "bytes: 64 MiB", "collective: allreduce#0", "algorithm: ring",
                      "links: gpu0->gpu1"] {
            #expect(screen.contains(field), "details lack \(field)")
        }
    }

    @Test func abComparison() {
        // Pin the ring run, switch algorithm to tree, open A/B.
        let screen = Fixtures.screen([.char("P"), .char("a"), .char("B")], width: 100, height: 32)
        assertSnapshot(screen, named: "ab")
        #expect(screen.contains("A pinned: allreduce ring"))
        #expect(screen.contains("B current: allreduce tree"))
        #expect(screen.contains("collective time (sum)"))
    }

    @Test func tooSmall() {
        let screen = Fixtures.screen([], width: 60, height: 20, ascii: false)
        assertSnapshot(screen, named: "too-small")
        #expect(Fixtures.screen([], width: 79, height: 40).contains("terminal too small: 79x40"))
        #expect(screen.contains("terminal too small: 60×20, need at least 80×24"))
    }

    @Test func asciiNoColourIsSevenBit() {
        for keys: [Key] in [[], [.tab], [.tab, .tab], [.char("?")], [.down, .enter], [.char("P"), .char("a"), .char("B")]] {
            let screen = Fixtures.screen(keys, width: 100, height: 30, color: false, ascii: true)
            #expect(screen.unicodeScalars.allSatisfy { $0.isASCII }, "non-ASCII in \(keys)")
        }
        // Without colour, categories stay apart by glyph.
        let screen = Fixtures.screen([], color: false, ascii: true)
        #expect(screen.contains("#") && screen.contains("="))
    }

    @Test func renderOnceHonoursColourMode() {
        let plain = Dashboard.renderOnce(model: Fixtures.model(), runner: nil, options: DashboardOptions(color: .none, ascii: true),
                                         width: 80, height: 24)
        #expect(!plain.contains("\u{1B}["))
        #expect(plain.contains("GPU 0"))
        let coloured = Dashboard.renderOnce(model: Fixtures.model(), runner: nil,
                                            options: DashboardOptions(color: .twoFiftySix), width: 80, height: 24)
        #expect(coloured.contains("\u{1B}[0;38;5;39m"))
    }
}
