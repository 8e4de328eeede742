import LinkscopeUnits

/// What kind of work a span is; drives colour, glyph and the breakdown tables.
public enum SpanCategory: UInt8, CaseIterable, Sendable, Hashable {
    case compute
    case communication
    case memory
    case other

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
    public var processSortIndex: Int
    /// Lane name, e.g. "compute", "comm", "stream 7", "gpu0->gpu1".
    public var lane: String
    public var laneSortIndex: Int
    /// GPU or rank number the track belongs to, when it has one.
    public var gpu: Int?
    /// Chrome-trace process and thread ids (stable integers).
    public var pid: Int
    public var tid: Int

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
    public var track: Int32
    public var name: Int32
    public var category: SpanCategory
    public var start: Int64
    public var duration: Int64
    /// Bytes moved (communication, memory) or 0.
    public var bytes: Int64
    /// Index into `Timeline.collectives`, or -1.
    public var collective: Int32
    /// Index into `Timeline.details`, or -1.
    public var detail: Int32

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

    public var end: Int64 { start + duration }
}

/// Extra facts about a span, shown in the details view and written as Chrome-trace args.
public struct SpanDetail: Sendable, Hashable {
    /// Ordered key/value pairs (stable order for deterministic output).
    public var fields: [(String, String)]
    public init(fields: [(String, String)]) { self.fields = fields }

    public static func == (a: SpanDetail, b: SpanDetail) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
    public func hash(into h: inout Hasher) {
        for (k, v) in fields {
            h.combine(k)
            h.combine(v)
        }
    }
    public subscript(key: String) -> String? { fields.first { $0.0 == key }?.1 }
}

/// One collective operation as a whole (for the collectives table and "jump to same collective").
public struct CollectiveRecord: Sendable, Hashable {
    public var name: String
    public var op: String
    public var algorithm: String
    public var gpus: [Int]
    public var bytes: Int64
    public var start: Int64
    public var end: Int64
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
    public var process: String
    public var processSortIndex: Int
    public var pid: Int
    public var name: String
    /// (time ns, value) points; the value holds until the next point.
    public var points: [CounterPoint]
    public init(process: String, processSortIndex: Int, pid: Int, name: String, points: [CounterPoint]) {
        self.process = process
        self.processSortIndex = processSortIndex
        self.pid = pid
        self.name = name
        self.points = points
    }
}

public struct CounterPoint: Sendable, Hashable {
    public var time: Int64
    public var value: Double
    public init(time: Int64, value: Double) {
        self.time = time
        self.value = value
    }
}

/// Everything that happened, as tracks of spans: the common currency of the simulator, the trace
/// readers, the Chrome-trace writer and the dashboard.
public struct Timeline: Sendable {
    public var title: String
    public var tracks: [Track] = []
    public var names: [String] = []
    public var spans: [Span] = []
    public var details: [SpanDetail] = []
    public var collectives: [CollectiveRecord] = []
    public var counters: [CounterSeries] = []
    /// Ordered metadata (version, scenario, source file).
    public var metadata: [(String, String)] = []
    private var nameIndex: [String: Int32] = [:]

    public init(title: String) { self.title = title }

    /// Interns a span name; the same string always gets the same index.
    public mutating func intern(_ name: String) -> Int32 {
        if let i = nameIndex[name] { return i }
        let i = Int32(names.count)
        names.append(name)
        nameIndex[name] = i
        return i
    }

    @discardableResult
    public mutating func addTrack(_ track: Track) -> Int32 {
        tracks.append(track)
        return Int32(tracks.count - 1)
    }

    public mutating func addDetail(_ detail: SpanDetail) -> Int32 {
        details.append(detail)
        return Int32(details.count - 1)
    }

    public mutating func add(_ span: Span) { spans.append(span) }

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
