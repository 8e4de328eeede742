import LinkscopeTimeline

/// HTA-compatible analysis of a set of per-rank traces (docs/trace-analysis.md §3).
///
/// ```swift
/// let traces = try paths.map { try TraceReader.read(path: $0) }
/// let analysis = TraceAnalysis(traces: traces)          // HTA semantics
/// print(TraceReport.text(analysis))
/// ```
public struct TraceAnalysis: Sendable {
    /// The options the analysis ran with.
    public var options: AnalysisOptions
    /// Per rank, by rank number.
    public var ranks: [RankAnalysis]
    /// Kernel-type table summed over all ranks, memory kernels included.
    public var kernelTypes: [KernelTypeShare]
    /// Ranks by lateness (latest first); empty for one rank or traces of different jobs.
    public var stragglers: [StragglerScore]
    /// Why the traces may not be one job (see `jobWarnings`); empty when they are.
    public var warnings: [String] = []

    /// Analyses `traces` (one per rank) with HTA's semantics unless `options` say otherwise.
    public init(traces: [RankTrace], options: AnalysisOptions = .hta) {
        self.options = options
        let classifier = KernelClassifier(rules: options.rules)
        // HTA counts distinct ProfilerStep names over every loaded rank.
        var stepNames = Set<String>()
        for t in traces {
            let candidates = Set(t.strings.indices.filter { Self.isProfilerStep(t.strings[$0]) }.map(Int32.init))
            guard !candidates.isEmpty else { continue }
            for e in t.events where e.category >= 0 && !e.fromBeginEnd && candidates.contains(e.name) {
                stepNames.insert(t.strings[Int(e.name)])
            }
        }
        let filter = options.dropLastProfilerStep && stepNames.count >= 2
        var ranks: [RankAnalysis] = []
        var typeSums: [String: Double] = [:]
        for t in traces.sorted(by: { $0.rank < $1.rank }) {
            let r = RankComputation(trace: t, options: options, classifier: classifier, filter: filter,
                                    stepNames: stepNames.count)
            ranks.append(r.result)
            for share in r.result.kernelTypes { typeSums[share.label, default: 0] += share.sum }
        }
        self.ranks = ranks
        let total = typeSums.values.reduce(0, +)
        self.kernelTypes = typeSums.map {
            KernelTypeShare(label: $0.key, sum: $0.value,
                            percentage: total > 0 ? HTAMath.round($0.value / total * 100, 1) : 0)
        }.sorted { $0.sum != $1.sum ? $0.sum > $1.sum : $0.label < $1.label }
        warnings = Self.jobWarnings(traces)
        // Lateness is only meaningful among the ranks of one job.
        self.stragglers = warnings.isEmpty ? Self.rankStragglers(ranks: ranks, computations: traces, options: options) : []
    }

    /// HTA's `"ProfilerStep" in name` (a plain substring test).
    static func isProfilerStep(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { p in
            let w: StaticString = "ProfilerStep"
            let n = w.utf8CodeUnitCount
            guard p.count >= n else { return false }
            var i = 0
            while i + n <= p.count {
                if p[i] == 0x50 {
                    var j = 1
                    while j < n && p[i + j] == w.utf8Start[j] { j += 1 }
                    if j == n { return true }
                }
                i += 1
            }
            return false
        }
    }

    static func rankStragglers(ranks: [RankAnalysis], computations: [RankTrace], options: AnalysisOptions) -> [StragglerScore] {
        guard ranks.count > 1 else { return [] }
        let classifier = KernelClassifier(rules: options.rules)
        var scores: [(Int, Double)] = []
        for t in computations {
            var first = Double.infinity
            var starts: [Double] = []
            var isComm = [UInt8](repeating: 0, count: t.strings.count)  // per name id: 0 not asked, 1 yes, 2 no
            for e in t.events where e.kind.isGPUActivity {
                first = min(first, e.tsMicros)
                let n = Int(e.name)
                if isComm[n] == 0 { isComm[n] = classifier.type(of: t.strings[n]) == .communication ? 1 : 2 }
                if isComm[n] == 1 { starts.append(e.tsMicros) }
            }
            guard !starts.isEmpty else { continue }
            scores.append((t.rank, starts.reduce(0, +) / Double(starts.count) - first))
        }
        guard !scores.isEmpty else { return [] }
        let mean = scores.map(\.1).reduce(0, +) / Double(scores.count)
        return scores.map { StragglerScore(rank: $0.0, lateness: $0.1 - mean) }
            .sorted { $0.lateness != $1.lateness ? $0.lateness > $1.lateness : $0.rank < $1.rank }
    }
}
