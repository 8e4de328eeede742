/// The one definition of iterations and kernel kinds that `analyze`, `view` and `replay` share, so that the same
/// trace gives them the same compute/communication split and the same ProfilerSteps (docs/trace-analysis.md).
extension TraceAnalysis {
    /// Indices of a trace's ProfilerStep events, as HTA finds them: host slices (not GPU activity) with a
    /// category other than "Trace", not from B/E pairs, whose name contains "ProfilerStep".
    public static func profilerStepEvents(in t: RankTrace) -> [Int] {
        let traceCategory = t.strings.firstIndex(of: "Trace").map(Int32.init) ?? -2
        var isStep = [Bool](repeating: false, count: t.strings.count)
        for (i, s) in t.strings.enumerated() where isProfilerStep(s) { isStep[i] = true }
        return t.events.indices.filter { i in
            let e = t.events[i]
            return e.category >= 0 && e.category != traceCategory && !e.fromBeginEnd
                && !(e.stream >= 0 && e.correlation >= 0) && isStep[Int(e.name)]
        }
    }
}

extension KernelClassifier {
    /// The rules every command uses: HTA 0.5.0, which `analyze` reproduces exactly.
    public static let standard = KernelClassifier(rules: .v0_5)
}
