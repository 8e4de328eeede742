/// A union of time intervals: sorted by start, disjoint, touching intervals merged. One type for every
/// per-GPU breakdown (the simulator's report, both replays, the trace analysis, the dashboard), with integer
/// nanoseconds or `Double` seconds/microseconds as `Time`.
///
/// The merge rule is HTA's (docs/trace-analysis.md §3.4): sort by start (stable), a new group begins only
/// when a start is strictly after the running maximum end.
public struct IntervalUnion<Time: Comparable & AdditiveArithmetic & Sendable>: Sendable {
    /// The merged intervals, ascending and disjoint.
    public let intervals: [(start: Time, end: Time)]

    /// The union of `raw`. Empty and reversed intervals (end ≤ start) are dropped unless `keepingEmpty`,
    /// which keeps every interval as given, as HTA does with its rounded timestamps.
    /// - Complexity: O(n log n).
    @inlinable
    public init(_ raw: [(Time, Time)], keepingEmpty: Bool = false) {
        let sorted = (keepingEmpty ? raw : raw.filter { $0.1 > $0.0 }).sorted { $0.0 < $1.0 }
        guard var (lo, hi) = sorted.first else {
            intervals = []
            return
        }
        var merged: [(start: Time, end: Time)] = []
        merged.reserveCapacity(sorted.count / 2 + 1)
        for (s, e) in sorted.dropFirst() {
            if s > hi {
                merged.append((lo, hi))
                lo = s
                hi = e
            } else if e > hi {
                hi = e
            }
        }
        merged.append((lo, hi))
        intervals = merged
    }

    /// True when no interval is left.
    @inlinable public var isEmpty: Bool { intervals.isEmpty }

    /// Σ(end − start) over the merged intervals.
    /// - Complexity: O(n).
    @inlinable
    public var length: Time {
        var total = Time.zero
        for (s, e) in intervals { total += e - s }
        return total
    }

    /// Total length of the intersection with another union.
    /// - Complexity: O(n + m).
    @inlinable
    public func intersectionLength(_ other: IntervalUnion) -> Time {
        let a = intervals
        let b = other.intervals
        var i = 0
        var j = 0
        var total = Time.zero
        while i < a.count && j < b.count {
            let lo = max(a[i].start, b[j].start)
            let hi = min(a[i].end, b[j].end)
            if hi > lo { total += hi - lo }
            if a[i].end < b[j].end { i += 1 } else { j += 1 }
        }
        return total
    }
}

/// What a GPU was doing in one interval of a breakdown.
public enum ActivityKind: Int, Sendable, CaseIterable {
    /// Kernels doing arithmetic.
    case compute
    /// Collectives and point-to-point transfers.
    case communication
    /// Memory copies and sets.
    case memory
    /// Anything else the GPU ran: busy time, but none of the three above.
    case other
}

/// One GPU's time split by activity: the union per kind, the union of everything, and the overlap of compute
/// with communication. The trace analysis, both replays and the dashboard derive their per-GPU columns here.
public struct ActivityBreakdown<Time: Comparable & AdditiveArithmetic & Sendable>: Sendable {
    /// Union of each kind's intervals, indexed by `ActivityKind.rawValue`.
    public let unions: [IntervalUnion<Time>]
    /// Union of every interval given.
    public let busy: IntervalUnion<Time>

    /// The breakdown of `activities`, (start, end, kind) each. Order matters only with
    /// `keepingEmpty` (see `IntervalUnion.init`).
    /// - Complexity: O(n log n).
    @inlinable
    public init(_ activities: [(Time, Time, ActivityKind)], keepingEmpty: Bool = false) {
        var byKind = [[(Time, Time)]](repeating: [], count: ActivityKind.allCases.count)
        var all: [(Time, Time)] = []
        all.reserveCapacity(activities.count)
        for (start, end, kind) in activities {
            byKind[kind.rawValue].append((start, end))
            all.append((start, end))
        }
        unions = byKind.map { IntervalUnion($0, keepingEmpty: keepingEmpty) }
        busy = IntervalUnion(all, keepingEmpty: keepingEmpty)
    }

    /// The union of one kind's intervals.
    @inlinable
    public subscript(kind: ActivityKind) -> IntervalUnion<Time> { unions[kind.rawValue] }

    /// Time spent computing and communicating at once.
    /// - Complexity: O(n).
    @inlinable
    public var overlap: Time { self[.compute].intersectionLength(self[.communication]) }

    /// The part of [`start`, `end`] when nothing ran, never negative.
    @inlinable
    public func idle(from start: Time, to end: Time) -> Time {
        let idle = end - start - busy.length
        return idle > .zero ? idle : .zero
    }
}
