import Foundation
import LinkscopeScenario
import LinkscopeSim

/// The simulator end to end (scenario → planner → collectives → fabric → report), each case in its own process
/// so that its peak RSS is its own. `linkscope-bench sim [--nodes N] [--repeat R]`:
/// - `astra`: ASTRA-sim's benchmark, a 1 GiB ring all-reduce on a 1-D ring of 1024 GPUs (one directed link per
///   hop, 50 GiB/s, 500 ns; one ring, one chunk per message), checked against 2(N−1)/N·S/B + 2(N−1)·α;
/// - `ring`, `hierarchical`: a 1 GiB all-reduce over N DGX A100 nodes on a fat-tree (200 Gb/s NICs).
/// `linkscope-bench scale [--max-gpus G]`: the same two algorithms from 64 GPUs up, doubling, with the growth
/// exponent of wall time in the GPU count (least squares on log–log).
enum SimBench {
    static func run(_ arguments: [String]) {
        if let i = arguments.firstIndex(of: "--sim-case"), i + 1 < arguments.count {
            runCase(arguments[i + 1], nodes: nodes(arguments))
            return
        }
        let n = nodes(arguments)
        let repeats = value(of: "--repeat", in: arguments) ?? 3
        print("wall: Simulator.run only (scenario already parsed), min and median of \(repeats) child processes")
        print(header)
        for c in ["astra", "ring", "hierarchical"] {
            print(measure(c, nodes: n, repeats: repeats).line)
        }
    }

    /// `linkscope-bench scale`: 64 → `--max-gpus` GPUs (default 16,384), ring and hierarchical.
    static func scale(_ arguments: [String]) {
        let maxGPUs = value(of: "--max-gpus", in: arguments) ?? 16_384
        let repeats = value(of: "--repeat", in: arguments) ?? 1
        print("1 GiB all-reduce over dgx-a100 nodes (fat-tree 200 Gb/s); wall: Simulator.run only, min of \(repeats)")
        print(header)
        for algorithm in ["ring", "hierarchical"] {
            var walls: [(gpus: Double, wall: Double)] = []
            var cpus: [(gpus: Double, wall: Double)] = []
            var nodes = 8
            while nodes * 8 <= maxGPUs {
                let m = measure(algorithm, nodes: nodes, repeats: repeats)
                print(m.line)
                if let wall = m.wall, let cpu = m.cpu {
                    walls.append((Double(nodes * 8), wall))
                    cpus.append((Double(nodes * 8), cpu))
                }
                nodes *= 2
            }
            if walls.count >= 2 {
                print(String(format: "  %@: wall grows as GPUs^%.2f, CPU time as GPUs^%.2f (least squares on log-log, %d points)",
                             algorithm, exponent(walls), exponent(cpus), walls.count))
            }
        }
    }

    static let header = "  case          GPUs   simulated s  formula s    sim/formula  events      wall min  wall med  "
        + "CPU min   M events/s (wall, CPU)  peak RSS"

    struct Measurement {
        var line: String
        var wall: Double?
        var cpu: Double? = nil
    }

    /// Runs one case `repeats` times, each in a child process; min and median wall.
    static func measure(_ name: String, nodes: Int, repeats: Int) -> Measurement {
        var walls: [Double] = []
        var cpus: [Double] = []
        var last = ""
        for _ in 0..<max(1, repeats) {
            // The child prints the suite's "== sim" banner first: the case is its last line.
            let out = BenchSupport.runChild(["sim", "--sim-case", name, "--nodes", "\(nodes)"])
                .split(separator: "\n").last.map(String.init) ?? ""
            last = out
            let fields = out.split(separator: "\t").map(String.init)
            guard fields.count == 9, let wall = Double(fields[5]), let cpu = Double(fields[6]) else {
                return Measurement(line: "  \(name) (\(nodes * 8) GPUs): failed: "
                                   + out.trimmingCharacters(in: .whitespacesAndNewlines), wall: nil)
            }
            walls.append(wall)
            cpus.append(cpu)
        }
        walls.sort()
        let f = last.split(separator: "\t").map(String.init)
        let minWall = walls[0], median = walls[walls.count / 2], minCPU = cpus.min() ?? 0
        let events = Double(f[4]) ?? 0
        let simulated = Double(f[2]) ?? 0, formula = Double(f[3]) ?? 0
        let numbers = String(format: "%.6f     %.6f     %.5f      %-10.0f  %.3f s   %.3f s   %.3f s   %.2f, %.2f",
                             simulated, formula, formula > 0 ? simulated / formula : 0, events, minWall, median, minCPU,
                             events / minWall / 1e6, events / minCPU / 1e6)
        let rss = Double(f[8].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let line = "  " + f[0].padding(toLength: 13, withPad: " ", startingAt: 0) + " "
            + String(repeating: " ", count: max(0, 5 - f[1].count)) + f[1] + "  " + numbers
            + String(format: "              %.0f MB", rss)
        return Measurement(line: line, wall: minWall, cpu: minCPU)
    }

    /// Slope of log(wall) against log(GPUs).
    static func exponent(_ points: [(gpus: Double, wall: Double)]) -> Double {
        let xs = points.map { log($0.gpus) }, ys = points.map { log($0.wall) }
        let n = Double(points.count)
        let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        var num = 0.0, den = 0.0
        for (x, y) in zip(xs, ys) {
            num += (x - mx) * (y - my)
            den += (x - mx) * (x - mx)
        }
        return den > 0 ? num / den : 0
    }

    static func value(of flag: String, in arguments: [String]) -> Int? {
        guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n >= 1
        else { return nil }
        return n
    }

    static func nodes(_ arguments: [String]) -> Int { value(of: "--nodes", in: arguments) ?? 128 }

    /// ASTRA-sim's ring benchmark: N GPUs, GPU i → GPU i+1 only (one directed link, `duplex: half`).
    static func astraYAML(gpus n: Int) -> String {
        var yaml = "name: ASTRA-sim ring benchmark\ncluster:\n  devices:\n"
        for i in 0..<n { yaml += "    - {id: g\(i), kind: gpu, model: a100}\n" }
        yaml += "  links:\n"
        for i in 0..<n {
            yaml += "    - {from: g\(i), to: g\((i + 1) % n), bandwidth: 50 GiB/s, latency: 500 ns, kind: nvlink, duplex: half}\n"
        }
        return yaml + "collectives:\n  - {op: allreduce, algorithm: ring, sizes: [1 GiB]}\n"
    }

    /// One case in this process; prints tab-separated: name, GPUs, simulated s, formula s, events, wall s,
    /// CPU s, M events/s, peak RSS MB.
    static func runCase(_ name: String, nodes: Int) {
        let yaml: String
        var gpus = nodes * 8
        var formula: Double? = nil
        if name == "astra" {
            gpus = 1024
            yaml = astraYAML(gpus: gpus)
            let n = Double(gpus), s = Double(1 << 30), b = 50 * Double(1 << 30), alpha = 500e-9
            formula = 2 * (n - 1) / n * s / b + 2 * (n - 1) * alpha
        } else {
            yaml = """
                name: bench \(name)
                cluster: {preset: dgx-a100, nodes: \(nodes), fabric: {kind: fat-tree, nic_bandwidth: 200 Gb/s, latency: 2 us}}
                collectives:
                  - {op: allreduce, algorithm: \(name), sizes: [1 GiB]}
                """
        }
        do {
            let scenario = try ScenarioLoader.load(yaml: yaml, file: "<bench>")
            let (run, seconds, cpu) = try BenchSupport.timeWithCPU { try Simulator.run(scenario) }
            let r = run.report
            let c = r.collectives.first
            print([name, "\(gpus)", "\(c?.time ?? 0)", "\(formula ?? c?.formulaTime ?? 0)", "\(r.events)",
                   "\(seconds)", "\(cpu)", "\(Double(r.events) / seconds / 1e6)", "\(BenchSupport.peakRSSMegabytes())"]
                .joined(separator: "\t"))
        } catch {
            print("\(name) failed: \(error)")
        }
    }
}
