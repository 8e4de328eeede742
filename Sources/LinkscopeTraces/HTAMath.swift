/// HTA's arithmetic where it differs from plain Swift. Interval unions are `IntervalUnion` (LinkscopeTimeline)
/// with `keepingEmpty`, HTA's merge rule (docs/trace-analysis.md §3.4).
enum HTAMath {
    /// numpy's `round(x, decimals)`: scale, round half to even, unscale.
    static func round(_ x: Double, _ decimals: Int) -> Double {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (x * scale).rounded(.toNearestOrEven) / scale
    }
}
