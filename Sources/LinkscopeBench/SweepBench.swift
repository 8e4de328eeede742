import Foundation
import LinkscopeScenario
import LinkscopeSim

/// An 8-point sweep (the one in scenarios/big-sweep.yaml, embedded so the case needs no files) simulated with
/// 1 worker and with 2 (or `--workers N`), alternating, best of `--repeats` (default 3) each; prints the
/// speedup and whether the sweep rows are byte-identical. The load average is printed too: other processes
/// competing for the cores lower the speedup. `linkscope-bench sweep [--workers N] [--repeats R]`.
enum SweepBench {
    static let yaml = """
        name: bench sweep
        cluster:
          preset: dgx-a100
          nodes: 4
          fabric: {kind: fat-tree, nic_bandwidth: 200 Gb/s, latency: 2 us}
        collectives:
          - {op: allreduce, algorithm: ring, sizes: [256 MiB]}
          - {op: allreduce, algorithm: hierarchical, sizes: [256 MiB]}
        sweep:
          cluster.nodes: [2, 4, 8, 16]
          cluster.fabric.nic_bandwidth: [200 Gb/s, 400 Gb/s]
        """

    static func run(_ arguments: [String]) {
        let workers = max(2, value(of: "--workers", in: arguments) ?? 2)
        let repeats = max(1, value(of: "--repeats", in: arguments) ?? 3)
        let scenario: Scenario
        do { scenario = try ScenarioLoader.load(yaml: yaml, file: "<bench>") } catch {
            print("  sweep: failed: \(error)")
            return
        }
        let points = SweepShare(includesMain: false, points: Array(scenario.sweep.indices))
        print("\(points.points.count)-point sweep: ring vs hierarchical all-reduce of 256 MiB, 2-16 dgx-a100 nodes x "
              + "200/400 Gb/s NICs; \(ProcessInfo.processInfo.activeProcessorCount) cores, "
              + "load average \(loadAverage())")
        var best: [Int: Double] = [:]
        var rows: [Int: String] = [:]
        for _ in 0..<repeats {
            for w in [1, workers] {
                let (partial, seconds) = BenchSupport.time {
                    waitForTask { await Simulator.run(scenario, options: RunOptions(), share: points, workers: w) }
                }
                best[w] = min(best[w] ?? .infinity, seconds)
                rows[w] = signature(partial.sweep.map(\.result))
            }
        }
        let serial = best[1] ?? 0, parallel = best[workers] ?? 0
        for w in [1, workers] {
            print(String(format: "  %2d worker(s)  wall %.3f s (best of %d)", w, best[w] ?? 0, repeats))
        }
        print(String(format: "  speedup %.2fx with %d workers; sweep rows byte-identical: %@",
                     serial / max(parallel, 1e-9), workers, rows[1] == rows[workers] ? "yes" : "NO"))
    }

    /// The sweep rows as the report prints them, with times at full precision.
    static func signature(_ rows: [SweepResult]) -> String {
        rows.map { r in
            r.parameters.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + " \(r.simulatedTime.bitPattern) "
                + r.collectives.map { "\($0.name):\($0.time.bitPattern)" }.joined(separator: ",") + " \(r.error ?? "")"
        }.joined(separator: "\n")
    }

    static func value(of flag: String, in arguments: [String]) -> Int? {
        guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
        return Int(arguments[i + 1])
    }

    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
