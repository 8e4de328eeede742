import Foundation
import Testing
import LinkscopeTimeline
@testable import LinkscopeTraces

/// `TraceReader.read(paths:)`: many ranks' files read by a bounded task group, the same as one after another.
struct ConcurrentReadTests {
    static func write(_ text: String, _ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("linkscope-\(getpid())-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func doc(rank: Int) -> String {
        HandMadeTraceTests.doc([
            HandMadeTraceTests.step(1, ts: "0", dur: "100"),
            HandMadeTraceTests.launch(ts: "10", corr: rank + 1),
            HandMadeTraceTests.kernel("gemm_\(rank)", ts: "\(20 + rank)", dur: "10", corr: rank + 1),
            HandMadeTraceTests.step(2, ts: "100", dur: "50"),
        ], rank: rank)
    }

    @Test func resultsInInputOrderWithErrorsInPlace() async throws {
        var paths: [String] = []
        for r in 0..<5 { paths.append(try Self.write(Self.doc(rank: r), "rank\(r).json")) }
        paths.insert(try Self.write("{\"traceEvents\": [ {\"ph\": tru} ]}", "bad.json"), at: 2)
        defer { for p in paths { try? FileManager.default.removeItem(atPath: p) } }
        let serial = paths.map { p in Result { try TraceReader.read(path: p) } }
        for limit in [1, 2, 3, 8] {
            let parallel = await TraceReader.read(paths: paths, maxConcurrent: limit)
            #expect(parallel.count == paths.count)
            for (a, b) in zip(serial, parallel) {
                switch (a, b) {
                case (.success(let x), .success(let y)):
                    #expect(x.file == y.file && x.rank == y.rank && x.events.count == y.events.count)
                    #expect(x.strings == y.strings && x.events.map(\.ts) == y.events.map(\.ts))
                case (.failure(let x as TraceError), .failure(let y as TraceError)):
                    #expect(x == y)
                default:
                    Issue.record("serial and parallel reads disagree on \(a) vs \(b)")
                }
            }
        }
    }

    @Test func withoutArgsTheAnalysisIsTheSame() throws {
        let text = ReaderRobustnessTests.sample
        let path = try Self.write(text, "args.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let full = try TraceReader.read(path: path)
        let lean = try TraceReader.read(path: path, keepingArgs: false)
        #expect(full.args.count > lean.args.count)
        #expect(lean.processNames == full.processNames)
        #expect(lean.events.map(\.correlation) == full.events.map(\.correlation))
        #expect(lean.events.map(\.stream) == full.events.map(\.stream))
        let a = TraceReport.json(TraceAnalysis(traces: [full])).serialized()
        let b = TraceReport.json(TraceAnalysis(traces: [lean])).serialized()
        #expect(a == b)
    }
}

/// The synchronous form off the main thread (a test runs on a pool thread): serial, never waiting on the pool.
struct ConcurrentReadSyncTests {
    @Test func synchronousFormOffTheMainThreadReadsInOrder() throws {
        var paths: [String] = []
        for r in 0..<3 { paths.append(try ConcurrentReadTests.write(ConcurrentReadTests.doc(rank: r), "sync\(r).json")) }
        defer { for p in paths { try? FileManager.default.removeItem(atPath: p) } }
        let traces = try TraceReader.read(paths: paths, maxConcurrent: 2).map { try $0.get() }
        #expect(traces.map(\.rank) == [0, 1, 2])
    }
}
