import Foundation
import Testing
@testable import LinkscopeTraces

/// Agreement with holistictraceanalysis itself (numbers from scripts/hta_reference.py).
@Suite(.disabled(if: SharedTraces.missing, "shared Kineto traces not found (set LINKSCOPE_SHARED)"))
struct HTAReferenceTests {
    static let modes: [(String, AnalysisOptions)] = [("hta", .hta), ("raw", .raw)]

    @Test(arguments: SharedTraces.files)
    func temporalBreakdownAndOverlapMatchHTA(file: String) throws {
        let ref = try SharedTraces.reference()
        let traces = try #require(ref["traces"] as? [String: Any])
        let entry = try #require(traces[file] as? [String: Any])
        let trace = try TraceReader.read(path: SharedTraces.path(file))
        for (mode, options) in Self.modes {
            let analysis = TraceAnalysis(traces: [trace], options: options)
            let perRank = try #require(entry[mode] as? [String: Any])
            for r in analysis.ranks {
                let exp = try #require(perRank[String(r.rank)] as? [String: Any], "\(file) \(mode) rank \(r.rank)")
                func num(_ k: String) -> Double? { (exp[k] as? NSNumber)?.doubleValue }
                let checks: [(String, Double, Double)] = [
                    ("kernel_time_us", r.kernelTime, 1), ("idle_time_us", r.idleTime, 1),
                    ("compute_time_us", r.computeTime, 1), ("non_compute_time_us", r.nonComputeTime, 1),
                    ("idle_pct", r.idlePct, 0.01), ("compute_pct", r.computePct, 0.01),
                    ("non_compute_pct", r.nonComputePct, 0.01),
                ]
                for (key, ours, tol) in checks {
                    let theirs = try #require(num(key), "\(key)")
                    #expect(abs(ours - theirs) <= tol + 1e-9, "\(file) \(mode) \(key): ours \(ours) HTA \(theirs)")
                }
                if let overlap = num("comm_comp_overlap_pct") {
                    let ours = try #require(r.commCompOverlapPct)
                    #expect(abs(ours - overlap) <= 0.01 + 1e-9, "\(file) \(mode) overlap: ours \(ours) HTA \(overlap)")
                } else {
                    #expect(r.commCompOverlapPct == nil)
                }
                #expect(r.gpuEventCount == (exp["gpu_event_count"] as? Int), "\(file) \(mode) GPU rows")
            }
        }
    }

    @Test(arguments: SharedTraces.files)
    func idleBreakdownMatchesHTA(file: String) throws {
        let ref = try SharedTraces.reference()
        let traces = try #require(ref["traces"] as? [String: Any])
        let entry = try #require(traces[file] as? [String: Any])
        let trace = try TraceReader.read(path: SharedTraces.path(file))
        for (mode, options) in Self.modes {
            let analysis = TraceAnalysis(traces: [trace], options: options)
            let perRank = try #require(entry[mode] as? [String: Any])
            for r in analysis.ranks {
                let exp = try #require(perRank[String(r.rank)] as? [String: Any])
                let rows = try #require(exp["idle_breakdown"] as? [[String: Any]])
                for row in rows {
                    let stream = Int64(try #require(row["stream"] as? Int))
                    let category = try #require(row["category"] as? String)
                    let s = try #require(r.idleBreakdown.first { $0.stream == stream }, "stream \(stream)")
                    let ours = category == "host_wait" ? s.hostWait : category == "kernel_wait" ? s.kernelWait : s.other
                    let theirs = try #require((row["idle_time_us"] as? NSNumber)?.doubleValue)
                    #expect(abs(ours - theirs) <= 1, "\(file) \(mode) stream \(stream) \(category): \(ours) vs \(theirs)")
                    if let ratio = (row["ratio"] as? NSNumber)?.doubleValue {
                        #expect(abs(HTAMath.round(s.ratio(category), 2) - ratio) <= 0.01 + 1e-9)
                    } else {
                        #expect(s.ratio(category).isNaN, "HTA gives NaN when a stream has no idle time")
                    }
                    #expect(s.present.contains(category))
                }
                #expect(r.idleBreakdown.count == Set(rows.compactMap { $0["stream"] as? Int }).count)
            }
        }
    }

    @Test(arguments: SharedTraces.files)
    func kernelTypeSharesMatchHTA(file: String) throws {
        let ref = try SharedTraces.reference()
        let traces = try #require(ref["traces"] as? [String: Any])
        let entry = try #require(traces[file] as? [String: Any])
        let expected = try #require(entry["kernel_types"] as? [[String: Any]])
        let analysis = TraceAnalysis(traces: [try TraceReader.read(path: SharedTraces.path(file))])
        for row in expected {
            let label = try #require(row["kernel_type"] as? String)
            let share = try #require(analysis.kernelTypes.first { $0.label == label }, "\(label)")
            #expect(abs(share.sum - ((row["sum_us"] as? NSNumber)?.doubleValue ?? -1)) <= 1, "\(file) \(label)")
            #expect(abs(share.percentage - ((row["percentage"] as? NSNumber)?.doubleValue ?? -1)) <= 0.1 + 1e-9)
        }
        #expect(analysis.kernelTypes.count == expected.count)
    }
}

extension HTAReferenceTests {
    @Test(arguments: SharedTraces.files)
    func kernelTableMatchesHTA(file: String) throws {
        let ref = try SharedTraces.reference()
        let traces = try #require(ref["traces"] as? [String: Any])
        let entry = try #require(traces[file] as? [String: Any])
        let expected = try #require(entry["kernels"] as? [[String: Any]])
        let analysis = TraceAnalysis(traces: [try TraceReader.read(path: SharedTraces.path(file))])
        let rank = try #require(analysis.ranks.first)
        #expect(rank.kernelTable.count == expected.count)
        for row in expected {
            let name = try #require(row["name"] as? String)
            let type = try #require(row["kernel_type"] as? String)
            let ours = try #require(rank.kernelTable.first { $0.name == name && $0.type.rawValue == type }, "\(type) \(name)")
            func n(_ k: String) -> Double { (row[k] as? NSNumber)?.doubleValue ?? .nan }
            #expect(abs(ours.sum - n("sum_us")) <= 1, "\(name) sum")
            #expect(abs(ours.max - n("max_us")) <= 1 && abs(ours.min - n("min_us")) <= 1, "\(name) max/min")
            #expect(abs(ours.mean - n("mean_us")) <= 0.01, "\(name) mean")
            #expect(abs(ours.std - n("std_us")) <= 0.01, "\(name) std")
        }
    }
}
