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
        var best: [Int: Double] = [:], cpu: [Int: Double] = [:]
        var rows: [Int: String] = [:]
        var pointSeconds = [Double](repeating: .infinity, count: scenario.sweep.count)
        for _ in 0..<repeats {
            // One worker: the points one after another on this thread, each timed (the slowest one bounds the
            // wall time of any number of workers).
            let cpu0 = cpuSeconds()
            let (serial, seconds) = BenchSupport.time {
                scenario.sweep.indices.map { i in
                    // CPU time, not wall: it does not grow when other processes take the cores.
                    let before = cpuSeconds()
                    let row = Simulator.sweepResult(scenario.sweep[i])
                    pointSeconds[i] = min(pointSeconds[i], cpuSeconds() - before)
                    return row
                }
            }
            record(1, seconds, cpuSeconds() - cpu0, signature(serial))
            let cpu1 = cpuSeconds()
            let (partial, wall) = BenchSupport.time {
                waitForTask { await Simulator.run(scenario, options: RunOptions(), share: points, workers: workers) }
            }
            record(workers, wall, cpuSeconds() - cpu1, signature(partial.sweep.map(\.result)))
        }
        func record(_ w: Int, _ wall: Double, _ used: Double, _ signature: String) {
            if wall < best[w] ?? .infinity { (best[w], cpu[w]) = (wall, used) }
            rows[w] = signature
        }
        let serial = best[1] ?? 0, parallel = best[workers] ?? 0
        let slowestIndex = pointSeconds.indices.max { pointSeconds[$0] < pointSeconds[$1] } ?? 0
        let slowest = (seconds: pointSeconds.isEmpty ? 0 : pointSeconds[slowestIndex],
                       point: scenario.sweep.isEmpty ? "" : scenario.sweep[slowestIndex].parameters
                           .map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        for w in [1, workers] {
            // CPU ÷ wall is how many cores the run actually got: below the workers when others load the machine.
            print(String(format: "  %2d worker(s)  wall %.3f s  cpu %.3f s  (cores used %.2f, best of %d)", w,
                         best[w] ?? 0, cpu[w] ?? 0, (cpu[w] ?? 0) / max(best[w] ?? 0, 1e-9), repeats))
        }
        // The best any schedule can do: the points' CPU time spread evenly, but never under the slowest point.
        let total = pointSeconds.reduce(0, +)
        print(String(format: "  speedup %.2fx with %d workers (bound %.2fx: points %.3f s cpu in all, the slowest "
                     + "%.3f s, %@); sweep rows byte-identical: %@", serial / max(parallel, 1e-9), workers,
                     total / max(total / Double(workers), slowest.seconds, 1e-9), total, slowest.seconds,
                     slowest.point, rows[1] == rows[workers] ? "yes" : "NO"))
    }

    /// User + system CPU seconds of this process (all threads).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
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
