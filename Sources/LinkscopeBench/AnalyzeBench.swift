import Foundation
import LinkscopeTraces

/// `linkscope-bench analyze [--traces DIR] [--repeat N] [--no-hta]`: times reading + analysing each real
/// Kineto trace (HTA semantics), and HTA itself on the same file when `python3 -c "import hta"` works.
enum AnalyzeBench {
    static func run(_ arguments: [String]) {
        func value(_ flag: String) -> String? {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        // The Kineto traces are not part of the repository: the folder is named explicitly (docs/testing.md).
        guard let dir = value("--traces") ?? ProcessInfo.processInfo.environment["LINKSCOPE_SHARED"] else {
            print("analyze: skipped: give a folder of Kineto traces (control.json.gz, nccl_data.json.gz,")
            print("  sampled_rank-0.json.gz, sampled_rank-1.json.gz) with --traces DIR or LINKSCOPE_SHARED=DIR")
            return
        }
        let repeats = max(1, Int(value("--repeat") ?? "5") ?? 5)
        let python = value("--python") ?? ProcessInfo.processInfo.environment["LINKSCOPE_PYTHON"] ?? "python3"
        var files = ["control.json.gz", "nccl_data.json.gz", "sampled_rank-0.json.gz", "sampled_rank-1.json.gz"]
        if let only = value("--only") { files = [only] }
        let htaAvailable = !arguments.contains("--no-hta") && shell(python, ["-c", "import hta"]) != nil
        if !htaAvailable {
            print("HTA not timed: `\(python) -c \"import hta\"` failed. Install it with")
            print("  pip install holistictraceanalysis==0.5.0   (or pass --python /path/to/venv/bin/python)")
        }
        print("linkscope: read + HTA-semantics analysis in this process, best of \(repeats)")
        print("HTA (in-process): TraceAnalysis load + temporal + overlap + idle breakdown, timed inside Python")
        print("HTA (end-to-end): the same as a fresh python3 process, interpreter start and imports included")
        print("file                       linkscope ms   HTA in-process ms  ratio   HTA end-to-end ms  ratio")
        for file in files {
            let path = dir + "/" + file
            guard FileManager.default.fileExists(atPath: path) else {
                print("\(file): not found in \(dir) (use --traces DIR or LINKSCOPE_SHARED)")
                continue
            }
            var best = Double.infinity
            var bestRead = Double.infinity
            var bestAnalysis = Double.infinity
            var events = 0
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                do {
                    let trace = try TraceReader.read(path: path, keepingArgs: false)  // as `analyze` reads
                    let mid = DispatchTime.now().uptimeNanoseconds
                    let analysis = TraceAnalysis(traces: [trace])
                    events = trace.events.count + analysis.ranks.count * 0
                    let end = DispatchTime.now().uptimeNanoseconds
                    bestRead = min(bestRead, Double(mid - start) / 1e6)
                    bestAnalysis = min(bestAnalysis, Double(end - mid) / 1e6)
                    best = min(best, Double(end - start) / 1e6)
                } catch {
                    print("\(file): \(error)")
                    break
                }
            }
            if arguments.contains("--split") {
                var inflate = Double.infinity
                var size = 0
                for _ in 0..<repeats {
                    let start = DispatchTime.now().uptimeNanoseconds
                    size = (try? TraceReader.decompressedByteCount(path: path)) ?? 0
                    inflate = min(inflate, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                }
                print(String(format: "  %@: decompress only %.1f ms (%.1f MB)", file, inflate, Double(size) / 1e6))
                print(String(format: "  %@: read %.1f ms, analysis %.1f ms", file, bestRead, bestAnalysis))
            }
            var columns = ["-", "-", "-", "-"]
            if htaAvailable, let (inside, wall) = htaMillis(python: python, path: path) {
                columns = [String(format: "%.0f", inside), String(format: "%.1fx", inside / best),
                           String(format: "%.0f", wall), String(format: "%.1fx", wall / best)]
            }
            let name = file.padding(toLength: 26, withPad: " ", startingAt: 0)
            func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
            print(name + String(format: "%13.1f", best) + pad(columns[0], 20) + pad(columns[1], 7)
                  + pad(columns[2], 21) + pad(columns[3], 7) + "   (\(events) slices)")
        }
    }

    /// HTA's TraceAnalysis load + temporal breakdown + overlap + idle breakdown, in ms (measured inside Python).
    static func htaMillis(python: String, path: String) -> (Double, Double)? {
        let script = """
        import logging, os, shutil, sys, tempfile, time
        logging.disable(logging.WARNING)
        from hta.trace_analysis import TraceAnalysis
        d = tempfile.mkdtemp()
        shutil.copy(sys.argv[1], d)
        t0 = time.perf_counter()
        a = TraceAnalysis(trace_dir=d)
        a.get_temporal_breakdown(visualize=False)
        a.get_comm_comp_overlap(visualize=False)
        for r in a.t.traces: a.get_idle_time_breakdown(ranks=[r], visualize=False)
        print((time.perf_counter() - t0) * 1000)
        shutil.rmtree(d)
        """
        let start = DispatchTime.now().uptimeNanoseconds
        guard let out = shell(python, ["-c", script, path]) else { return nil }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        guard let inside = out.split(separator: "\n").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) else {
            return nil
        }
        return (inside, wall)
    }

    static func shell(_ executable: String, _ args: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [executable] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
