import Foundation

extension TraceReader {
    /// Reads many files (one per rank) at once: a task group keeps at most `maxConcurrent` files in flight
    /// (each also inflates on its own thread). Results come back in the order of `paths`, each file's error in
    /// its place, so a caller that stops at the first failure reports the same file as a serial loop would.
    /// - Complexity: the files' total size; wall time about the largest file's when they fit the cores.
    public static func read(paths: [String], keepingArgs: Bool = true, maxConcurrent: Int = defaultConcurrency) async
        -> [Result<RankTrace, any Error>]
    {
        let results = ResultSlots(count: paths.count)
        await readAll(paths, keepingArgs: keepingArgs, maxConcurrent: max(1, maxConcurrent), into: results)
        return results.values
    }

    /// The same for synchronous callers. On the main thread (the CLI) it waits for the task group of
    /// `read(paths:) async`; elsewhere, where the caller may be one of Swift concurrency's own pool threads that
    /// the group would need, it reads the files one after another. Same results either way.
    public static func read(paths: [String], keepingArgs: Bool = true, maxConcurrent: Int = defaultConcurrency)
        -> [Result<RankTrace, any Error>]
    {
        guard paths.count > 1, maxConcurrent > 1, Thread.isMainThread else {
            return paths.map { p in Result { try read(path: p, keepingArgs: keepingArgs) } }
        }
        let results = ResultSlots(count: paths.count)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await readAll(paths, keepingArgs: keepingArgs, maxConcurrent: maxConcurrent, into: results)
            done.signal()
        }
        done.wait()
        return results.values
    }

    /// Files read at once by `read(paths:)`: the machine's cores.
    public static var defaultConcurrency: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    private static func readAll(_ paths: [String], keepingArgs: Bool, maxConcurrent: Int, into results: ResultSlots) async {
        await withTaskGroup(of: (Int, Result<RankTrace, any Error>).self) { group in
            var next = 0
            func start() {
                let i = next
                let path = paths[i]
                group.addTask { (i, Result { try read(path: path, keepingArgs: keepingArgs) }) }
                next += 1
            }
            while next < min(maxConcurrent, paths.count) { start() }
            for await (i, result) in group {
                results.set(i, result)
                if next < paths.count { start() }
            }
        }
    }
}

/// One result per file, written by the reading tasks and read once they have all finished (the semaphore in
/// `TraceReader.read(paths:)` orders the two); the lock guards the writes among themselves.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [Result<RankTrace, any Error>?]
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Result<RankTrace, any Error>) {
        lock.wait()
        slots[i] = value
        lock.signal()
    }

    var values: [Result<RankTrace, any Error>] {
        lock.wait()
        defer { lock.signal() }
        return slots.map { $0 ?? .failure(TraceError(kind: .io, file: "", offset: 0, message: "not read")) }
    }
}
