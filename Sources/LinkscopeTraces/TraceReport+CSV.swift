import LinkscopeTimeline

extension TraceReport {
    /// Columns of `analyze --format csv`: one row per rank, the scalar fields of the JSON report.
    public static let csvColumns = [
        "rank", "file", "rank_source", "gpu_events", "profiler_steps", "last_step_dropped", "kernel_time_us",
        "idle_time_us", "compute_time_us", "non_compute_time_us", "idle_pct", "compute_pct", "non_compute_pct",
        "comm_comp_overlap_pct",
    ]

    /// The per-rank temporal breakdown as CSV (docs/output-formats.md).
    public static func csv(_ a: TraceAnalysis) -> String {
        guard case .array(let ranks) = json(a) else { return CSVTable(columns: csvColumns).rendered }
        return CSVTable(columns: csvColumns, objects: ranks).rendered
    }
}
