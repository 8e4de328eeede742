import Foundation
import Testing
import LinkscopeSim
import LinkscopeJSON
import LinkscopeTimeline

@Suite struct DeterminismTests {
    @Test func sameScenarioGivesByteIdenticalOutputs() throws {
        let url = packageRoot.appendingPathComponent("scenarios/custom-graph.yaml")
        let yaml = try String(contentsOf: url, encoding: .utf8)
        let a = try simulate(yaml, timeline: true)
        let b = try simulate(yaml, timeline: true)
        #expect(a.report.json.serialized() == b.report.json.serialized())
        #expect(a.traffic.serialized == b.traffic.serialized)
        let ta = try #require(a.timeline)
        let tb = try #require(b.timeline)
        #expect(ChromeTraceWriter.write(ta) == ChromeTraceWriter.write(tb))
    }
}

/// Every example scenario with a baseline in traces/ re-simulates to exactly the stored traffic.
@Suite struct TrafficBaselineTests {
    static let baselines: [String] = {
        let dir = packageRoot.appendingPathComponent("traces")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".traffic.json") }.sorted()
    }()

    @Test func everyExampleHasABaseline() throws {
        let scenarios = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("scenarios").path)
            .filter { $0.hasSuffix(".yaml") }
        #expect(scenarios.count >= 6)
        for s in scenarios {
            #expect(Self.baselines.contains(s.replacingOccurrences(of: ".yaml", with: ".traffic.json")), "no baseline for \(s)")
        }
    }

    @Test(arguments: baselines)
    func matchesBaseline(_ baseline: String) throws {
        let scenarioFile = "scenarios/" + baseline.replacingOccurrences(of: ".traffic.json", with: ".yaml")
        let yaml = try String(contentsOf: packageRoot.appendingPathComponent(scenarioFile), encoding: .utf8)
        let stored = try JSONValue.parse(String(contentsOf: packageRoot.appendingPathComponent("traces/" + baseline),
                                                encoding: .utf8))
        let run = try Simulator.run(load(yaml, file: scenarioFile), options: RunOptions(runSweep: false))
        let diffs = TrafficCheck.differences(baseline: stored, current: run.traffic.json)
        #expect(diffs.isEmpty, "\(diffs.prefix(10).map(\.description).joined(separator: "\n"))")
    }

    @Test func checkReportsEveryDifferenceByKey() throws {
        let a = try JSONValue.parse(#"{"gpus": [{"id": 0, "bytes_sent": 10}], "links": [], "linkscope_version": "1"}"#)
        let b = try JSONValue.parse(#"{"gpus": [{"id": 0, "bytes_sent": 12}], "links": [], "linkscope_version": "2", "x": 1}"#)
        let d = TrafficCheck.differences(baseline: a, current: b)
        #expect(d.map(\.key) == ["gpus[0].bytes_sent", "x"])
    }
}
