/// Whether the loaded traces can be one job: analysing files of unrelated jobs together (two "rank 0"s,
/// different world sizes) would label rows ambiguously and rank stragglers across jobs.
extension TraceAnalysis {
    /// Reasons the traces do not look like the ranks of one job; empty when they do.
    public static func jobWarnings(_ traces: [RankTrace]) -> [String] {
        var warnings: [String] = []
        var files: [Int: [String]] = [:]
        for t in traces { files[t.rank, default: []].append(t.file) }
        for (rank, f) in files.sorted(by: { $0.key < $1.key }) where f.count > 1 {
            warnings.append("rank \(rank) appears in \(f.count) files (\(f.joined(separator: ", "))): they come from "
                            + "different jobs; rows are labelled by file and no straggler ranking is made")
        }
        let sizes = Set(traces.compactMap(\.worldSize))
        if sizes.count > 1 {
            warnings.append("the traces give different world sizes (\(sizes.sorted().map(String.init).joined(separator: ", "))): "
                            + "they come from different jobs")
        }
        return warnings
    }

    /// Row label of a rank: its number, with the file name when ranks repeat across files.
    public func label(_ r: RankAnalysis) -> String {
        ranks.filter({ $0.rank == r.rank }).count > 1 ? "\(r.rank) \(Self.baseName(r.file))" : String(r.rank)
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
