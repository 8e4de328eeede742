import Foundation
import LinkscopeFuzz

/// `linkscope-bench fuzz [--count N] [--seed S] [--simulate-every K]`: the scenario-loader fuzz run.
///
/// Inputs run in child processes (`fuzz-batch`), one batch each, so that a trap kills a child, not the run: the
/// parent counts it as a crash at the input after the child's last reported one, saves that input under
/// `.build/fuzz-crashes/`, and starts a new child after it. A child silent for 10 s is killed and its current
/// input counted as a hang. Accepted scenarios are also simulated every K-th input (default 20).
enum FuzzBench {
    static func option(_ args: [String], _ name: String) -> String? {
        guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
        return args[i + 1]
    }

    static func run(_ args: [String]) {
        let env = ProcessInfo.processInfo.environment
        let count = option(args, "--count").flatMap(Int.init) ?? env["LINKSCOPE_FUZZ_COUNT"].flatMap(Int.init) ?? 100_000
        let seed = option(args, "--seed").flatMap(UInt64.init) ?? 11
        let every = option(args, "--simulate-every").flatMap(Int.init) ?? 20
        let batch = 5_000
        let root = FileManager.default.currentDirectoryPath
        let start = Date()
        var next = 0
        var counts: [String: Int] = [:]
        var crashes: [Int] = []
        var hangs: [Int] = []
        var slowest = (index: -1, micros: 0)
        while next < count {
            let end = min(count, next + batch)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            child.arguments = ["fuzz-batch", String(seed), String(next), String(end), String(every), root]
            let pipe = Pipe()
            child.standardOutput = pipe
            let reader = LineReader(pipe.fileHandleForReading)
            do { try child.run() } catch { print("cannot start a child: \(error)"); return }
            var last = next - 1
            var lastSeen = Date()
            var hung = false
            while true {
                if let line = reader.nextLine(timeout: 0.5) {
                    let parts = line.split(separator: " ")
                    guard parts.count == 3, let i = Int(parts[0]), let us = Int(parts[2]) else { continue }
                    last = i
                    lastSeen = Date()
                    counts[String(parts[1]), default: 0] += 1
                    if us > slowest.micros { slowest = (i, us) }
                    if parts[1] == "unlocated" { print("unlocated rejection at input \(i)") }
                } else if reader.closed {
                    break
                } else if Date().timeIntervalSince(lastSeen) > 10 {
                    hung = true
                    child.terminate()
                    break
                }
            }
            child.waitUntilExit()
            if hung || child.terminationReason == .uncaughtSignal || (child.terminationStatus != 0 && last < end - 1) {
                let bad = last + 1
                if hung { hangs.append(bad) } else { crashes.append(bad) }
                save(bad, seed: seed, root: root, kind: hung ? "hang" : "crash")
                next = bad + 1
            } else {
                next = end
            }
            FileHandle.standardError.write(Data("fuzz: \(next)/\(count) inputs\n".utf8))
        }
        let wall = Date().timeIntervalSince(start)
        print("fuzz: \(count) inputs (seed \(seed)) in \(String(format: "%.1f", wall)) s")
        for (k, v) in counts.sorted(by: { $0.key < $1.key }) { print("  \(k): \(v)") }
        print("  crashes: \(crashes.count) \(crashes.prefix(20))")
        print("  hangs (> 10 s): \(hangs.count) \(hangs.prefix(20))")
        print("  slowest input: #\(slowest.index), \(String(format: "%.3f", Double(slowest.micros) / 1e6)) s")
    }

    static func save(_ index: Int, seed: UInt64, root: String, kind: String) {
        let dir = root + "/.build/fuzz-crashes"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let text = ScenarioFuzzer.input(index, seeds: FuzzCase.exampleSeeds(packageRoot: root), base: seed)
        FileManager.default.createFile(atPath: "\(dir)/\(kind)-\(seed)-\(index).yaml", contents: Data(text.utf8))
        print("\(kind) at input \(index): saved to \(dir)/\(kind)-\(seed)-\(index).yaml")
    }

    /// The child: runs inputs [from, to) and reports "INDEX OUTCOME MICROSECONDS" per input.
    static func batch(_ args: [String]) {
        guard args.count >= 5, let seed = UInt64(args[0]), let from = Int(args[1]), let to = Int(args[2]),
              let every = Int(args[3]) else { return }
        let seeds = FuzzCase.exampleSeeds(packageRoot: args[4])
        let out = FileHandle.standardOutput
        for i in from..<to {
            let text = ScenarioFuzzer.input(i, seeds: seeds, base: seed)
            let t0 = DispatchTime.now().uptimeNanoseconds
            let outcome = FuzzCase.run(text, simulate: every > 0 && i % every == 0)
            let us = (DispatchTime.now().uptimeNanoseconds - t0) / 1000
            let name: String
            switch outcome {
            case .accepted: name = "accepted"
            case .rejected: name = "rejected"
            case .refusedBySimulator: name = "refused-by-simulator"
            case .unlocated: name = "unlocated"
            }
            out.write(Data("\(i) \(name) \(us)\n".utf8))
        }
    }
}

/// Lines from a pipe, with a timeout, read on a background thread.
final class LineReader: @unchecked Sendable {
    private let lock = NSCondition()
    private var lines: [String] = []
    private(set) var closed = false

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            var buffer = Data()
            while true {
                let chunk = handle.availableData
                lock.lock()
                if chunk.isEmpty { closed = true; lock.broadcast(); lock.unlock(); return }
                buffer.append(chunk)
                while let nl = buffer.firstIndex(of: 10) {
                    lines.append(String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self))
                    buffer.removeSubrange(buffer.startIndex...nl)
                }
                lock.broadcast()
                lock.unlock()
            }
        }
    }

    /// The next line, or nil after `timeout` seconds (or once the pipe is closed and drained).
    func nextLine(timeout: Double) -> String? {
        lock.lock()
        defer { lock.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while lines.isEmpty && !closed {
            if !lock.wait(until: deadline) { break }
        }
        return lines.isEmpty ? nil : lines.removeFirst()
    }
}
