import Foundation
import Testing
import LinkscopeUnits
import LinkscopeTimeline
@testable import LinkscopeTraces

/// Malformed, truncated and random input must end in a `TraceError`, never a crash.
struct ReaderRobustnessTests {
    static let sample = HandMadeTraceTests.doc([
        HandMadeTraceTests.step(1, ts: "0", dur: "100"),
        HandMadeTraceTests.launch(ts: "10.125", corr: 1),
        HandMadeTraceTests.kernel("ncclKernel_SendRecv_RING_SIMPLE_Sum_int8_t(ncclWorkElem)", ts: "20.5", dur: "10", corr: 1),
        #"{"ph": "M", "name": "process_name", "pid": 0, "args": {"name": "GPU \"0\" \u00e9 \ud83d\ude00"}}"#,
    ])

    @Test func sameResultWhateverTheChunkSize() throws {
        let whole = try TraceReader.read(json: Self.sample)
        #expect(whole.processNames[0] == "GPU \"0\" é 😀")
        for size in [1, 2, 3, 5, 7, 64] {
            let t = try TraceReader.read(json: Self.sample, chunkSize: size)
            #expect(t.events.count == whole.events.count)
            #expect(zip(t.events, whole.events).allSatisfy { $0.ts == $1.ts && $0.dur == $1.dur && $0.name == $1.name })
            #expect(t.processNames == whole.processNames)
        }
    }

    @Test func everyTruncationThrowsWithAnOffset() {
        let bytes = Array(Self.sample.utf8)
        for n in 0..<bytes.count {
            do {
                _ = try TraceReader.read(bytes: Array(bytes[0..<n]), file: "cut.json", chunkSize: 7)
                Issue.record("prefix of \(n) bytes parsed")
            } catch let e as TraceError {
                #expect(e.file == "cut.json")
                #expect(e.offset <= n)
                #expect(e.line != nil)
            } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
    }

    @Test func syntaxErrorsNameLineAndColumn() throws {
        let bad = "{\"traceEvents\": [\n{\"ph\": \"X\", \"ts\": 1},\n{\"ph\": \"X\" \"ts\": 2}\n]}"
        let e = try #require(throws: TraceError.self) { try TraceReader.read(json: bad, file: "bad.json") }
        #expect(e.kind == .syntax)
        #expect(e.line == 3)
        #expect(e.column == 12)
        #expect(e.description.hasPrefix("bad.json:3:12: error:"))
    }

    @Test func errorsInFilesNameLineAndColumn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("linkscope-bad-\(getpid()).json").path
        try "{\"traceEvents\": [\n  {\"ph\": \"X\"},\n  {\"ph\": tru}\n]}".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let e = try #require(throws: TraceError.self) { try TraceReader.read(path: path) }
        #expect(e.line == 3 && e.column == 13, "\(e)")
        #expect(e.description.hasPrefix(path + ":3:13: error: invalid literal"))
    }

    @Test func notATrace() {
        for doc in ["42", "\"x\"", "{\"a\": 1}", "", "   ", "[1, 2] x", "{\"traceEvents\": 3}"] {
            #expect(throws: TraceError.self, "\(doc)") { try TraceReader.read(json: doc) }
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func randomBytesNeverCrash(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let alphabet = Array("{}[]\":,0123456789.eE-+ \ntrufalsn\\abcX".utf8)
        for _ in 0..<300 {
            let n = Int.random(in: 0..<200, using: &rng)
            let useAlphabet = Bool.random(using: &rng)
            let bytes = (0..<n).map { _ in
                useAlphabet ? alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] : UInt8.random(in: 0...255, using: &rng)
            }
            do { _ = try TraceReader.read(bytes: bytes, chunkSize: Int.random(in: 1...16, using: &rng)) } catch is TraceError {
            } catch { Issue.record("unexpected error \(error)") }
        }
    }

    @Test(arguments: [11, 12, 13])
    func mutatedTracesNeverCrash(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let base = Array(Self.sample.utf8)
        for _ in 0..<300 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: i)
                default: bytes.insert(bytes[Int.random(in: 0..<bytes.count, using: &rng)], at: i)
                }
            }
            do {
                let t = try TraceReader.read(bytes: bytes, chunkSize: 5)
                _ = TraceAnalysis(traces: [t])
                _ = TraceTimeline.timeline(from: [t])
            } catch is TraceError {
            } catch { Issue.record("unexpected error \(error)") }
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = "{\"traceEvents\": [{\"args\": " + String(repeating: "[", count: 100_000) + "]}]}"
        #expect(throws: TraceError.self) { try TraceReader.read(json: deep) }
    }

    @Test func numbersAreExact() throws {
        let json = #"{"traceEvents": [{"ph": "X", "cat": "c", "name": "n", "pid": 1, "tid": 1, "ts": 1682725898237042.125, "dur": 1e3}, {"ph": "X", "cat": "c", "name": "n", "pid": 1, "tid": 1, "ts": -0.0005, "dur": 0.0015}]}"#
        let t = try TraceReader.read(json: json)
        #expect(t.events[0].ts == 1_682_725_898_237_042_125)
        #expect(t.events[0].dur == 1_000_000)
        #expect(t.events[1].ts == -1)
        #expect(t.events[1].dur == 2)
    }
}
