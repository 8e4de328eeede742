import Testing
import LinkscopeTimeline
@testable import LinkscopeDashboard

/// Key sequences through the pure reducer: no terminal, no rendering.
@Suite struct ReduceTests {
    let prepared = PreparedModel(Fixtures.model())
    var ctx: ReduceContext { ReduceContext(prepared: prepared, choices: Fixtures.Runner().choices, visibleRows: 10, columns: 100) }
    var start: DashboardState { DashboardState(prepared: prepared) }

    @Test func startsFittingTheWholeRun() {
        #expect(start.viewStart == 0)
        #expect(start.viewEnd == 1_000_000)
    }

    @Test func zoomInOutAndFit() {
        let zoomed = start.reduced([.char("+")], ctx)
        #expect(zoomed.visibleDuration == 500_000)
        #expect(zoomed.viewStart == 250_000)  // around the centre
        let back = zoomed.reduced([.char("-")], ctx)
        #expect(back.viewStart == 0 && back.viewEnd == 1_000_000)
        let fit = start.reduced([.char("+"), .char("+"), .char("l"), .char("0")], ctx)
        #expect(fit.viewStart == 0 && fit.viewEnd == 1_000_000)
        #expect(start.reduced([.char("w")], ctx) == zoomed)  // w = +
    }

    @Test func panStaysInsideTheRun() {
        let z = start.reduced([.char("+")], ctx)
        let right = z.reduced([.char("l")], ctx)
        #expect(right.viewStart == z.viewStart + z.visibleDuration / 8)
        let far = z.reduced(Array(repeating: .right, count: 50), ctx)
        #expect(far.viewEnd == 1_000_000)
        let left = z.reduced(Array(repeating: .char("h"), count: 50), ctx)
        #expect(left.viewStart == 0)
    }

    @Test func selectNextPrevAndZoomToSelection() {
        // Row 0 = GPU 0 compute; centre 500 us lies in "backward".
        let sel = start.reduced([.enter], ctx)
        #expect(sel.showDetails)
        let span = prepared.span(sel.selection ?? SpanRef(row: -1, local: 0))
        #expect(span.map { prepared.model.timeline.name(of: $0) } == "backward")
        let prev = sel.reduced([.char(",")], ctx)
        #expect(prepared.span(prev.selection ?? SpanRef(row: -1, local: 0)).map { $0.start } == 0)
        let z = sel.reduced([.char("z")], ctx)
        #expect(z.viewStart == 260_000 && z.viewEnd == 740_000)  // 400 us span, 10 % margins
    }

    @Test func rowsMoveAndCarryTheSelection() {
        let s = start.reduced([.down, .down, .down, .down, .down], ctx)
        #expect(s.row == 3)
        let up = s.reduced([.char("k")], ctx)
        #expect(up.row == 2)
        // Selection moves with the row to the nearest event there.
        let carried = start.reduced([.down, .enter, .down], ctx)
        #expect(carried.selection?.row == 2)
    }

    @Test func jumpToTheSameCollectiveOnTheOtherGPU() {
        let s = start.reduced([.down, .enter], ctx)  // GPU 0 comm, the all-reduce
        #expect(s.selection?.row == 1)
        let j = s.reduced([.char("c")], ctx)
        #expect(j.selection?.row == 3)
        #expect(j.row == 3)
        #expect(prepared.span(j.selection ?? SpanRef(row: -1, local: 0))?.collective == 0)
        #expect(j.reduced([.char("c")], ctx).selection?.row == 1)  // wraps around
    }

    /// A trace's NCCL kernel without size args has bytes 0: the details say the size is unknown, never "0 B".
    @Test func detailsOfACollectiveWithUnknownSize() {
        var model = Fixtures.model()
        var tl = model.timeline
        tl.collectives[0] = CollectiveRecord(name: "ncclDevKernel_SendRecv", op: "sendrecv", algorithm: "-", gpus: [0, 1],
                                             bytes: 0, start: 500_000, end: 900_000)
        for i in tl.spans.indices where tl.spans[i].collective == 0 { tl.spans[i].bytes = 0 }
        model.timeline = tl
        let unknown = PreparedModel(model)
        let s = DashboardState(prepared: unknown).reduced([.down, .enter], ReduceContext(prepared: unknown))
        let fields = Renderer(prepared: unknown, state: s, ascii: true, color: false).detailFields()
        let collective = fields.first { $0.0 == "collective" }?.1 ?? ""
        #expect(collective == "ncclDevKernel_SendRecv (sendrecv, size unknown, GPUs 0,1)")
        #expect(!fields.contains { $0.1.contains("0 B") })
        // A known size is still shown.
        let known = Renderer(prepared: prepared, state: start.reduced([.down, .enter], ctx), ascii: true, color: false)
        #expect(known.detailFields().first { $0.0 == "collective" }?.1.contains("64 MiB") == true)
    }

    @Test func filterTypingAndHits() {
        let typing = start.reduced([.char("/")] + Key.keys("memc"), ctx)
        #expect(typing.filterInput == "memc")
        #expect(typing.filter.isEmpty)
        let applied = typing.reduced([.enter], ctx)
        #expect(applied.filter == "memc")
        let f = FilterIndex(pattern: "memc", prepared: prepared)
        #expect(f.matchingNames == 1)
        var c = ctx
        c.filterIndex = f
        let hit = applied.reduced([.char("n")], c)
        #expect(hit.selection.flatMap { prepared.span($0) }.map { prepared.model.timeline.name(of: $0) } == "memcpy")
        #expect(hit.reduced([.escape, .escape], c).filter.isEmpty)
        let cancelled = typing.reduced([.escape], ctx)
        #expect(cancelled.filterInput == nil && cancelled.filter.isEmpty)
    }

    @Test func numberKeysHideCategories() {
        let s = start.reduced([.char("1"), .char("3")], ctx)
        #expect(s.hidden == [true, false, true, false])
        let screen = Renderer(prepared: prepared, state: s, ascii: true, color: false).render(width: 80, height: 24).text()
        #expect(!screen.contains("#forward"))
        #expect(screen.contains("allreduce"))
        #expect(screen.contains("1:compute (hidden)"))
    }

    @Test func helpPanesQuitAndWhatIf() {
        #expect(start.reduced([.char("?")], ctx).showHelp)
        #expect(!start.reduced([.char("?"), .escape], ctx).showHelp)
        #expect(start.reduced([.tab], ctx).pane == .links)
        #expect(start.reduced([.backTab], ctx).pane == .collectives)
        #expect(reduce(start, .char("q"), ctx).1 == .quit)
        #expect(reduce(start, .control("c"), ctx).1 == .quit)
        #expect(reduce(start, .char("a"), ctx).1 == .rerun(Fixtures.settings("tree")))
        #expect(reduce(start, .char("P"), ctx).1 == .pin)
        // Without a runner, what-if keys explain themselves instead of failing.
        let noRunner = ReduceContext(prepared: prepared)
        #expect(reduce(start, .char("a"), noRunner).0.message?.contains("what-if") == true)
        #expect(start.reduced([.char("B")], ctx).message?.contains("pin") == true)
    }

    @Test func sessionRerunsAndPins() {
        var s = Fixtures.session()
        s.handle(.char("P"), width: 100, height: 30)
        #expect(s.pinned != nil)
        s.handle(.char("a"), width: 100, height: 30)
        #expect(s.prepared.model.settings?.algorithm == "tree")
        #expect(s.state.message?.contains("re-simulated") == true)
        s.handle(.char("B"), width: 100, height: 30)
        #expect(s.state.abView)
        #expect(s.state.viewEnd == 1_200_000)  // fits both runs
    }

    @Test func cyclingSettings() {
        let c = WhatIfChoices(algorithms: ["ring", "tree", "ps"], gpuSets: [[0, 1], [0, 1, 2, 3]], messageSizes: [1, 2])
        let s = Fixtures.settings("ps")
        #expect(s.cycling(.algorithm, in: c)?.algorithm == "ring")
        #expect(s.cycling(.algorithm, in: c, backwards: true)?.algorithm == "tree")
        #expect(s.cycling(.gpus, in: c)?.gpus == [0, 1, 2, 3])
        #expect(s.cycling(.preset, in: c) == nil)
    }

    /// A knob without choices answers in words: the runner's reason when it gives one (message size on a
    /// training run), else the knob's readable name, never the Swift case name ("messageSize").
    @Test func knobWithoutChoicesExplainsItself() {
        let training = WhatIfChoices(algorithms: ["ring"], notApplicable: [.messageSize: "message size does not apply to training"])
        let trainingCtx = ReduceContext(prepared: prepared, choices: training)
        let said = start.reduced([.char("m")], trainingCtx).message
        #expect(said == "message size does not apply to training")
        let bare = ReduceContext(prepared: prepared, choices: WhatIfChoices(algorithms: ["ring"]))
        let plain = start.reduced([.char("m")], bare).message
        #expect(plain == "no choices for message size")
        #expect(start.reduced([.char("p")], bare).message == "no choices for hardware preset")
        #expect(WhatIfKnob.allCases.allSatisfy { $0.label != $0.rawValue || !$0.rawValue.contains(where: \.isUppercase) })
    }

    @Test func colourResolution() {
        #expect(ColorMode.resolve(noColorFlag: false, environment: ["NO_COLOR": "1"], stdoutIsTTY: true) == ColorMode.none)
        #expect(ColorMode.resolve(noColorFlag: false, environment: ["NO_COLOR": ""], stdoutIsTTY: true) == .auto)
        #expect(ColorMode.resolve(noColorFlag: true, environment: [:], stdoutIsTTY: true) == ColorMode.none)
        #expect(ColorMode.resolve(noColorFlag: false, environment: ["TERM": "dumb"], stdoutIsTTY: true) == ColorMode.none)
        #expect(ColorMode.resolve(noColorFlag: false, environment: [:], stdoutIsTTY: false) == ColorMode.none)
    }
}

/// The index that keeps frames O(cells × log n).
@Suite struct TrackIndexTests {
    @Test func spanLookupsAndPrefixSums() {
        let p = PreparedModel(Fixtures.model())
        let t = p.tracks[p.rows[0].track]  // GPU 0 compute: [0, 300us) forward, [300us, 700us) backward
        #expect(t.count == 2)
        #expect(t.spanAt(100_000) == 0)
        #expect(t.spanAt(300_000) == 1)
        #expect(t.spanAt(800_000) == nil)
        #expect(t.nearest(800_000) == 1)
        #expect(t.durationSum(0, 0, 2) == 700_000)
        #expect(t.lowerBound(300_000) == 1)
    }

    @Test func denseTimelineRendersEveryColumn() {
        let model = SyntheticDashboard.large(spans: 20_000, gpus: 2)
        let s = DashboardSession(model: model, runner: nil, options: DashboardOptions(color: .none, ascii: true))
        let lines = s.render(width: 120, height: 30, color: false).lines()
        // The comm lane spans the whole run: every data column (106 of them) shows a comm cell.
        let comm = lines.first { $0.hasSuffix("=") && $0.contains("comm") } ?? ""
        #expect(comm.filter { $0 == "=" }.count >= 100)
    }

    @Test func seriesAverage() {
        let s = SeriesIndex([CounterPoint(time: 0, value: 0), CounterPoint(time: 100, value: 1), CounterPoint(time: 200, value: 0)])
        #expect(s.average(0, 200) == 0.5)
        #expect(s.average(100, 150) == 1)
        #expect(s.average(300, 400) == 0)
    }
}

@Suite struct ModelFromTimelineTests {
    @Test func breakdownFromSpans() {
        let m = DashboardModel(timeline: Fixtures.twoGPUTimeline())
        #expect(m.gpus.count == 2)
        let g = m.gpus[0]
        #expect(abs(g.computeSeconds - 0.0007) < 1e-12)
        #expect(abs(g.communicationSeconds - 0.0004) < 1e-12)
        #expect(abs(g.overlapSeconds - 0.0002) < 1e-12)  // comm 500-900 us overlaps compute until 700 us
        #expect(m.collectives.first?.op == "allreduce")
        #expect(m.settings == nil)
    }
}
