/// Interval helpers with HTA's merge rule (docs/trace-analysis.md §3.4): sort by start, a new group starts only
/// when a start is strictly after the running maximum end, so touching intervals merge.
enum Intervals {
    /// Merged, sorted, disjoint intervals.
    static func merge(_ intervals: [(Double, Double)]) -> [(Double, Double)] {
        guard !intervals.isEmpty else { return [] }
        let sorted = intervals.sorted { $0.0 < $1.0 }
        var out: [(Double, Double)] = []
        out.reserveCapacity(sorted.count / 2 + 1)
        var (lo, hi) = sorted[0]
        for (s, e) in sorted.dropFirst() {
            if s > hi {
                out.append((lo, hi))
                lo = s
                hi = e
            } else if e > hi {
                hi = e
            }
        }
        out.append((lo, hi))
        return out
    }

    /// Σ(end − start) over merged intervals.
    static func busy(_ merged: [(Double, Double)]) -> Double {
        var total = 0.0
        for (s, e) in merged { total += e - s }
        return total
    }

    /// Total length of the intersection of two merged (disjoint, sorted) sets.
    static func intersection(_ a: [(Double, Double)], _ b: [(Double, Double)]) -> Double {
        var i = 0
        var j = 0
        var total = 0.0
        while i < a.count && j < b.count {
            let lo = max(a[i].0, b[j].0)
            let hi = min(a[i].1, b[j].1)
            if hi > lo { total += hi - lo }
            if a[i].1 < b[j].1 { i += 1 } else { j += 1 }
        }
        return total
    }

    /// numpy's `round(x, decimals)`: scale, round half to even, unscale.
    static func roundHTA(_ x: Double, _ decimals: Int) -> Double {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (x * scale).rounded(.toNearestOrEven) / scale
    }
}
