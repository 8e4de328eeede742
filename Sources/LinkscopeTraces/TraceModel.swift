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
    /// What the slice is, from its category.
    public var kind: TraceEventKind
    /// Index into `RankTrace.strings`.
    public var name: Int32
    /// Index into `RankTrace.strings`, or -1 when the event has no `cat`.
    public var category: Int32
    /// Start and duration in integer ns, exact from the µs literal (three decimals), counted from the
    /// file's own zero (add `RankTrace.baseTimeNanoseconds` for absolute time).
    public var ts: Int64
    /// Duration in integer ns (see `ts`).
    public var dur: Int64
    /// The literals as Double µs, for HTA's ceil/floor rounding (docs/trace-analysis.md §3.2).
    public var tsMicros: Double
    /// The duration literal as Double µs.
    public var durMicros: Double
    /// Process id (string pids are numbered, see `RankTrace.stringIDs`).
    public var pid: Int64
    /// Thread id (string tids are numbered likewise).
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

    /// `ts + dur`, ns.
    public var end: Int64 { ts + dur }
}

/// A `ph:"C"` sample.
public struct TraceCounterSample: Sendable {
    /// Process id.
    public var pid: Int64
    /// The counter's name.
    public var name: String
    /// Sample time, ns.
    public var ts: Int64
    /// The series and their values, as written.
    public var values: [(String, Double)]
}

/// Everything linkscope keeps from one trace file (one rank).
public struct RankTrace: Sendable {
    /// The file read.
    public var file: String
    /// The rank (see `rankSource`).
    public var rank: Int
    /// Where `rank` came from.
    public var rankSource: RankSource
    /// `distributedInfo.world_size`, when given.
    public var worldSize: Int?
    /// `baseTimeNanoseconds` of the file: add it to `ts` for absolute time.
    public var baseTimeNanoseconds: Int64?
    /// `displayTimeUnit` as written.
    public var displayTimeUnit: String?
    /// Some `ts` literal has a fraction: HTA then applies its ns rounding rule.
    public var hasFractionalTimestamps = false
    /// Interned names and categories; `TraceEvent.name` and `category` index here.
    public var strings: [String] = []
    /// Every complete slice (`X`, or a `B`/`E` pair), in file order.
    public var events: [TraceEvent] = []
    /// Full `args` of the events that kept them (`TraceEvent.args` indexes here).
    public var args: [[(String, JSONValue)]] = []
    /// `process_name` metadata per pid.
    public var processNames: [Int64: String] = [:]
    /// `process_sort_index` metadata per pid.
    public var processSortIndex: [Int64: Int] = [:]
    /// `thread_name` metadata per thread.
    public var threadNames: [ThreadKey: String] = [:]
    /// `thread_sort_index` metadata per thread.
    public var threadSortIndex: [ThreadKey: Int] = [:]
    /// Extra `M` thread args (our writer stores a track's GPU there).
    public var threadGPU: [ThreadKey: Int] = [:]
    /// Metadata events in file order (for rebuilding tracks in order).
    public var threadOrder: [ThreadKey] = []
    /// `C` samples in file order.
    public var counters: [TraceCounterSample] = []
    /// `otherData` as written (our own output carries its metadata and collectives there).
    public var otherData: JSONValue?
    /// String pids/tids and the integers they were given.
    public var stringIDs: [String: Int64] = [:]
    /// Number of `f` flow events without a matching `s` (dropped).
    public var orphanFlows = 0

    /// A thread: pid and tid.
    public struct ThreadKey: Sendable, Hashable {
        /// Process id.
        public var pid: Int64
        /// Thread id.
        public var tid: Int64
        /// The thread `tid` of process `pid`.
        public init(pid: Int64, tid: Int64) {
            self.pid = pid
            self.tid = tid
        }
    }

    /// An empty trace of `file`, rank 0.
    public init(file: String) {
        self.file = file
        self.rank = 0
        self.rankSource = .fallback
    }

    /// An event's name.
    public func name(_ e: TraceEvent) -> String { strings[Int(e.name)] }
    /// An event's category, nil when it has none.
    public func category(_ e: TraceEvent) -> String? { e.category >= 0 ? strings[Int(e.category)] : nil }
    /// An event's full args; empty when they were not kept.
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
