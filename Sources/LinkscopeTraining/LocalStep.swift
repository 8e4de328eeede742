import Foundation
import LinkscopeKernels

/// The part of a data-parallel worker's step that involves no other worker: load its shard of the batch, zero
/// the gradients, forward, loss, backward. `DataParallelTrainer` runs it before the gradient sync and
/// `LockstepCompute` runs it alone to calibrate compute, so both time the same code.
struct LocalStep {
    let net: Network
    let labels: UnsafeMutablePointer<Int32>

    /// Clock readings of one step: start, forward start (after data and zeroing), forward end (after the
    /// loss), backward end.
    struct Times {
        var start, forwardStart, forwardEnd, backwardEnd: Double
        var loss: Double
        var correct: Int
    }

    func run(dataset: Dataset, first: Int) -> Times {
        let batch = net.batch
        let start = monotonicSeconds()
        dataset.batch(first: first, size: batch, images: net.input, labels: labels)
        net.gradients.zero()
        let f0 = monotonicSeconds()
        net.forward()
        let (loss, correct) = SoftmaxCrossEntropy.forwardBackward(
            logits: net.output, labels: labels, batch: batch, classes: net.spec.classes, dLogits: net.outputGradient)
        let f1 = monotonicSeconds()
        net.backward()
        return Times(start: start, forwardStart: f0, forwardEnd: f1, backwardEnd: monotonicSeconds(), loss: loss,
                     correct: correct)
    }
}

/// One thread's compute in one lock-stepped step (seconds).
public struct ComputeSample: Sendable {
    /// Loading the batch and zeroing the gradients.
    public var prepare: Double
    /// Forward and loss.
    public var forward: Double
    public var backward: Double
    /// The optimizer step (0 when the workers do not apply it).
    public var update: Double
    public var layerForward: [Double]
    public var layerBackward: [Double]
}

/// What `LockstepCompute.run` measured.
public struct LockstepResult: Sendable {
    /// Per thread, per step.
    public var samples: [[ComputeSample]]
    /// Per step: from the barrier's release to the last thread's arrival at the next barrier (the slowest
    /// worker's compute, wake-up included: what a data-parallel iteration waits for before its sync).
    public var stepSeconds: [Double]
}

/// Data-parallel compute without the sync: `threads` worker threads, each with its own replica, run the
/// workers' local step (data, zeroing, forward, loss, backward, and the optimizer step when the workers
/// apply it) and then meet at a barrier, as they meet at the collective in training. On more threads than
/// cores this measures the oversubscription instead of modelling it, and the barrier makes the slowest
/// thread set each step, as it sets each iteration of the run.
public enum LockstepCompute {
    public static func run(model: ModelKind, batch: Int, threads: Int, steps: Int, update: Bool,
                           optimizer: Optimizer = Optimizer(kind: .sgd, learningRate: 0.02, momentum: 0.9),
                           seed: UInt64 = 11) -> LockstepResult
    {
        BLAS.useSingleThread()
        let spec = ModelSpec.make(model)
        let n = max(1, threads)
        let dataset = Dataset(seed: seed, count: max(1024, n * batch))
        let barrier = StepBarrier(parties: n)
        let box = SampleBox(threads: n)
        let group = DispatchGroup()
        // One more step than asked: the first touches buffers and page tables.
        let total = max(1, steps) + 1
        for t in 0..<n {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                let net = Network(spec: spec, batch: batch, seed: seed)
                let labels = UnsafeMutablePointer<Int32>.allocate(capacity: batch)
                defer { labels.deallocate() }
                let elements = net.parameters.count
                let state = (0..<optimizer.stateBuffers).map { _ in FloatBuffer(count: elements) }
                let step = LocalStep(net: net, labels: labels)
                barrier.arrive(at: monotonicSeconds())
                var mine: [ComputeSample] = []
                for s in 0..<total {
                    let times = step.run(dataset: dataset, first: (s * n + t) * batch)
                    var end = times.backwardEnd
                    if update {
                        optimizer.apply(weights: net.parameters.pointer, gradients: net.gradients.pointer,
                                        state: state.map(\.pointer), range: 0..<elements, gradScale: 1 / Float(n),
                                        step: s + 1)
                        end = monotonicSeconds()
                    }
                    let layers = net.layerSeconds
                    if s > 0 {
                        mine.append(ComputeSample(
                            prepare: times.forwardStart - times.start, forward: times.forwardEnd - times.forwardStart,
                            backward: times.backwardEnd - times.forwardEnd, update: end - times.backwardEnd,
                            layerForward: layers.forward, layerBackward: layers.backward))
                    }
                    barrier.arrive(at: end)
                }
                box.set(t, mine)
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        group.wait()
        return LockstepResult(samples: box.samples, stepSeconds: Array(barrier.stepSeconds.dropFirst(2)))
    }
}

/// A reusable barrier that also records, per round, the time from the previous release to the last arrival.
final class StepBarrier: @unchecked Sendable {
    private let condition = NSCondition()
    private let parties: Int
    private var waiting = 0
    private var round = 0
    private var lastArrival = 0.0
    private var released = 0.0
    private(set) var stepSeconds: [Double] = []

    init(parties: Int) { self.parties = parties }

    /// Waits for every party; `time` is this party's arrival (its compute's end).
    func arrive(at time: Double) {
        condition.lock()
        defer { condition.unlock() }
        lastArrival = max(lastArrival, time)
        waiting += 1
        if waiting == parties {
            stepSeconds.append(round == 0 ? 0 : lastArrival - released)
            waiting = 0
            round += 1
            lastArrival = 0
            released = monotonicSeconds()
            condition.broadcast()
            return
        }
        let mine = round
        while round == mine { condition.wait() }
    }
}

/// Per-thread samples (each slot written once).
final class SampleBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [[ComputeSample]]
    init(threads: Int) { slots = Array(repeating: [], count: threads) }
    func set(_ i: Int, _ s: [ComputeSample]) { lock.lock(); slots[i] = s; lock.unlock() }
    var samples: [[ComputeSample]] { lock.lock(); defer { lock.unlock() }; return slots }
}
