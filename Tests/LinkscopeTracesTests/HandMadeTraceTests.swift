import Testing
import LinkscopeTimeline
@testable import LinkscopeTraces

/// Small traces written by hand, one per HTA rule (docs/trace-analysis.md §3).
struct HandMadeTraceTests {
    /// A kernel slice (GPU pid 0, tid = stream).
    static func kernel(_ name: String, ts: String, dur: String, stream: Int = 7, corr: Int, cat: String = "kernel") -> String {
        #"{"ph": "X", "cat": "\#(cat)", "name": "\#(name)", "pid": 0, "tid": \#(stream), "ts": \#(ts), "dur": \#(dur), "args": {"stream": \#(stream), "correlation": \#(corr), "device": 0}}"#
    }
    static func launch(ts: String, dur: String = "2", corr: Int, name: String = "cudaLaunchKernel") -> String {
        #"{"ph": "X", "cat": "cuda_runtime", "name": "\#(name)", "pid": 100, "tid": 100, "ts": \#(ts), "dur": \#(dur), "args": {"correlation": \#(corr), "External id": \#(corr)}}"#
    }
    static func step(_ n: Int, ts: String, dur: String) -> String {
        #"{"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#\#(n)", "pid": 100, "tid": 100, "ts": \#(ts), "dur": \#(dur)}"#
    }
    static func doc(_ events: [String], rank: Int? = 0, extra: String = "") -> String {
        let info = rank.map { #""distributedInfo": {"backend": "nccl", "rank": \#($0), "world_size": 2}, "# } ?? ""
        return "{\(info)\(extra)\"traceEvents\": [\n" + events.joined(separator: ",\n") + "\n]}"
    }

    func analyze(_ json: String, _ options: AnalysisOptions = .hta) throws -> RankAnalysis {
        let trace = try TraceReader.read(json: json, file: "hand.json")
        return try #require(TraceAnalysis(traces: [trace], options: options).ranks.first)
    }

    @Test func floatTimestampsUseCeilFloorRounding() throws {
        let json = Self.doc([
            Self.launch(ts: "1.5", corr: 1), Self.kernel("gemm", ts: "10.4", dur: "5.3", corr: 1),
            Self.launch(ts: "3.25", corr: 2), Self.kernel("gemm", ts: "20.0", dur: "0.5", corr: 2),
        ])
        let trace = try TraceReader.read(json: json)
        #expect(trace.hasFractionalTimestamps)
        #expect(trace.events[1].ts == 10_400 && trace.events[1].dur == 5_300, "exact ns from the µs literal")
        let r = try analyze(json, .raw)
        // ceil(10.4) = 11, floor(15.7) = 15; second kernel: ceil(20.0) = 20, floor(20.5) = 20 → dur 0.
        #expect(r.kernelTime == 9)
        #expect(r.computeTime == 4)
        #expect(r.idleTime == 5)
        var off = AnalysisOptions.raw
        off.roundTimestamps = false
        let unrounded = try analyze(json, off)
        #expect(abs(unrounded.kernelTime - 10.1) < 1e-9)
    }

    @Test func subMicrosecondEventCanGetNegativeDuration() throws {
        // ts 10.9, dur 0.05: ceil → 11, floor(10.95) → 10, dur −1 (HTA keeps it, no clamping).
        let json = Self.doc([Self.launch(ts: "1.5", corr: 1), Self.kernel("k", ts: "10.9", dur: "0.05", corr: 1),
                             Self.launch(ts: "2.5", corr: 2), Self.kernel("k", ts: "30.5", dur: "4", corr: 2)])
        let r = try analyze(json, .raw)
        #expect(r.kernelTime == 23)  // from 11 to floor(34.5) = 34
    }

    @Test func lastProfilerStepIsDropped() throws {
        let json = Self.doc([
            Self.step(1, ts: "0", dur: "100"), Self.step(2, ts: "100", dur: "100"),
            Self.launch(ts: "10", corr: 1), Self.kernel("gemm", ts: "20", dur: "10", corr: 1),
            Self.launch(ts: "110", corr: 2), Self.kernel("gemm", ts: "120", dur: "30", corr: 2),
        ])
        let hta = try analyze(json)
        #expect(hta.droppedLastStep)
        #expect(hta.kernelTime == 10)
        #expect(hta.gpuEventCount == 1)
        let raw = try analyze(json, .raw)
        #expect(raw.kernelTime == 130)
        #expect(raw.idleTime == 90)
        #expect(raw.gpuEventCount == 2)
    }

    @Test func singleProfilerStepFiltersNothing() throws {
        let json = Self.doc([
            Self.step(1, ts: "0", dur: "100"),
            Self.launch(ts: "10", corr: 1), Self.kernel("gemm", ts: "20", dur: "10", corr: 1),
            Self.launch(ts: "110", corr: 2), Self.kernel("gemm", ts: "120", dur: "30", corr: 2),
        ])
        let r = try analyze(json)
        #expect(!r.droppedLastStep)
        #expect(r.kernelTime == 130)
    }

    @Test func memoryKernelsAreNonCompute() throws {
        let json = Self.doc([
            Self.launch(ts: "0", corr: 1, name: "cudaMemcpyAsync"),
            Self.kernel("Memcpy HtoD (Pinned -> Device)", ts: "10", dur: "20", corr: 1, cat: "gpu_memcpy"),
            Self.launch(ts: "1", corr: 2), Self.kernel("gemm", ts: "25", dur: "25", corr: 2),
            Self.launch(ts: "2", corr: 3, name: "cudaMemsetAsync"),
            Self.kernel("Memset (Device)", ts: "60", dur: "10", corr: 3, cat: "gpu_memset"),
        ])
        let trace = try TraceReader.read(json: json)
        #expect(trace.events.filter { $0.kind == .memcpy }.count == 1)
        #expect(trace.events.filter { $0.kind == .memset }.count == 1)
        let r = try analyze(json, .raw)
        #expect(r.kernelTime == 60)
        #expect(r.computeTime == 25)
        #expect(r.idleTime == 10)
        #expect(r.nonComputeTime == 25)  // 15 of memcpy before the kernel + 10 of memset
        #expect(r.kernelTypes.contains { $0.label == "COMPUTATION overlapping MEMORY" && $0.sum == 5 })
        let timeline = TraceTimeline.timeline(from: [trace])
        #expect(timeline.spans.filter { $0.category == .memory }.count == 2)
        #expect(trace.launchingCalls()[2].map { trace.name(trace.events[$0]) } == "cudaLaunchKernel")
        let gemm = try #require(timeline.spans.first { timeline.name(of: $0) == "gemm" })
        let detail = timeline.details[Int(gemm.detail)]
        #expect(detail["launched by"] == "cudaLaunchKernel")
        #expect(detail["launch delay"] == "22 us", "a duration with its unit, not \"launch delay ns: 22000\"")
    }

    @Test func overlappingKernelsOnSeveralStreamsAreUnioned() throws {
        let json = Self.doc([
            Self.launch(ts: "0", corr: 1), Self.kernel("gemm", ts: "0", dur: "100", stream: 7, corr: 1),
            Self.launch(ts: "1", corr: 2),
            Self.kernel("ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*, unsigned long, ncclWork*)",
                        ts: "50", dur: "100", stream: 20, corr: 2),
            Self.launch(ts: "2", corr: 3), Self.kernel("relu", ts: "100", dur: "20", stream: 21, corr: 3),
        ])
        let r = try analyze(json, .raw)
        #expect(r.kernelTime == 150)
        #expect(r.idleTime == 0)
        #expect(r.computeTime == 120)  // [0,100] ∪ [100,120] touch and merge
        #expect(r.nonComputeTime == 30)
        #expect(r.commCompOverlapPct == 70)  // 70 of 100 µs of communication under compute
        let timeline = TraceTimeline.timeline(from: [try TraceReader.read(json: json)])
        #expect(timeline.tracks.map(\.lane) == ["stream 7", "stream 20", "stream 21"])
        #expect(timeline.collectives.count == 1)
        #expect(timeline.collectives.first?.op == "allreduce")
        #expect(timeline.collectives.first?.algorithm == "RING_LL")
    }

    @Test func noCommunicationGivesNoOverlap() throws {
        let r = try analyze(Self.doc([Self.launch(ts: "0", corr: 1), Self.kernel("gemm", ts: "0", dur: "10", corr: 1)]))
        #expect(r.commCompOverlapPct == nil)
        let json = TraceReport.json(TraceAnalysis(traces: [try TraceReader.read(json: Self.doc([]))]))
        #expect(json.serialized().contains("\"comm_comp_overlap_pct\": null"))
    }

    @Test func idleGapsAreClassified() throws {
        let json = Self.doc([
            Self.launch(ts: "0", corr: 1), Self.kernel("a", ts: "0", dur: "10", corr: 1),
            Self.launch(ts: "20", corr: 2), Self.kernel("b", ts: "25", dur: "10", corr: 2),   // host wait 15
            Self.launch(ts: "21", corr: 3), Self.kernel("c", ts: "40", dur: "10", corr: 3),   // kernel wait 5
            Self.launch(ts: "22", corr: 4), Self.kernel("d", ts: "100", dur: "10", corr: 4),  // other 50
        ])
        let r = try analyze(json, .raw)
        let s = try #require(r.idleBreakdown.first)
        #expect(s.stream == 7)
        #expect(s.hostWait == 15 && s.kernelWait == 5 && s.other == 50)
        #expect(s.present == ["host_wait", "kernel_wait", "other"])
    }

    @Test func orphanFlowEventsAreDropped() throws {
        let json = Self.doc([
            #"{"ph": "f", "id": 9, "pid": 0, "tid": 7, "ts": 5, "cat": "ac2g", "name": "ac2g", "bp": "e"}"#,
            #"{"ph": "s", "id": 1, "pid": 100, "tid": 100, "ts": 0, "cat": "ac2g", "name": "ac2g"}"#,
            #"{"ph": "f", "id": 1, "pid": 0, "tid": 7, "ts": 0, "cat": "ac2g", "name": "ac2g", "bp": "e"}"#,
            Self.launch(ts: "0", corr: 1), Self.kernel("a", ts: "0", dur: "10", corr: 1),
        ])
        let trace = try TraceReader.read(json: json)
        #expect(trace.orphanFlows == 1)
        #expect(trace.events.count == 2)
    }

    @Test func stringPidsAndTidsAndTopLevelArray() throws {
        let json = #"""
        [{"ph": "X", "cat": "Trace", "name": "PyTorch Profiler", "pid": "Spans", "tid": "PyTorch Profiler", "ts": 0, "dur": 10},
         {"ph": "X", "cat": "kernel", "name": "k", "pid": "0", "tid": "stream 7", "ts": 1, "dur": 2,
          "args": {"stream": "7", "correlation": 3, "grid": [1, 2, 3], "note": {"nested": [true, null]}}},
         {"ph": "X", "cat": "kernel", "name": "k2", "pid": 0, "tid": 7, "ts": 4, "dur": 2, "args": {"stream": "main", "correlation": 4}},
         {"ph": "M", "name": "thread_name", "pid": 0, "tid": 7, "args": {"name": "stream 7 "}}]
        """#
        let trace = try TraceReader.read(json: json, file: "job/rank_5.json")
        #expect(trace.rank == 5 && trace.rankSource == .fileName)
        #expect(trace.stringIDs.count == 4)
        #expect(trace.events[1].stream == 7)
        #expect(trace.events[2].stream == -1, "non-numeric stream is HTA's -1")
        #expect(trace.events[1].kind == .kernel)
        #expect(trace.args(trace.events[1]).contains { $0.0 == "grid" && $0.1 == .array([.int(1), .int(2), .int(3)]) })
        let r = try #require(TraceAnalysis(traces: [trace], options: .raw).ranks.first)
        #expect(r.gpuEventCount == 1)
    }

    @Test func rankSources() throws {
        #expect(try TraceReader.read(json: Self.doc([], rank: 3), file: "rank-9.json").rankSource == .distributedInfo)
        #expect(try TraceReader.read(json: Self.doc([], rank: 3), file: "rank-9.json").rank == 3)
        #expect(try TraceReader.read(json: Self.doc([], rank: nil), file: "x/rank-9.json.gz").rank == 9)
        let none = try TraceReader.read(json: Self.doc([], rank: nil), file: "trace.json")
        #expect(none.rank == 0 && none.rankSource == .fallback)
        #expect(TraceReader.rankFromFileName("/a/rank-2/worker_rank_12.pt.trace.json") == 12)
    }

    @Test func baseTimeNanosecondsShiftsTheTimeline() throws {
        let json = Self.doc([Self.launch(ts: "0", corr: 1), Self.kernel("a", ts: "5.5", dur: "1.25", corr: 1)],
                            extra: #""baseTimeNanoseconds": 1700000000000000000, "#)
        let trace = try TraceReader.read(json: json)
        #expect(trace.baseTimeNanoseconds == 1_700_000_000_000_000_000)
        let tl = TraceTimeline.timeline(from: [trace])
        #expect(tl.spans.count == 1 && tl.spans[0].start == 0 && tl.spans[0].duration == 1_250)
        #expect(tl.metadata.contains { $0.0 == "origin_ns" && $0.1 == "1700000000000005500" })
    }

    @Test func beginEndPairsBecomeSlicesButNotHTARows() throws {
        let json = Self.doc([
            #"{"ph": "B", "cat": "cpu_op", "name": "outer", "pid": 1, "tid": 1, "ts": 10}"#,
            #"{"ph": "E", "pid": 1, "tid": 1, "ts": 30.5}"#,
        ])
        let trace = try TraceReader.read(json: json)
        #expect(trace.events.count == 1 && trace.events[0].dur == 20_500 && trace.events[0].fromBeginEnd)
    }

    @Test func classifierRules() {
        let v05 = KernelClassifier(rules: .v0_5)
        let now = KernelClassifier(rules: .current)
        #expect(v05.type(of: "ncclDevKernel_AllReduce_Sum_f32_RING_LL(x)") == .communication)
        #expect(v05.type(of: "ncclAllReduce") == .computation, "0.5.0 needs 'Kernel' after 'nccl' for both tests")
        #expect(now.type(of: "ncclAllReduce") == .communication)
        #expect(v05.type(of: "Memcpy DtoD (Device -> Device)") == .memory)
        #expect(v05.type(of: "Event Sync") == .other)
        #expect(v05.type(of: "void at::native::vectorized_elementwise_kernel<4>") == .computation)
        #expect(now.type(of: "cudaLaunchKernel") == .other)
        #expect(now.type(of: "hipMemcpyAsync") == .communication, "^hip is checked first")
    }

    @Test func textAndJSONRenderers() throws {
        let json = Self.doc([Self.launch(ts: "0", corr: 1), Self.kernel("gemm<float>(int)", ts: "0", dur: "10", corr: 1)])
        let a = TraceAnalysis(traces: [try TraceReader.read(json: json)], options: .raw)
        let text = TraceReport.text(a)
        #expect(text.contains("Temporal breakdown"))
        #expect(text.contains("gemm"))
        let v = TraceReport.json(a)
        guard case .array(let ranks) = v, case .object(let fields)? = ranks.first else {
            Issue.record("expected an array of rank objects")
            return
        }
        #expect(Array(fields.prefix(9).map(\.0)) == ["rank", "kernel_time_us", "idle_time_us", "compute_time_us",
                                                     "non_compute_time_us", "idle_pct", "compute_pct",
                                                     "non_compute_pct", "comm_comp_overlap_pct"])
        #expect(TraceReport.shorten("void foo<int, 3>(float*, int)") == "void foo")
    }
}
