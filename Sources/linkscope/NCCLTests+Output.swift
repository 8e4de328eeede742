import LinkscopeJSON
import LinkscopeTimeline

/// One size of a predicted nccl-tests run.
struct NCCLTestsRow {
    var size: Int64
    /// Microseconds, as nccl-tests prints it.
    var time: Double
    /// GB/s, GB = 1e9 B.
    var algbw: Double
    var busbw: Double
    var algorithm: String
    var proto: String
    var channels: Int
}

/// The JSON and CSV renderings of `linkscope nccl-tests` (schema: docs/output-formats.md).
struct NCCLTestsOutput {
    var operation: String
    var preset: String
    var nodes: Int
    var gpus: Int
    var collectives: String
    var type: String
    var typeSize: Int
    /// nccl-tests counts elements per rank for all_gather, reduce_scatter and alltoall.
    var perRank: Bool
    var redop: String
    /// -1 (nccl-tests' "no root") is written as null.
    var root: Int
    /// The --compare file, if any.
    var compare: String?

    static let columns = ["size_bytes", "count", "type", "redop", "root", "time_us", "algbw_gbps", "busbw_gbps",
                          "algorithm", "protocol", "channels", "measured_time_us", "measured_busbw_gbps",
                          "time_error_pct"]

    /// One object per size; the measured columns are null without --compare or when the run lacks the size.
    func objects(_ rows: [NCCLTestsRow], measured: [Int64: (time: Double, busbw: Double)]?) -> [JSONValue] {
        rows.map { r in
            let m = measured?[r.size]
            let error: JSONValue = m.map { $0.time > 0 ? .double((r.time / $0.time - 1) * 100) : .null } ?? .null
            return .object([
                ("size_bytes", .int(r.size)),
                ("count", .int(r.size / Int64(typeSize) / Int64(perRank ? gpus : 1))),
                ("type", .string(type)), ("redop", .string(redop)),
                ("root", root >= 0 ? .int(Int64(root)) : .null),
                ("time_us", .double(r.time)), ("algbw_gbps", .double(r.algbw)), ("busbw_gbps", .double(r.busbw)),
                ("algorithm", .string(r.algorithm)), ("protocol", .string(r.proto)),
                ("channels", .int(Int64(r.channels))),
                ("measured_time_us", m.map { .double($0.time) } ?? .null),
                ("measured_busbw_gbps", m.map { .double($0.busbw) } ?? .null),
                ("time_error_pct", error),
            ])
        }
    }

    func json(_ rows: [NCCLTestsRow], measured: [Int64: (time: Double, busbw: Double)]?) -> JSONValue {
        let avg = rows.isEmpty ? 0 : rows.reduce(0) { $0 + $1.busbw } / Double(rows.count)
        var comparison = JSONValue.null
        if let measured, let compare {
            let errors = rows.compactMap { r in measured[r.size].flatMap { $0.time > 0 ? abs(r.time / $0.time - 1) * 100 : nil } }
            comparison = .object([
                ("file", .string(compare)), ("sizes", .int(Int64(errors.count))),
                ("mean_abs_error_pct", errors.isEmpty ? .null : .double(errors.reduce(0, +) / Double(errors.count))),
                ("max_abs_error_pct", errors.max().map { .double($0) } ?? .null),
            ])
        }
        return .object([
            ("operation", .string(operation)), ("preset", .string(preset)), ("nodes", .int(Int64(nodes))),
            ("gpus", .int(Int64(gpus))), ("collectives", .string(collectives)),
            ("rows", .array(objects(rows, measured: measured))),
            ("avg_busbw_gbps", .double(avg)),
            ("comparison", comparison),
        ])
    }

    func csv(_ rows: [NCCLTestsRow], measured: [Int64: (time: Double, busbw: Double)]?) -> String {
        CSVTable(columns: Self.columns, objects: objects(rows, measured: measured)).rendered
    }
}
