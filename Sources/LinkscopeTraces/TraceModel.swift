import LinkscopeJSON

/// Where a trace's rank number came from (docs/trace-analysis.md §2.1).
public enum RankSource: String, Sendable {
    /// `distributedInfo.rank` in the file.
    case distributedInfo = "distributedInfo.rank"
    /// A `rank-N` / `rank_N` pattern in the file name.
    case fileName = "file name"
    /// Neither: rank 0.
    case fallback = "default (0)"
    /// Our own Chrome-trace output (`otherData`).
    case linkscope = "linkscope otherData"
}

/// What a slice is, from its category (docs/trace-analysis.md §2.3, §2.10).
public enum TraceEventKind: UInt8, Sendable {
    /// `kernel` / legacy `Kernel` with stream and correlation.
    case kernel
    /// `gpu_memcpy` / legacy `Memcpy`.
    case memcpy
    /// `gpu_memset` / legacy `Memset`.
    case memset
    /// Other GPU-side slices: `gpu_user_annotation`, `cuda_sync`, GPU categories missing stream or correlation.
    case gpuOther
    /// `cuda_runtime` / `cuda_driver` calls (`cudaLaunchKernel`, …).
    case runtime
    /// `cpu_op`, `python_function` and other host slices.
    case cpu
    /// `user_annotation` (including `ProfilerStep#N`).
    case annotation

    /// True for kernels, memcpy and memset: the activity a GPU stream executes.
    public var isGPUActivity: Bool { self == .kernel || self == .memcpy || self == .memset }
}

/// One slice of a trace, compact: strings live in `RankTrace.strings`, full args (when kept) in
/// `RankTrace.args`.
public struct TraceEvent: Sendable {
    public var kind: TraceEventKind
    /// Index into `RankTrace.strings`.
    public var name: Int32
    /// Index into `RankTrace.strings`, or -1 when the event has no `cat`.
    public var category: Int32
    /// Start and duration in integer ns, exact from the µs literal (three decimals), counted from the
    /// file's own zero (add `RankTrace.baseTimeNanoseconds` for absolute time).
    public var ts: Int64
    public var dur: Int64
    /// The literals as Double µs, for HTA's ceil/floor rounding (docs/trace-analysis.md §3.2).
    public var tsMicros: Double
    public var durMicros: Double
    public var pid: Int64
    public var tid: Int64
    /// `args.stream` as HTA normalises it (-1 when missing or non-numeric).
    public var stream: Int64
    /// `args.correlation`, -1 when missing.
    public var correlation: Int64
    /// `args["External id"]`, -1 when missing.
    public var externalID: Int64
    /// `args.bytes`, 0 when missing.
    public var bytes: Int64
    /// Index into `RankTrace.args`, or -1 when the args were not kept.
    public var args: Int32
    /// Built from a `B`/`E` pair rather than an `X` slice (HTA ignores these).
    public var fromBeginEnd: Bool

    public var end: Int64 { ts + dur }
}

/// A `ph:"C"` sample.
public struct TraceCounterSample: Sendable {
    public var pid: Int64
    public var name: String
    public var ts: Int64
    public var values: [(String, Double)]
}

/// Everything linkscope keeps from one trace file (one rank).
public struct RankTrace: Sendable {
    public var file: String
    public var rank: Int
    public var rankSource: RankSource
    public var worldSize: Int?
    public var baseTimeNanoseconds: Int64?
    public var displayTimeUnit: String?
    /// Some `ts` literal has a fraction: HTA then applies its ns rounding rule.
    public var hasFractionalTimestamps = false
    public var strings: [String] = []
    public var events: [TraceEvent] = []
    public var args: [[(String, JSONValue)]] = []
    public var processNames: [Int64: String] = [:]
    public var processSortIndex: [Int64: Int] = [:]
    public var threadNames: [ThreadKey: String] = [:]
    public var threadSortIndex: [ThreadKey: Int] = [:]
    /// Extra `M` thread args (our writer stores a track's GPU there).
    public var threadGPU: [ThreadKey: Int] = [:]
    /// Metadata events in file order (for rebuilding tracks in order).
    public var threadOrder: [ThreadKey] = []
    public var counters: [TraceCounterSample] = []
    /// `otherData` as written (our own output carries its metadata and collectives there).
    public var otherData: JSONValue?
    /// String pids/tids and the integers they were given.
    public var stringIDs: [String: Int64] = [:]
    /// Number of `f` flow events without a matching `s` (dropped).
    public var orphanFlows = 0

    public struct ThreadKey: Sendable, Hashable {
        public var pid: Int64
        public var tid: Int64
        public init(pid: Int64, tid: Int64) {
            self.pid = pid
            self.tid = tid
        }
    }

    public init(file: String) {
        self.file = file
        self.rank = 0
        self.rankSource = .fallback
    }

    public func name(_ e: TraceEvent) -> String { strings[Int(e.name)] }
    public func category(_ e: TraceEvent) -> String? { e.category >= 0 ? strings[Int(e.category)] : nil }
    public func args(_ e: TraceEvent) -> [(String, JSONValue)] { e.args >= 0 ? args[Int(e.args)] : [] }

    /// Launch → kernel links: correlation id → index (in `events`) of the runtime call that carries it
    /// (`cudaLaunchKernel`, `cudaMemcpyAsync`, …; the last one wins, as in HTA).
    public func launchingCalls() -> [Int64: Int] {
        var map: [Int64: Int] = [:]
        for (i, e) in events.enumerated() where e.kind == .runtime && e.correlation >= 0 { map[e.correlation] = i }
        return map
    }

    /// True when the file is linkscope's own Chrome-trace output.
    public var isLinkscopeOutput: Bool {
        if case .string(let g)? = otherData?["generator"] { return g == "linkscope" }
        return false
    }
}
