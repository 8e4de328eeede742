import ArgumentParser
import Dispatch
import Foundation
import LinkscopeCostModel
import LinkscopeLayoutSearch
import LinkscopeScenario

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search parallel layouts (data × tensor × pipeline × micro-batch × recompute × ZeRO) for the "
            + "scenario's model and cluster; ranked table.",
        discussion: """
            Takes the model, GPUs, global batch, dtype and optimizer of the scenario's training job (its own \
            parallelism, micro-batches, recompute and ZeRO are replaced by the search), enumerates the valid \
            layouts, drops those that do not fit in GPU memory, ranks the rest by a closed form and simulates \
            the best few with flows on the fabric. Memory in GB (10^9 B). See docs/plan.md. Examples:
              linkscope plan scenarios/plan-gpt3-175b.yaml
              linkscope plan scenarios/plan-gpt-16gpu.yaml --simulate 8 --format json
            """)

    @Argument(help: "Scenario YAML file with a model and a training job.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String

    @Option(help: "Output format: text, json or csv.")
    var format: OutputFormat = .text

    @Option(help: "Layouts simulated with flows: the best by the closed form.")
    var simulate = 5

    @Option(help: "Rows of the ranked table (the simulated ones first).")
    var rows = 10

    @Option(name: .customLong("max-micro-batch"), help: "Largest micro-batch size (samples) tried.")
    var maxMicroBatch = 16

    @Option(name: .customLong("max-virtual-stages"), help: "Most model chunks per GPU tried with the interleaved schedule.")
    var maxVirtualStages = 8

    @Option(help: "ZeRO stages tried, comma-separated (e.g. 0,1).")
    var zero = "0,1,2,3"

    @Option(help: "Recomputation tried, comma-separated: none, selective, full.")
    var recompute = "none,selective,full"

    @Option(help: "Closed form and flows agree within this many percent.")
    var tolerance = 5.0

    @Option(help: "Candidates evaluated at the same time (default: the number of cores).")
    var jobs: Int?

    func validate() throws {
        guard simulate >= 0 else { throw ValidationError("--simulate must be 0 or more") }
        guard rows >= 1 else { throw ValidationError("--rows must be at least 1") }
        guard maxMicroBatch >= 1 else { throw ValidationError("--max-micro-batch must be at least 1") }
        guard maxVirtualStages >= 1 else { throw ValidationError("--max-virtual-stages must be at least 1") }
        guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a percentage ≥ 0") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        _ = try zeroStages()
        _ = try recomputes()
    }

    private func zeroStages() throws -> [Int] {
        let stages = zero.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !stages.isEmpty, stages.allSatisfy({ $0.map { (0...3).contains($0) } ?? false }) else {
            throw ValidationError("--zero takes stages 0 to 3, comma-separated (got '\(zero)')")
        }
        return stages.compactMap { $0 }
    }

    private func recomputes() throws -> [Recompute] {
        let modes = recompute.split(separator: ",").map { Recompute(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        guard !modes.isEmpty, modes.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--recompute takes none, selective, full, comma-separated (got '\(recompute)')")
        }
        return modes.compactMap { $0 }
    }

    func run() throws {
        let s = try IO.scenario(scenario)
        let space = SearchSpace(maxMicroBatchSize: maxMicroBatch, maxVirtualStages: maxVirtualStages,
                                zeroStages: try zeroStages(), recomputes: try recomputes())
        let options = PlanOptions(space: space,
                                  simulate: simulate, rows: max(rows, simulate), tolerance: tolerance / 100,
                                  width: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1)
        let result: PlanResult
        do {
            result = try Interruptible.run { try await LayoutSearch.run(s, options: options, progress: bar.update) }
        } catch let error as LayoutSearchError {
            bar.clear()
            if let text = try? IO.read(s.file),
               let located = ScenarioLocator.error(error.message, at: error.path, yaml: text, file: s.file) {
                throw located
            }
            throw InputError(file: s.file, error.description)
        } catch is CancellationError {
            bar.clear()
            CLI.fail("linkscope plan: interrupted", code: 130)
        }
        bar.clear()
        switch format {
        case .text: print(result.text, terminator: "")
        case .json: print(result.json.serialized(), terminator: "")
        case .csv: print(result.csv, terminator: "")
        }
    }
}

/// Runs an async search from the synchronous command; Ctrl-C cancels it (the search stops at its next
/// candidate and throws `CancellationError`), a second Ctrl-C exits at once.
enum Interruptible {
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        var value: Result<T, Error>?
    }

    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        let task = Task.detached {
            do { outcome.value = .success(try await body()) } catch { outcome.value = .failure(error) }
            done.signal()
        }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let interrupts = Counter()
        source.setEventHandler {
            if interrupts.increment() > 1 { _exit(130) }
            task.cancel()
        }
        source.resume()
        done.wait()
        source.cancel()
        signal(SIGINT, SIG_DFL)
        guard let value = outcome.value else { throw CancellationError() }
        return try value.get()
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() -> Int { lock.withLock { count += 1; return count } }
    }
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var last = ""
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: PlanProgress) {
        guard enabled else { return }
        let width = 30
        let filled = p.total > 0 ? min(width, width * p.done / p.total) : width
        let line = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(p.phase.rawValue) \(p.done)/\(p.total)"
        lock.withLock {
            guard line != last else { return }
            last = line
            drawn = true
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        }
    }

    /// Erases the bar (before the table, an error or the interruption message).
    func clear() {
        guard enabled else { return }
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            drawn = false
        }
    }
}
