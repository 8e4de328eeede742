import LinkscopeTimeline

/// One timeline row: a track, with its label parts.
public struct TimelineRow: Sendable, Hashable {
    /// Index into `Timeline.tracks`.
    public var track: Int
    /// The track's group name.
    public var process: String
    /// The track's lane name.
    public var lane: String
    /// GPU or rank of the track, when it has one.
    public var gpu: Int?
    /// First lane of its process (the label shows the process name only here).
    public var firstOfProcess: Bool
}

/// Spans of one track, sorted by start, as parallel arrays (struct of arrays keeps the per-frame scan
/// cache-friendly). Built once per model.
public struct TrackIndex: Sendable {
    /// Start of each local span, nanoseconds, ascending.
    public let starts: [Int64]
    /// End of each local span, nanoseconds.
    public let ends: [Int64]
    /// `SpanCategory.rawValue` of each local span.
    public let categories: [UInt8]
    /// Index into `Timeline.spans` of each local span.
    public let ids: [Int32]
    /// `maxEndIndex[i]` is the local index of the span with the latest end among spans 0...i, so the span
    /// reaching furthest into a cell from the left is found in O(1) even when spans nest.
    public let maxEndIndex: [Int32]
    /// Per category c, prefix sums of durations: `durationPrefix[c * (count + 1) + i]` = sum over spans 0..<i.
    public let durationPrefix: [Int64]

    /// Number of spans on the track.
    public var count: Int { starts.count }

    init(spans: [Span], ids: [Int32]) {
        let sorted = ids.sorted {
            let a = spans[Int($0)], b = spans[Int($1)]
            return a.start != b.start ? a.start < b.start : a.duration < b.duration
        }
        let n = sorted.count
        var starts = [Int64](repeating: 0, count: n)
        var ends = [Int64](repeating: 0, count: n)
        var cats = [UInt8](repeating: 0, count: n)
        var maxIdx = [Int32](repeating: 0, count: n)
        let categoryCount = SpanCategory.allCases.count
        var prefix = [Int64](repeating: 0, count: categoryCount * (n + 1))
        var best: Int32 = 0
        for (i, id) in sorted.enumerated() {
            let s = spans[Int(id)]
            starts[i] = s.start
            ends[i] = s.end
            let c = Int(min(s.category.rawValue, UInt8(categoryCount - 1)))
            cats[i] = UInt8(c)
            if i == 0 || s.end > ends[Int(best)] { best = Int32(i) }
            maxIdx[i] = best
            for k in 0..<categoryCount {
                prefix[k * (n + 1) + i + 1] = prefix[k * (n + 1) + i] + (k == c ? max(0, s.duration) : 0)
            }
        }
        self.starts = starts
        self.ends = ends
        self.categories = cats
        self.ids = sorted
        self.maxEndIndex = maxIdx
        self.durationPrefix = prefix
    }

    /// First local index whose start is >= t (binary search).
    @inline(__always)
    public func lowerBound(_ t: Int64, from: Int = 0) -> Int {
        var lo = from, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if starts[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Sum of durations of category `c` over local spans lo..<hi.
    @inline(__always)
    func durationSum(_ c: Int, _ lo: Int, _ hi: Int) -> Int64 {
        let base = c * (starts.count + 1)
        return durationPrefix[base + hi] - durationPrefix[base + lo]
    }

    /// Local index of the span covering time `t` (the latest-starting one), or nil.
    public func spanAt(_ t: Int64) -> Int? {
        var i = lowerBound(t + 1) - 1
        while i >= 0 {
            if ends[i] > t { return i }
            let j = Int(maxEndIndex[i])
            if ends[j] <= t { return nil }
            i -= 1
        }
        return nil
    }

    /// Local index of the span nearest to `t` (covering it, else the closest edge), or nil when empty.
    public func nearest(_ t: Int64) -> Int? {
        if let i = spanAt(t) { return i }
        guard count > 0 else { return nil }
        let after = lowerBound(t)
        let before = after - 1
        if after >= count { return Int(maxEndIndex[count - 1]) }
        if before < 0 { return after }
        let j = Int(maxEndIndex[before])
        return (t - ends[j]) <= (starts[after] - t) ? j : after
    }
}

/// Time-weighted integral of a piecewise-constant series, for O(log n) averages over any window.
public struct SeriesIndex: Sendable {
    let times: [Int64]
    let values: [Double]
    let integral: [Double]

    init(_ points: [CounterPoint]) {
        let pts = points.sorted { $0.time < $1.time }
        times = pts.map(\.time)
        values = pts.map(\.value)
        var acc = [Double](repeating: 0, count: pts.count)
        for i in 1..<max(1, pts.count) {
            acc[i] = acc[i - 1] + values[i - 1] * Double(times[i] - times[i - 1])
        }
        integral = acc
    }

    /// Integral from the first point up to t.
    func integralTo(_ t: Int64) -> Double {
        guard let first = times.first, t > first else { return 0 }
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        let i = lo - 1
        return integral[i] + values[i] * Double(t - times[i])
    }

    /// Average value over [a, b).
    public func average(_ a: Int64, _ b: Int64) -> Double {
        guard b > a else { return 0 }
        return (integralTo(b) - integralTo(a)) / Double(b - a)
    }
}

/// A model plus the indexes the renderer needs, built once per model (O(n log n)), never per frame.
public final class PreparedModel: Sendable {
    /// The run itself.
    public let model: DashboardModel
    /// Timeline rows, in display order.
    public let rows: [TimelineRow]
    /// Indexed by track number.
    public let tracks: [TrackIndex]
    /// Earliest start and latest end (end > start even for an empty timeline).
    public let start: Int64
    /// Latest end, nanoseconds (greater than `start`).
    public let end: Int64
    /// Link order for the heat map: busiest (most bytes) first.
    public let linkOrder: [Int]
    /// Utilisation index of each link of `model.links`.
    public let linkSeries: [SeriesIndex]

    /// Builds every index of `model`.
    /// - Complexity: O(n log n) in spans and counter points.
    public init(_ model: DashboardModel) {
        self.model = model
        let tl = model.timeline
        var buckets = [[Int32]](repeating: [], count: tl.tracks.count)
        for (i, s) in tl.spans.enumerated() where s.track >= 0 && Int(s.track) < buckets.count {
            buckets[Int(s.track)].append(Int32(i))
        }
        tracks = buckets.map { TrackIndex(spans: tl.spans, ids: $0) }
        let order = tl.tracks.indices.sorted {
            let a = tl.tracks[$0], b = tl.tracks[$1]
            if a.processSortIndex != b.processSortIndex { return a.processSortIndex < b.processSortIndex }
            if a.process != b.process { return a.process < b.process }
            if a.laneSortIndex != b.laneSortIndex { return a.laneSortIndex < b.laneSortIndex }
            return $0 < $1
        }
        var rows: [TimelineRow] = []
        var lastProcess: String? = nil
        for t in order {
            let tr = tl.tracks[t]
            rows.append(TimelineRow(track: t, process: tr.process, lane: tr.lane, gpu: tr.gpu,
                                    firstOfProcess: tr.process != lastProcess))
            lastProcess = tr.process
        }
        self.rows = rows
        var lo = Int64.max, hi = Int64.min
        for t in tracks where t.count > 0 {
            lo = min(lo, t.starts[0])
            hi = max(hi, t.ends[Int(t.maxEndIndex[t.count - 1])])
        }
        if lo == Int64.max { lo = 0; hi = 1 }
        if hi <= lo { hi = lo + 1 }
        start = lo
        end = hi
        linkOrder = model.links.indices.sorted {
            model.links[$0].bytes != model.links[$1].bytes ? model.links[$0].bytes > model.links[$1].bytes : $0 < $1
        }
        linkSeries = model.links.map { SeriesIndex($0.series) }
    }

    /// Row number showing `track`, if any.
    public func row(ofTrack track: Int) -> Int? { rows.firstIndex { $0.track == track } }

    /// The span behind a (row, local index) reference.
    public func span(_ ref: SpanRef) -> Span? {
        guard ref.row >= 0, ref.row < rows.count else { return nil }
        let t = tracks[rows[ref.row].track]
        guard ref.local >= 0, ref.local < t.count else { return nil }
        return model.timeline.spans[Int(t.ids[ref.local])]
    }
}

/// A span named by its row and its index within the row's sorted track.
public struct SpanRef: Sendable, Hashable {
    /// Timeline row.
    public var row: Int
    /// Index of the span within its row's `TrackIndex`.
    public var local: Int
    /// A reference to span `local` of row `row`.
    public init(row: Int, local: Int) {
        self.row = row
        self.local = local
    }
}

/// Which names match the current filter, per track as prefix counts (so "any match in this cell" is O(1)).
/// Built once per filter change (O(spans)).
public struct FilterIndex: Sendable {
    /// The filter as typed (a regex, or a substring when it does not parse).
    public let pattern: String
    /// Per track: matchPrefix[i] = matching spans among local 0..<i.
    let matchPrefix: [[Int32]]
    /// How many distinct span names match.
    public let matchingNames: Int

    /// Matches `pattern` against every span name of `prepared`.
    /// - Complexity: O(names + spans).
    public init(pattern: String, prepared: PreparedModel) {
        self.pattern = pattern
        let names = prepared.model.timeline.names
        let regex = try? Regex(pattern).ignoresCase()
        let lower = pattern.lowercased()
        let matches: [Bool] = names.map { name in
            if let regex { return (try? regex.firstMatch(in: name)) != nil }
            return name.lowercased().contains(lower)
        }
        matchingNames = matches.filter { $0 }.count
        let spans = prepared.model.timeline.spans
        matchPrefix = prepared.tracks.map { t in
            var p = [Int32](repeating: 0, count: t.count + 1)
            for i in 0..<t.count {
                let nameIndex = Int(spans[Int(t.ids[i])].name)
                let m = nameIndex >= 0 && nameIndex < matches.count && matches[nameIndex]
                p[i + 1] = p[i] + (m ? 1 : 0)
            }
            return p
        }
    }

    func any(track: Int, _ lo: Int, _ hi: Int) -> Bool {
        let p = matchPrefix[track]
        return hi > lo && p[hi] - p[lo] > 0
    }

    func matches(track: Int, local: Int) -> Bool {
        let p = matchPrefix[track]
        return p[local + 1] - p[local] > 0
    }
}
