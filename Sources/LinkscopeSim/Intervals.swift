/// Sorted, disjoint intervals; union and intersection lengths for the per-GPU breakdown.
struct IntervalSet {
    private(set) var merged: [(Double, Double)] = []

    init(_ raw: [(Double, Double)]) {
        let sorted = raw.filter { $0.1 > $0.0 }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        for (s, e) in sorted {
            if let last = merged.last, s <= last.1 {
                merged[merged.count - 1].1 = max(last.1, e)
            } else {
                merged.append((s, e))
            }
        }
    }

    var length: Double { merged.reduce(0) { $0 + ($1.1 - $1.0) } }

    /// Total length of the intersection with another set. - Complexity: O(n + m).
    func intersectionLength(_ other: IntervalSet) -> Double {
        var i = 0
        var j = 0
        var total = 0.0
        let a = merged
        let b = other.merged
        while i < a.count && j < b.count {
            let lo = max(a[i].0, b[j].0)
            let hi = min(a[i].1, b[j].1)
            if hi > lo { total += hi - lo }
            if a[i].1 < b[j].1 { i += 1 } else { j += 1 }
        }
        return total
    }
}
