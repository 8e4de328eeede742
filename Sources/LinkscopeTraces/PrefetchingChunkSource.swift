import Foundation

/// Runs another source (typically the gzip inflater) on a background thread, a few chunks ahead, so
/// that decompression and JSON parsing overlap. Memory stays bounded by `depth` chunks. When the
/// reader stops early (a parse error), dropping this source stops the thread.
final class PrefetchingChunkSource: ChunkSource {
    private let state: PrefetchState

    /// `inner` is only touched by the background thread from here on.
    init(_ inner: ChunkSource, depth: Int = 4) {
        let state = PrefetchState(depth: depth)
        self.state = state
        let box = UncheckedBox(inner)
        let thread = Thread { state.produce(box.value) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit { state.cancel() }

    func nextChunk() throws -> [UInt8]? { try state.consume() }

    func recycle(_ chunk: [UInt8]) { state.recycle(chunk) }
}

/// The queue shared by the producer thread and the reader; every field is guarded by `condition`.
private final class PrefetchState: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var head = 0
    private var finished = false
    private var failure: Error?
    private var cancelled = false
    private var spares: [[UInt8]] = []
    private let depth: Int

    func recycle(_ chunk: [UInt8]) {
        condition.lock()
        if spares.count < 4 { spares.append(chunk) }
        condition.unlock()
    }

    init(depth: Int) { self.depth = max(1, depth) }

    func cancel() {
        condition.lock()
        cancelled = true
        queue = []
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    func produce(_ inner: ChunkSource) {
        while true {
            condition.lock()
            while queue.count - head >= depth && !cancelled { condition.wait() }
            let stop = cancelled
            let spare = spares.popLast()
            condition.unlock()
            if stop { return }
            if let spare { inner.recycle(spare) }
            let next: [UInt8]?
            do {
                next = try inner.nextChunk()
            } catch {
                condition.lock()
                failure = error
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.lock()
            if let next, !cancelled {
                queue.append(next)
            } else {
                finished = true
            }
            condition.broadcast()
            condition.unlock()
            if next == nil { return }
        }
    }

    func consume() throws -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count && !finished { condition.wait() }
        if head < queue.count {
            let chunk = queue[head]
            queue[head] = []
            head += 1
            if head > 64 {
                queue.removeFirst(head)
                head = 0
            }
            condition.broadcast()
            return chunk
        }
        if let failure { throw failure }
        return nil
    }
}

/// Moves a non-Sendable value to the one thread that will own it.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
