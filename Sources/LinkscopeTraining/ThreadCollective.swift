#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinkscopeKernels

/// A recorded interval of real work on one device (profiling).
public struct MeasuredSpan: Sendable {
    public enum Kind: UInt8, Sendable { case forward, backward, sync, transfer, update, idle }
    public var kind: Kind
    public var name: String
    public var start: Double
    public var end: Double
    public var bytes: Int64 = 0
    public var iteration: Int
}

/// Executes a `CollectivePlan` among threads of one process on real buffers.
///
/// Each device's thread calls `run(device:generation:)`; it executes its own tasks (the transfers it
/// receives) in schedule order, each once its dependencies have completed in this generation, as a real
/// memory copy or reduction from the sender's buffer. A transfer also waits until its sender has entered the
/// collective (its gradients are final), and `run` returns once every task of the generation is done, so
/// no worker overwrites a buffer a peer still reads.
public final class ThreadCollective: @unchecked Sendable {
    public let plan: CollectivePlan
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private let doneGeneration: UnsafeMutablePointer<Int>
    /// Generation each device last entered (read without the lock while spinning; written under it).
    private let entered: UnsafeMutablePointer<Int>
    private let deviceCount: Int
    private var completed = 0
    private var completedGeneration = 0
    private var stopAfter = Int.max
    private var buffers: [BufferRole: [UnsafeMutablePointer<Float>?]] = [:]
    private var owners: [FloatBuffer] = []
    private let deps: [[Int]]
    private let myTasks: [[Int]]
    /// Set from any thread (Ctrl-C): the collective of the current generation completes, then every
    /// participant's `run` reports that training should stop.
    public var stopRequested: () -> Bool = { false }

    public init(plan: CollectivePlan) {
        self.plan = plan
        let n = plan.schedule.count
        doneGeneration = UnsafeMutablePointer<Int>.allocate(capacity: max(n, 1))
        doneGeneration.initialize(repeating: 0, count: max(n, 1))
        deviceCount = plan.workers + plan.servers.count
        entered = UnsafeMutablePointer<Int>.allocate(capacity: deviceCount)
        entered.initialize(repeating: 0, count: deviceCount)
        deps = (0..<n).map { i in
            var d = plan.schedule.dependencies(of: .init(i)).map(\.index)
            let served = Int(plan.schedule.tasks[i].servedDependency)
            if served >= 0 { d.append(served) }
            return d
        }
        myTasks = (0..<(plan.workers + plan.servers.count)).map { plan.tasks(of: $0) }
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        doneGeneration.deallocate()
        entered.deallocate()
        pthread_mutex_destroy(&mutex)
        pthread_cond_destroy(&condition)
    }

    /// Registers the buffer `role` of `device` (before any `run`); the collective keeps it alive.
    public func bind(_ role: BufferRole, device: Int, to buffer: FloatBuffer) {
        var list = buffers[role] ?? Array(repeating: nil, count: deviceCount)
        list[device] = buffer.pointer
        buffers[role] = list
        owners.append(buffer)
    }

    private func pointer(_ role: BufferRole, _ device: Int) -> UnsafeMutablePointer<Float> {
        guard let p = buffers[role]?[device] else { preconditionFailure("no \(role) buffer bound for device \(device)") }
        return p
    }

    /// Runs `device`'s share of collective number `generation` (1, 2, …). `onShardReady(j)` runs on the
    /// server thread once shard j has every push (the parameter server's update). Returns false when a stop
    /// was requested: every participant sees the same answer for the same generation.
    public func run(device: Int, generation g: Int, record: ((MeasuredSpan) -> Void)? = nil,
                    onShardReady: ((Int) -> Void)? = nil) -> Bool {
        lock()
        entered[device] = g
        pthread_cond_broadcast(&condition)
        unlock()
        let total = plan.schedule.count
        for t in myTasks[device] {
            // Spin briefly without yielding (a peer is usually microseconds away; yielding would hand the core
            // to any other runnable process for a whole time slice), then sleep on the condition.
            var spins = 0
            while !isReady(t, g), spins < 20_000 { spins += 1 }
            lock()
            while !isReady(t, g) { pthread_cond_wait(&condition, &mutex) }
            unlock()
            if let a = plan.actions[t] {
                let t0 = record == nil ? 0 : monotonicSeconds()
                let src = pointer(a.source, a.from) + a.range.lowerBound
                let dst = pointer(a.destination, a.to) + a.range.lowerBound
                if a.accumulate {
                    BLAS.axpy(a.range.count, x: src, y: dst)
                } else {
                    dst.update(from: src, count: a.range.count)
                }
                if let record {
                    let phase = plan.schedule.tasks[t].tag.phase.name
                    record(MeasuredSpan(kind: .transfer, name: "\(phase) \(a.from)→\(a.to)", start: t0,
                                        end: monotonicSeconds(), bytes: Int64(a.range.count * 4), iteration: g))
                }
            }
            if let j = plan.shardReadyTask.firstIndex(of: t) { onShardReady?(j) }
            lock()
            doneGeneration[t] = g
            finishOne(generation: g)
            pthread_cond_broadcast(&condition)
            unlock()
        }
        // Leave only when every task of this generation is done (no peer still reads our buffers).
        lock()
        if total == 0 { finishEmpty(generation: g) }
        while completedGeneration < g { pthread_cond_wait(&condition, &mutex) }
        let keepGoing = g < stopAfter
        unlock()
        return keepGoing
    }

    /// Task `t` of generation `g` may run: its dependencies are done and its sender entered the collective.
    @inline(__always) private func isReady(_ t: Int, _ g: Int) -> Bool {
        for d in deps[t] where doneGeneration[d] < g { return false }
        if let a = plan.actions[t], a.from < deviceCount, entered[a.from] < g { return false }
        return true
    }

    /// Counts one completed task (lock held); the last one closes the generation and samples the stop flag.
    private func finishOne(generation g: Int) {
        completed += 1
        if completed == plan.schedule.count { close(generation: g) }
    }

    /// A plan without tasks (one worker) still closes each generation once every participant entered.
    private func finishEmpty(generation g: Int) {
        if (0..<deviceCount).allSatisfy({ entered[$0] >= g }), completedGeneration < g { close(generation: g) }
        pthread_cond_broadcast(&condition)
    }

    private func close(generation g: Int) {
        completed = 0
        completedGeneration = g
        if stopRequested() { stopAfter = min(stopAfter, g) }
    }

    private func lock() { pthread_mutex_lock(&mutex) }
    private func unlock() { pthread_mutex_unlock(&mutex) }
}
