import Foundation
import LinkscopeScenario
import LinkscopeSim
import LinkscopeTimeline
import Testing

/// Sweeps on several cores (`Simulator.run(_:options:workers:)`) and split over processes (`SweepShare`,
/// `SweepWire`, what `mpirun` ranks do) give the serial run's report, trace and traffic byte for byte.
@Suite struct SweepConcurrencyTests {
    /// Examples with sweeps: plain points, training iterations, and failing points (fragmented-dgx1 has GPU
    /// sets some algorithms cannot serve), so error rows must keep their places too.
    static let examples = ["fragmented-dgx1.yaml", "ps-vs-ring-dgx1.yaml", "ch12-straggler.yaml"]

    static func example(_ name: String) throws -> Scenario {
        let file = "scenarios/" + name
        return try load(String(contentsOf: packageRoot.appendingPathComponent(file), encoding: .utf8), file: file)
    }

    static let options = RunOptions(recordTimeline: true, recordLinkHistory: true)

    /// Everything `simulate` can print or write for one run.
    static func outputs(_ run: SimulationRun) -> [String] {
        [run.report.text, run.report.json.serialized(), run.report.csv, run.traffic.serialized,
         run.timeline.map(ChromeTraceWriter.write) ?? "no timeline"]
    }

    @Test(arguments: examples)
    func concurrentRunIsByteIdenticalToSerial(_ name: String) async throws {
        let scenario = try Self.example(name)
        #expect(scenario.sweep.count >= 3)
        let serial = Self.outputs(try Simulator.run(scenario, options: Self.options))
        for workers in [2, 3, 16] {
            let concurrent = try await Simulator.run(scenario, options: Self.options, workers: workers)
            #expect(concurrent.report.sweep.count == scenario.sweep.count)
            #expect(Self.outputs(concurrent) == serial, "\(name) with \(workers) workers")
        }
    }

    @Test func failingPointsKeepTheirRowsInOrder() async throws {
        let scenario = try Self.example("fragmented-dgx1.yaml")
        let serial = try Simulator.run(scenario).report.sweep
        let concurrent = try await Simulator.run(scenario, options: RunOptions(), workers: 4).report.sweep
        #expect(serial.contains { $0.error != nil }, "the example no longer has a failing point")
        #expect(concurrent.map(\.error) == serial.map(\.error))
        #expect(concurrent.map { $0.parameters.map(\.1) } == serial.map { $0.parameters.map(\.1) })
    }

    @Test func sharesCoverEveryRunExactlyOnce() {
        for ranks in 1...5 {
            let shares = (0..<ranks).map { SweepShare.of(rank: $0, ranks: ranks, points: 11) }
            #expect(shares.filter(\.includesMain).count == 1)
            #expect(shares[0].includesMain)
            #expect(shares.flatMap(\.points).sorted() == Array(0..<11))
            // Main run plus 11 points = 12 items: no rank holds more than its round-robin due.
            #expect(shares.map { $0.points.count + ($0.includesMain ? 1 : 0) }.max() == (12 + ranks - 1) / ranks)
        }
        #expect(SweepShare.of(rank: 1, ranks: 2, points: 4) == SweepShare(includesMain: false, points: [0, 2]))
        #expect(SweepShare.of(rank: 0, ranks: 2, points: 4) == SweepShare(includesMain: true, points: [1, 3]))
    }

    /// What `mpirun -np N` does, without MPI: each rank runs its share, its rows travel as bytes, rank 0 merges.
    @Test(arguments: [2, 3])
    func sharesMergedOverTheWireGiveTheSerialReport(_ ranks: Int) async throws {
        let scenario = try Self.example("fragmented-dgx1.yaml")
        let serial = Self.outputs(try Simulator.run(scenario, options: Self.options))
        var main: SimulationRun?
        var rows: [(index: Int, result: SweepResult)] = []
        for rank in 0..<ranks {
            let share = SweepShare.of(rank: rank, ranks: ranks, points: scenario.sweep.count)
            let partial = await Simulator.run(scenario, options: Self.options, share: share, workers: 2)
            #expect((partial.main != nil) == (rank == 0))
            if let m = partial.main { main = try m.get() }
            rows += try #require(SweepWire.decode(SweepWire.encode(partial.sweep)))
        }
        var merged = try #require(main)
        merged.report.sweep = rows.sorted { $0.index < $1.index }.map(\.result)
        #expect(Self.outputs(merged) == serial)
    }

    @Test func wireKeepsEveryBitAndRejectsDamage() throws {
        let rows: [(index: Int, result: SweepResult)] = [
            (3, SweepResult(parameters: [("a", "1 GiB"), ("b", "[0, 1]")], iterationTime: 0.1 + 0.2,
                            simulatedTime: 1e-300, collectives: [("allreduce ring 1 MiB", .pi, 123.456)])),
            (7, SweepResult(parameters: [("a", "é ✓")], iterationTime: nil, simulatedTime: 0,
                            error: "no route from gpu0 to gpu9")),
        ]
        let bytes = SweepWire.encode(rows)
        let back = try #require(SweepWire.decode(bytes))
        #expect(back.map(\.index) == [3, 7])
        #expect(back[0].result.iterationTime?.bitPattern == (0.1 + 0.2).bitPattern)
        #expect(back[0].result.simulatedTime.bitPattern == (1e-300).bitPattern)
        #expect(back[0].result.collectives.map(\.name) == ["allreduce ring 1 MiB"])
        #expect(back[0].result.collectives.map(\.time) == [.pi])
        #expect(back[1].result.parameters.map(\.1) == ["é ✓"])
        #expect(back[1].result.iterationTime == nil)
        #expect(back[1].result.error == "no route from gpu0 to gpu9")
        #expect(SweepWire.decode([]) == nil)
        #expect(SweepWire.decode(Array(bytes.dropLast())) == nil)
        #expect(SweepWire.decode(bytes + [0]) == nil)
        #expect(SweepWire.decode(SweepWire.encode([])).map(\.count) == 0)
    }
}
