import LinkscopeTimeline
import Testing
@testable import LinkscopeDashboard

/// A session opened with a pinned "A" run (trace replay: measured original as A, prediction as B).
struct PinnedStartTests {
    static func models() -> (a: DashboardModel, b: DashboardModel) {
        (DashboardModel(timeline: Fixtures.twoGPUTimeline(commDuration: 800_000), title: "original"),
         DashboardModel(timeline: Fixtures.twoGPUTimeline(commDuration: 200_000), title: "predicted"))
    }

    @Test func sessionWithPinnedOpensInABView() {
        let (a, b) = Self.models()
        var session = DashboardSession(model: b, runner: nil, options: DashboardOptions(color: .none, ascii: true), pinned: a)
        #expect(session.pinned != nil && session.state.abView)
        #expect(session.state.viewStart == 0 && session.state.viewEnd == session.pinned?.end)
        session.handle(.char("B"), width: 100, height: 30)
        #expect(!session.state.abView, "B leaves the A/B view")
    }

    @Test func renderOnceShowsBothRuns() {
        let (a, b) = Self.models()
        let text = Dashboard.renderOnce(model: b, runner: nil, options: DashboardOptions(color: .none, ascii: true),
                                        width: 100, height: 30, pinned: a)
        #expect(text.contains("A pinned: original") && text.contains("B current: predicted"))
        let plain = Dashboard.renderOnce(model: b, runner: nil, options: DashboardOptions(color: .none, ascii: true),
                                         width: 100, height: 30)
        #expect(!plain.contains("A pinned"))
    }
}
