import Foundation
import LinkscopeJSON
import LinkscopeTimeline

/// Text, JSON and CSV renderings of a `ProfileComparison`.
public enum ProfileReport {
    public static func text(_ c: ProfileComparison) -> String {
        func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1e3) }
        func pct(_ p: Double) -> String { String(format: "%+.1f %%", p) }
        var rows = [("phase", "measured", "simulated", "error")]
        for p in c.phases + [c.iteration] { rows.append((p.name, ms(p.measured), ms(p.simulated), pct(p.errorPercent))) }
        let w0 = rows.map(\.0.count).max() ?? 0, w1 = rows.map(\.1.count).max() ?? 0
        let w2 = rows.map(\.2.count).max() ?? 0, w3 = rows.map(\.3.count).max() ?? 0
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return left ? s + fill : fill + s
        }
        var out = "linkscope profile: \(c.title)\n"
        out += "measured: median over \(c.steadyIterations) of \(c.iterations) iterations (the first ones warm up); "
        out += "simulated on the calibrated preset of this machine\n\n"
        for (i, r) in rows.enumerated() {
            out += pad(r.0, w0, left: true) + "  " + pad(r.1, w1) + "  " + pad(r.2, w2) + "  " + pad(r.3, w3) + "\n"
            if i == 0 { out += String(repeating: "-", count: w0 + w1 + w2 + w3 + 6) + "\n" }
        }
        out += "\n"
        out += String(format: "throughput: %.0f samples/s measured, %.0f simulated\n", c.measuredSamplesPerSecond,
                      c.simulatedSamplesPerSecond)
        if let g = c.allreduceGBps { out += String(format: "gradient sync: %.2f GB/s bus bandwidth (measured)\n", g) }
        out += String(format: "training: loss %.3f → %.3f, accuracy %.1f %% → %.1f %%\n", c.lossFirst, c.lossLast,
                      c.accuracyFirst * 100, c.accuracyLast * 100)
        return out
    }

    /// One phase as the JSON `phases` objects and the CSV rows write it.
    static func row(_ p: PhaseComparison) -> JSONValue {
        .object([("name", .string(p.name)), ("measured_s", .double(p.measured)), ("simulated_s", .double(p.simulated)),
                 ("error_pct", .double(p.errorPercent))])
    }

    /// The CSV columns: one row per phase, then the whole iteration (`name` = `iteration`).
    public static let csvColumns = ["name", "measured_s", "simulated_s", "error_pct"]

    /// One row per phase and a last `iteration` row, with the numbers of the JSON output (docs/output-formats.md).
    public static func csv(_ c: ProfileComparison) -> String {
        CSVTable(columns: csvColumns, objects: (c.phases + [c.iteration]).map(row)).rendered
    }

    public static func json(_ c: ProfileComparison) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("title", .string(c.title)),
            ("iteration", .object([("measured_s", .double(c.iteration.measured)),
                                   ("simulated_s", .double(c.iteration.simulated)),
                                   ("error_pct", .double(c.iteration.errorPercent))])),
            ("phases", .array(c.phases.map(row))),
            ("samples_per_s", .double(c.measuredSamplesPerSecond)),
            ("simulated_samples_per_s", .double(c.simulatedSamplesPerSecond)),
            ("allreduce_gbps", c.allreduceGBps.map { .double($0) } ?? .null),
            ("iterations", .int(Int64(c.iterations))),
            ("steady_iterations", .int(Int64(c.steadyIterations))),
            ("loss", .object([("first", .double(c.lossFirst)), ("last", .double(c.lossLast))])),
            ("accuracy", .object([("first", .double(c.accuracyFirst)), ("last", .double(c.accuracyLast))])),
        ]
        fields.append(("preset", .string(c.preset)))
        return .object(fields)
    }
}
