import LinkscopeSim
import LinkscopeTimeline
import Testing

/// JSON and CSV reports: numbers are numbers, lists are lists, failures carry their error text, and the CSV
/// says what the JSON says (round trip).
struct MachineReadableOutputTests {
    static let failingSweep = """
        cluster: {preset: pcie-4gpu}
        collectives: [{op: allreduce, algorithm: ring, size: 1 MiB}]
        sweep:
          gpus: [[0, 1], [0, 1, 2, 3]]
          collectives[0].algorithm: [ring, spanning-trees]
        """

    @Test func failedSweepPointCarriesItsErrorAndNoNumbers() throws {
        let report = try simulate(Self.failingSweep).report
        let json = report.json
        guard case .array(let points)? = json["sweep"] else { Issue.record("no sweep"); return }
        #expect(points.count == 4)
        let failed = points[1]
        #expect(failed["simulated_time_s"] == .null, "a failed point has no time (was 0)")
        guard case .string(let error)? = failed["error"] else { Issue.record("no error text"); return }
        #expect(error.contains("NVLink"))
        #expect(failed["parameters"]?["gpus"] == .array([.int(0), .int(1)]), "gpus is a list, not \"[0, 1]\"")
        #expect(failed["parameters"]?["collectives[0].algorithm"] == .string("spanning-trees"))
        #expect(points[0]["simulated_time_s"].map { if case .double(let t) = $0 { t > 0 } else { false } } == true)
    }

    @Test func failedSweepPointInCSVHasTheErrorColumnAndNoTime() throws {
        let rows = CSVTable.parse(try simulate(Self.failingSweep).report.csv)
        let header = try #require(rows.first)
        let time = try #require(header.firstIndex(of: "time_s"))
        let error = try #require(header.firstIndex(of: "error"))
        let sweepRows = rows.dropFirst().filter { $0.first == "sweep" }
        #expect(sweepRows.count == 4)
        for row in sweepRows {
            #expect(row.count == header.count)
            let failed = row[1].contains("spanning-trees")
            #expect(failed ? row[time].isEmpty && row[error].contains("NVLink") : Double(row[time]) != nil && row[error].isEmpty)
        }
    }

    @Test func csvRoundTripsTheJSONCollectives() throws {
        let report = try simulate("""
            cluster: {preset: dgx1-v100}
            gpus: [0, 3, 5, 6]
            collectives: [{op: allreduce, algorithm: ring, sizes: [1 MiB, 64 MiB]}, {op: broadcast, algorithm: tree, size: 4 MiB}]
            """).report
        let rows = CSVTable.parse(report.csv)
        let header = rows[0]
        let collectives = rows.dropFirst().filter { $0.first == "collective" }
        guard case .array(let json)? = report.json["collectives"] else { Issue.record("no collectives"); return }
        #expect(collectives.count == json.count)
        for (row, object) in zip(collectives, json) {
            func col(_ name: String) -> String { header.firstIndex(of: name).map { row[$0] } ?? "<missing>" }
            #expect(object["bytes"] == .int(Int64(col("bytes")) ?? -1))
            if case .double(let t)? = object["time_s"] { #expect(Double(col("time_s")) == t) }
            #expect(col("gpus") == "0 3 5 6")
        }
    }
}

/// One vocabulary of quantities in the reports.
struct QuantityVocabularyTests {
    @Test func oneGPUAllReduceHasNoBandwidth() throws {
        let report = try simulate("""
            cluster: {preset: dgx1-v100}
            collectives: [{op: allreduce, algorithm: ring, size: 1 MiB, gpus: [0]}]
            """).report
        let c = try #require(report.collectives.first)
        #expect(!c.hasBandwidth)
        guard case .array(let json)? = report.json["collectives"] else { Issue.record("no collectives"); return }
        #expect(json[0]["algbw_gbps"] == .null && json[0]["busbw_gbps"] == .null, "was 0 GB/s")
        #expect(!report.text.contains("0.00"), "text shows '-' instead of 0.00 GB/s")
    }

    @Test func sizeColumnUsesOneUnitFamily() throws {
        // 4805528 B is not a KiB multiple: the whole column is decimal (was "4.806 MB" beside "64 MiB").
        let text = try simulate("""
            cluster: {preset: dgx1-v100}
            collectives: [{op: allreduce, algorithm: ring, sizes: [4805528 B, 64 MiB]}]
            """).report.text
        #expect(text.contains("size (KB/MB/GB)"))
        #expect(!text.contains("MiB"))
        #expect(text.contains("67.11 MB"))
    }
}

/// Sync time is reported as total (time spent) and exposed, beside the window.
struct SyncTimeVocabularyTests {
    @Test func overlappedSyncReportsTotalExposedAndWindow() throws {
        let report = try simulate("""
            cluster: {preset: dgx1-v100}
            model: {preset: resnet50}
            training: {iterations: 1, overlap: true, batch_per_gpu: 32, sync: {algorithm: ring}}
            """).report
        let t = try #require(report.training)
        let it = try #require(report.iterationTime)
        // The window spans the backward pass; the buckets themselves run for much less.
        #expect(t.syncTotal > 0 && t.syncTotal <= t.syncTime + 1e-12)
        #expect(abs(t.syncExposed - max(0, it - t.forwardTime - t.backwardTime)) < 1e-12)
        #expect(report.json["training"]?["sync_total_s"] == .double(t.syncTotal))
        #expect(report.text.contains("gradient sync, exposed"))
        #expect(report.text.contains("GPUs (totals over all 1 iterations"))
    }
}
