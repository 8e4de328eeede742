@testable import LinkscopeProfile
@testable import LinkscopeTraining
import LinkscopeJSON
import LinkscopeTimeline
import Testing

extension ProfileTests {
    /// `profile --format csv`: one row per phase in the JSON's order, then the iteration, with the JSON's numbers.
    @Test func csvRoundTripsTheJSONPhasesAndIteration() throws {
        let shape = RunShape(model: .mlp, workers: 2, sync: .ring, batch: 10, iterations: 2)
        let run = measuredRun(workers: 2, forward: 0.5, backward: 0.25, sync: 0.125)
        let comparison = try Profiler.compare(run: run, calibration: calibration(), shape: shape)
        let json = ProfileReport.json(comparison)
        let rows = CSVTable.parse(ProfileReport.csv(comparison))
        #expect(rows.first == ["name", "measured_s", "simulated_s", "error_pct"])
        guard case .array(let phases)? = json["phases"] else { Issue.record("no phases"); return }
        let objects = phases + [json["iteration"] ?? .null]
        let body = Array(rows.dropFirst())
        func name(_ o: JSONValue) -> String? { if case .string(let s)? = o["name"] { s } else { nil } }
        #expect(body.map { $0.first } == phases.map(name) + ["iteration"])
        #expect(body.count == objects.count)
        for (row, object) in zip(body, objects) {
            for (i, key) in ["measured_s", "simulated_s", "error_pct"].enumerated() {
                guard case .double(let want)? = object[key] else { Issue.record("\(key) is not a number"); continue }
                #expect(Double(row[i + 1]) == want, "\(row[0]).\(key)")
            }
        }
        #expect(body.last?[1] == "1", "the measured iteration is 1 s")
    }
}
