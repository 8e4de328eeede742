import Dispatch

/// Waits for async work from synchronous code at the top of a program (a command's `run`, a benchmark). Call
/// it only from a thread outside the concurrency pool, such as the main thread: blocking a pool thread could
/// starve the very tasks it waits for.
public func waitForTask<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let slot = HandOver<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        slot.value = await body()
        done.signal()
    }
    done.wait()
    guard let value = slot.value else { preconditionFailure("the task signalled without a value") }
    return value
}

/// `waitForTask`'s result slot: written by the task before `signal`, read after `wait`; the semaphore orders
/// the two accesses.
private final class HandOver<T>: @unchecked Sendable {
    var value: T?
}
