import Testing
import LinkscopeTimeline
@testable import LinkscopeTraces

/// Timeline → ChromeTraceWriter → TraceReader → Timeline gives the same timeline.
struct RoundTripTests {
    static func sampleTimeline() -> Timeline {
        var tl = Timeline(title: "ring \"all-reduce\"")
        tl.metadata = [("linkscope", "0.1"), ("scenario", "dgx1"), ("seed", "7")]
        let a = tl.addTrack(Track(process: "rank 0 / GPU 0", processSortIndex: 0, lane: "compute", laneSortIndex: 0, gpu: 0, pid: 0, tid: 1))
        let b = tl.addTrack(Track(process: "rank 0 / GPU 0", processSortIndex: 0, lane: "nccl", laneSortIndex: 1, gpu: 0, pid: 0, tid: 2))
        let c = tl.addTrack(Track(process: "links", processSortIndex: 100, lane: "gpu0->gpu1", laneSortIndex: 0, gpu: nil, pid: 100, tid: 0))
        tl.collectives.append(CollectiveRecord(name: "allreduce#0", op: "allreduce", algorithm: "ring", gpus: [0, 1],
                                               bytes: 1 << 20, start: 1_000, end: 9_001))
        let d = tl.addDetail(SpanDetail(fields: [("step", "3"), ("protocol", "Simple"), ("note", "tab\there")]))
        tl.add(Span(track: a, name: tl.intern("fwd"), category: .compute, start: 0, duration: 1_000))
        tl.add(Span(track: b, name: tl.intern("allreduce"), category: .communication, start: 1_000, duration: 8_001,
                    bytes: 1 << 20, collective: 0, detail: d))
        tl.add(Span(track: c, name: tl.intern("chunk 1"), category: .memory, start: 1_234_567_891, duration: 1, bytes: 5))
        tl.add(Span(track: a, name: tl.intern("odd"), category: .other, start: -5, duration: 0))
        tl.counters.append(CounterSeries(process: "links", processSortIndex: 100, pid: 100, name: "gpu0->gpu1 GB/s",
                                         points: [CounterPoint(time: 0, value: 0), CounterPoint(time: 1_000, value: 23.4375),
                                                  CounterPoint(time: 9_001, value: 0.1)]))
        tl.counters.append(CounterSeries(process: "queue", processSortIndex: 200, pid: 200, name: "depth",
                                         points: [CounterPoint(time: 5, value: 3)]))
        return tl
    }

    static func expectEquivalent(_ a: Timeline, _ b: Timeline) throws {
        #expect(a.title == b.title)
        #expect(a.tracks == b.tracks)
        #expect(a.metadata.map { "\($0.0)=\($0.1)" } == b.metadata.map { "\($0.0)=\($0.1)" })
        #expect(a.collectives == b.collectives)
        #expect(a.counters == b.counters)
        try #require(a.spans.count == b.spans.count)
        for (x, y) in zip(a.spans, b.spans) {
            #expect(x.track == y.track && x.start == y.start && x.duration == y.duration && x.category == y.category)
            #expect(x.bytes == y.bytes && x.collective == y.collective)
            #expect(a.name(of: x) == b.name(of: y))
            let dx = x.detail >= 0 ? a.details[Int(x.detail)] : SpanDetail(fields: [])
            let dy = y.detail >= 0 ? b.details[Int(y.detail)] : SpanDetail(fields: [])
            #expect(dx == dy, "\(dx.fields) vs \(dy.fields)")
        }
    }

    @Test func timelineSurvivesWriteAndRead() throws {
        let tl = Self.sampleTimeline()
        let json = ChromeTraceWriter.write(tl)
        let trace = try TraceReader.read(json: json, file: "sim.json")
        #expect(trace.isLinkscopeOutput)
        let back = TraceTimeline.timeline(from: [trace])
        try Self.expectEquivalent(tl, back)
        #expect(ChromeTraceWriter.write(back) == json, "writing the read-back timeline gives the same bytes")
    }

    @Test func severalExportsMerge() throws {
        let tl = Self.sampleTimeline()
        let json = ChromeTraceWriter.write(tl)
        let a = try TraceReader.read(json: json, file: "a.json")
        let b = try TraceReader.read(json: json, file: "b.json")
        let merged = TraceTimeline.timeline(from: [a, b])
        #expect(merged.tracks.count == 2 * tl.tracks.count)
        #expect(merged.spans.count == 2 * tl.spans.count)
        #expect(merged.collectives.count == 2)
        let second = merged.spans[tl.spans.count + 1]
        #expect(second.collective == 1 && second.track == Int32(tl.tracks.count) + 1)
        #expect(merged.name(of: second) == "allreduce")
    }
}
