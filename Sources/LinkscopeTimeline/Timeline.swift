import LinkscopeUnits

/// What kind of work a span is; drives colour, glyph and the breakdown tables.
public enum SpanCategory: UInt8, CaseIterable, Sendable, Hashable {
    case compute
    case communication
    case memory
    case other

    /// The category as reports and the dashboard print it.
    public var name: String {
        switch self {
        case .compute: return "compute"
        case .communication: return "communication"
        case .memory: return "memory"
        case .other: return "other"
        }
    }

    /// Colour-independent glyph (docs/dashboard.md).
    public var glyph: Character {
        switch self {
        case .compute: return "#"
        case .communication: return "="
        case .memory: return "~"
        case .other: return "+"
        }
    }
}

/// A row of the timeline: one lane of one process (a GPU's compute lane, a CUDA stream, a link).
public struct Track: Sendable, Hashable {
    /// Group name, e.g. "GPU 3" or "rank 1" or "links nvlink".
    public var process: String
    /// Position of the group among groups (Chrome trace `process_sort_index`).
    public var processSortIndex: Int
    /// Lane name, e.g. "compute", "comm", "stream 7", "gpu0->gpu1".
    public var lane: String
    /// Position of the lane within its group (Chrome trace `thread_sort_index`).
    public var laneSortIndex: Int
    /// GPU or rank number the track belongs to, when it has one.
    public var gpu: Int?
    /// Chrome-trace process and thread ids (stable integers).
    public var pid: Int
    /// Chrome-trace thread id (with `pid`, the track's identity in the trace file).
    public var tid: Int

    /// A track; see the properties for each field.
    public init(process: String, processSortIndex: Int, lane: String, laneSortIndex: Int, gpu: Int?,
                pid: Int, tid: Int) {
        self.process = process
        self.processSortIndex = processSortIndex
        self.lane = lane
        self.laneSortIndex = laneSortIndex
        self.gpu = gpu
        self.pid = pid
        self.tid = tid
    }
}

/// One interval on a track. Times are integer nanoseconds from the timeline's origin, so output is
/// exact and byte-identical across runs. Names live in `Timeline.names` to keep spans small.
public struct Span: Sendable, Hashable {
    /// Index into `Timeline.tracks`.
    public var track: Int32
    /// Index into `Timeline.names` (see `Timeline.intern`).
    public var name: Int32
    /// What kind of work the span is.
    public var category: SpanCategory
    /// Start, integer nanoseconds from the timeline's origin.
    public var start: Int64
    /// Length, integer nanoseconds.
    public var duration: Int64
    /// Bytes moved (communication, memory) or 0.
    public var bytes: Int64
    /// Index into `Timeline.collectives`, or -1.
    public var collective: Int32
    /// Index into `Timeline.details`, or -1.
    public var detail: Int32

    /// A span; bytes 0 and no collective or detail unless given.
    public init(track: Int32, name: Int32, category: SpanCategory, start: Int64, duration: Int64,
                bytes: Int64 = 0, collective: Int32 = -1, detail: Int32 = -1) {
        self.track = track
        self.name = name
        self.category = category
        self.start = start
        self.duration = duration
        self.bytes = bytes
        self.collective = collective
        self.detail = detail
    }

    /// `start + duration`, nanoseconds.
    public var end: Int64 { start + duration }
}

/// Extra facts about a span, shown in the details view and written as Chrome-trace args.
public struct SpanDetail: Sendable, Hashable {
    /// Ordered key/value pairs (stable order for deterministic output).
    public var fields: [(String, String)]
    /// Details with these fields, in this order.
    public init(fields: [(String, String)]) { self.fields = fields }

    /// Equal when the same fields come in the same order.
    public static func == (a: SpanDetail, b: SpanDetail) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
    /// Hashes the fields in order (consistent with `==`).
    public func hash(into h: inout Hasher) {
        for (k, v) in fields {
            h.combine(k)
            h.combine(v)
        }
    }
    /// The value of the first field named `key`.
    /// - Complexity: O(number of fields).
    public subscript(key: String) -> String? { fields.first { $0.0 == key }?.1 }
}

/// One collective operation as a whole (for the collectives table and "jump to same collective").
public struct CollectiveRecord: Sendable, Hashable {
    /// Display name (the scenario entry or trace label of the collective).
    public var name: String
    /// Operation name as the source spells it (`allreduce`, or a trace's NCCL kernel op).
    public var op: String
    /// Algorithm name (`ring`, `tree`, ...), or what the trace recorded.
    public var algorithm: String
    /// GPU (or rank) numbers taking part, in rank order.
    public var gpus: [Int]
    /// Message size in bytes.
    public var bytes: Int64
    /// Start, nanoseconds from the timeline's origin.
    public var start: Int64
    /// End, nanoseconds from the timeline's origin.
    public var end: Int64
    /// A collective record; see the properties for each field.
    public init(name: String, op: String, algorithm: String, gpus: [Int], bytes: Int64, start: Int64, end: Int64) {
        self.name = name
        self.op = op
        self.algorithm = algorithm
        self.gpus = gpus
        self.bytes = bytes
        self.start = start
        self.end = end
    }
}

/// A counter track (link utilisation, queue length): piecewise-constant values.
public struct CounterSeries: Sendable, Hashable {
    /// Group name the counter is drawn under (e.g. "links nvlink").
    public var process: String
    /// Position of the group among groups.
    public var processSortIndex: Int
    /// Chrome-trace process id of the group.
    public var pid: Int
    /// Counter name (a link such as "gpu0->gpu1").
    public var name: String
    /// (time ns, value) points; the value holds until the next point.
    public var points: [CounterPoint]
    /// A counter series; see the properties for each field.
    public init(process: String, processSortIndex: Int, pid: Int, name: String, points: [CounterPoint]) {
        self.process = process
        self.processSortIndex = processSortIndex
        self.pid = pid
        self.name = name
        self.points = points
    }
}

/// One step of a counter: from `time` on, the counter reads `value`.
public struct CounterPoint: Sendable, Hashable {
    /// Nanoseconds from the timeline's origin.
    public var time: Int64
    /// The counter's value from `time` until the next point (utilisation 0-1, or a count).
    public var value: Double
    /// A point at `time` with `value`.
    public init(time: Int64, value: Double) {
        self.time = time
        self.value = value
    }
}

/// Everything that happened, as tracks of spans: the common currency of the simulator, the trace
/// readers, the Chrome-trace writer and the dashboard.
public struct Timeline: Sendable {
    /// Title shown by the dashboard and written to the trace's metadata.
    public var title: String
    /// Rows, indexed by `Span.track`.
    public var tracks: [Track] = []
    /// Interned span names, indexed by `Span.name`.
    public var names: [String] = []
    /// Every interval; canonical order after `sortSpans()`.
    public var spans: [Span] = []
    /// Span details, indexed by `Span.detail`.
    public var details: [SpanDetail] = []
    /// Collectives as a whole, indexed by `Span.collective`.
    public var collectives: [CollectiveRecord] = []
    /// Counter tracks (link utilisation).
    public var counters: [CounterSeries] = []
    /// Ordered metadata (version, scenario, source file).
    public var metadata: [(String, String)] = []
    private var nameIndex: [String: Int32] = [:]

    /// An empty timeline.
    public init(title: String) { self.title = title }

    /// Interns a span name; the same string always gets the same index.
    public mutating func intern(_ name: String) -> Int32 {
        if let i = nameIndex[name] { return i }
        let i = Int32(names.count)
        names.append(name)
        nameIndex[name] = i
        return i
    }

    /// Appends a track and returns its index (for `Span.track`).
    @discardableResult
    public mutating func addTrack(_ track: Track) -> Int32 {
        tracks.append(track)
        return Int32(tracks.count - 1)
    }

    /// Appends span details and returns their index (for `Span.detail`).
    public mutating func addDetail(_ detail: SpanDetail) -> Int32 {
        details.append(detail)
        return Int32(details.count - 1)
    }

    /// Appends a span (call `sortSpans()` before output).
    /// - Complexity: O(1) amortised.
    public mutating func add(_ span: Span) { spans.append(span) }

    /// The span's name string.
    public func name(of span: Span) -> String { names[Int(span.name)] }

    /// Earliest start and latest end over all spans (0...0 when empty).
    public var bounds: (start: Int64, end: Int64) {
        guard let first = spans.first else { return (0, 0) }
        var lo = first.start
        var hi = first.end
        for s in spans {
            lo = min(lo, s.start)
            hi = max(hi, s.end)
        }
        return (lo, hi)
    }

    /// Sorts spans by (track, start, end, name) so every consumer sees one canonical order.
    public mutating func sortSpans() {
        spans.sort {
            if $0.track != $1.track { return $0.track < $1.track }
            if $0.start != $1.start { return $0.start < $1.start }
            if $0.duration != $1.duration { return $0.duration < $1.duration }
            return $0.name < $1.name
        }
    }
}
