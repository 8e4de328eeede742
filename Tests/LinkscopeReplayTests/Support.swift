import Foundation
import LinkscopeTimeline
import LinkscopeTraces

/// Hand-made Kineto traces: µs literals, one host thread, GPU pid 0 with tid = stream.
enum Hand {
    static func kernel(_ name: String, ts: Double, dur: Double, stream: Int = 7, corr: Int, args: String = "") -> String {
        let extra = args.isEmpty ? "" : ", " + args
        return #"{"ph": "X", "cat": "kernel", "name": "\#(name)", "pid": 0, "tid": \#(stream), "ts": \#(ts), "dur": \#(dur), "args": {"stream": \#(stream), "correlation": \#(corr), "device": 0\#(extra)}}"#
    }
    static func launch(ts: Double, corr: Int) -> String {
        #"{"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 100, "tid": 100, "ts": \#(ts), "dur": 2, "args": {"correlation": \#(corr)}}"#
    }
    static func step(_ n: Int, ts: Double, dur: Double) -> String {
        #"{"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#\#(n)", "pid": 100, "tid": 100, "ts": \#(ts), "dur": \#(dur)}"#
    }
    /// Three steps of 1000 µs at 0, 1000, 2000 (the third is dropped).
    static var steps: [String] { [step(1, ts: 0, dur: 1000), step(2, ts: 1000, dur: 1000), step(3, ts: 2000, dur: 1000)] }

    static func doc(_ events: [String], rank: Int = 0, worldSize: Int = 1) -> String {
        #"{"distributedInfo": {"backend": "nccl", "rank": \#(rank), "world_size": \#(worldSize)}, "traceEvents": [\#n"#
            + events.joined(separator: ",\n") + "\n]}"
    }

    static func trace(_ events: [String], rank: Int = 0, worldSize: Int = 1) throws -> RankTrace {
        try TraceReader.read(json: doc(steps + events, rank: rank, worldSize: worldSize), file: "rank-\(rank).json")
    }

    static func allReduceArgs(nelems: Int) -> String {
        #""Collective name": "allreduce", "In msg nelems": \#(nelems), "dtype": "Float", "Group size": 2, "Process Group Name": "0", "Process Group Ranks": "[0, 1]""#
    }
    static let allReduceName = "ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*, unsigned long, ncclWork*)"
}

extension Timeline {
    /// (start, end) in µs of the spans named `name` on rank `rank` (process "rank R"), in start order.
    func times(_ name: String, rank: Int = 0) -> [(Double, Double)] {
        spans.filter { names[Int($0.name)] == name && tracks[Int($0.track)].process == "rank \(rank)" }
            .sorted { $0.start < $1.start }
            .map { (Double($0.start) / 1e3, Double($0.end) / 1e3) }
    }
}

/// Where the shared Kineto traces live: `$LINKSCOPE_SHARED`, else `<package root>/../shared/traces`.
enum SharedTraces {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let directory: String? = {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["LINKSCOPE_SHARED"], !env.isEmpty { candidates.append(env) }
        candidates.append(packageRoot.appendingPathComponent("../shared/traces").standardized.path)
        for c in candidates where FileManager.default.fileExists(atPath: c + "/nccl_data.json.gz") { return c }
        return nil
    }()

    /// The path of a shared trace, or nil (and a skip message) when the traces are absent.
    static func path(_ name: String) -> String? {
        guard let d = directory, FileManager.default.fileExists(atPath: d + "/" + name) else {
            print("skip: shared trace \(name) not found; set LINKSCOPE_SHARED=/path/to/shared/traces")
            return nil
        }
        return d + "/" + name
    }
}
