import Testing
import LinkscopeTimeline

/// The one interval union and per-GPU breakdown (Sim report, replays, trace analysis, dashboard), by hand.
struct IntervalUnionTests {
    @Test func mergesOverlappingAndTouchingIntervals() {
        let u = IntervalUnion<Int64>([(10, 20), (0, 5), (5, 8), (15, 30), (40, 41)])
        #expect(u.intervals.map { [$0.start, $0.end] } == [[0, 8], [10, 30], [40, 41]])
        #expect(u.length == 8 + 20 + 1)
    }

    @Test func dropsEmptyAndReversedIntervalsUnlessKept() {
        let raw: [(Double, Double)] = [(2, 1), (2, 5), (7, 7)]
        #expect(IntervalUnion(raw).intervals.map { [$0.start, $0.end] } == [[2, 5]])
        // HTA's rule: every interval as given, sorted by start (stable): (2, 1) opens a group that (2, 5) cannot
        // join (2 > 1), and the zero-length (7, 7) counts as a group of its own.
        let hta = IntervalUnion(raw, keepingEmpty: true)
        #expect(hta.intervals.map { [$0.start, $0.end] } == [[2, 1], [2, 5], [7, 7]])
        #expect(hta.length == -1 + 3 + 0)
    }

    @Test func intersectionLength() {
        let a = IntervalUnion<Int64>([(0, 10), (20, 30)])
        let b = IntervalUnion<Int64>([(5, 25), (29, 40)])
        #expect(a.intersectionLength(b) == 5 + 5 + 1)
        #expect(b.intersectionLength(a) == 11)
        #expect(a.intersectionLength(IntervalUnion([])) == 0)
    }

    @Test func breakdownByKind() {
        let b = ActivityBreakdown<Int64>([(0, 10, .compute), (5, 15, .communication), (20, 25, .memory),
                                          (30, 32, .other), (8, 9, .compute)])
        #expect(b[.compute].length == 10)
        #expect(b[.communication].length == 10)
        #expect(b[.memory].length == 5)
        #expect(b.overlap == 5)
        #expect(b.busy.length == 15 + 5 + 2)
        #expect(b.idle(from: 0, to: 40) == 40 - 22)
        #expect(b.idle(from: 0, to: 10) == 0)
    }
}
