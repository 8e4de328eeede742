import Foundation
import Testing
@testable import LinkscopeTimeline

struct ChromeTraceWriterTests {
    static func timeline() -> Timeline {
        var tl = Timeline(title: "t")
        tl.metadata = [("seed", "1")]
        let t = tl.addTrack(Track(process: "rank 1 / GPU 1", processSortIndex: 1, lane: "compute", laneSortIndex: 0, gpu: 1, pid: 1, tid: 0))
        tl.collectives.append(CollectiveRecord(name: "ar", op: "allreduce", algorithm: "ring", gpus: [0, 1], bytes: 64, start: 0, end: 10))
        tl.add(Span(track: t, name: tl.intern("k"), category: .compute, start: 1_500, duration: 999))
        tl.add(Span(track: t, name: tl.intern("ar"), category: .communication, start: 2_499, duration: 10, bytes: 64, collective: 0))
        tl.counters.append(CounterSeries(process: "rank 1 / GPU 1", processSortIndex: 1, pid: 1, name: "queue", points: [CounterPoint(time: 7, value: 2.5)]))
        return tl
    }

    @Test func microsecondsHaveExactlyThreeDecimals() {
        #expect(ChromeTraceWriter.micros(0) == "0.000")
        #expect(ChromeTraceWriter.micros(1) == "0.001")
        #expect(ChromeTraceWriter.micros(1_500) == "1.500")
        #expect(ChromeTraceWriter.micros(-1_050) == "-1.050")
        #expect(ChromeTraceWriter.micros(1_682_725_898_237_042_123) == "1682725898237042.123")
        #expect(ChromeTraceWriter.micros(Int64.min) == "-9223372036854775.808")
    }

    @Test func layoutFollowsTheExportRecipe() {
        let s = ChromeTraceWriter.write(Self.timeline())
        #expect(s.hasPrefix("{\"otherData\": {\"generator\": \"linkscope\", \"title\": \"t\", \"metadata\": {\"seed\": \"1\"}"))
        #expect(s.contains("\"displayTimeUnit\": \"ns\""))
        #expect(s.contains(#"{"ph": "M", "name": "process_name", "pid": 1, "tid": 0, "args": {"name": "rank 1 / GPU 1"}}"#))
        #expect(s.contains(#"{"ph": "M", "name": "process_sort_index", "pid": 1, "tid": 0, "args": {"sort_index": 1}}"#))
        #expect(s.contains(#"{"ph": "M", "name": "thread_name", "pid": 1, "tid": 0, "args": {"name": "compute", "gpu": 1}}"#))
        #expect(s.contains(#"{"ph": "M", "name": "thread_sort_index", "pid": 1, "tid": 0, "args": {"sort_index": 0}}"#))
        #expect(s.contains(#"{"ph": "X", "name": "k", "cat": "compute", "pid": 1, "tid": 0, "ts": 1.500, "dur": 0.999}"#))
        #expect(s.contains(#""ts": 2.499, "dur": 0.010, "args": {"bytes": 64, "collective": "allreduce", "algorithm": "ring", "collective_index": 0}}"#))
        #expect(s.contains(#"{"ph": "C", "name": "queue", "pid": 1, "ts": 0.007, "args": {"value": 2.5}}"#))
        #expect(s.hasSuffix("\n]}\n"))
        #expect(s.components(separatedBy: "process_name").count == 2, "one process_name per pid")
    }

    @Test func outputIsByteIdentical() {
        #expect(ChromeTraceWriter.write(Self.timeline()) == ChromeTraceWriter.write(Self.timeline()))
    }

    @Test func emptyTimeline() {
        let s = ChromeTraceWriter.write(Timeline(title: ""))
        #expect(s.contains("\"traceEvents\": [\n]}"))
    }
}
