import Foundation
import LinkscopeKernels

/// Micro-batch order of a pipeline stage.
public enum PipelineSchedule: String, Sendable, CaseIterable {
    /// All forwards, then all backwards (GPipe).
    case gpipe
    /// One forward, one backward in the steady state (PipeDream-Flush / Megatron 1F1B).
    case oneFOneB = "1f1b"

    /// The work of `stage` of `stages` over `micro` micro-batches, in order: (isForward, micro-batch).
    public func order(stage: Int, stages: Int, micro: Int) -> [(forward: Bool, micro: Int)] {
        switch self {
        case .gpipe:
            return (0..<micro).map { (true, $0) } + (0..<micro).reversed().map { (false, $0) }
        case .oneFOneB:
            let warm = min(micro, stages - stage - 1)
            var out = (0..<warm).map { (forward: true, micro: $0) }
            var f = warm, b = 0
            while b < micro {
                if f < micro { out.append((true, f)); f += 1 }
                out.append((false, b)); b += 1
            }
            return out
        }
    }
}

/// Pipeline-parallel configuration: the model's named layers split into contiguous stages, one thread each.
public struct PipelineConfig: Sendable {
    public var model: ModelKind
    public var stages: Int
    public var microBatches: Int
    public var microBatchSize: Int
    public var iterations: Int
    public var schedule: PipelineSchedule
    public var optimizer: Optimizer
    public var seed: UInt64
    public init(model: ModelKind = .bookMNISTCNN, stages: Int = 2, microBatches: Int = 4, microBatchSize: Int = 16,
                iterations: Int = 10, schedule: PipelineSchedule = .oneFOneB,
                optimizer: Optimizer = Optimizer(kind: .sgd, learningRate: 0.02, momentum: 0.9), seed: UInt64 = 7) {
        self.model = model
        self.stages = stages
        self.microBatches = microBatches
        self.microBatchSize = microBatchSize
        self.iterations = iterations
        self.schedule = schedule
        self.optimizer = optimizer
        self.seed = seed
    }

    /// Layer ranges per stage: contiguous, balanced by forward FLOPs (at least one layer each).
    public func stageLayers(_ spec: ModelSpec) -> [Range<Int>] {
        let flops = spec.layerForwardFLOPs
        let s = max(1, min(stages, flops.count))
        var cuts = [0]
        let total = flops.reduce(0, +)
        var acc = 0.0
        for (i, f) in flops.enumerated() where cuts.count < s {
            acc += f
            let remainingLayers = flops.count - (i + 1)
            let remainingStages = s - cuts.count
            if acc >= total * Double(cuts.count) / Double(s) || remainingLayers == remainingStages {
                if i + 1 < flops.count { cuts.append(i + 1) }
            }
        }
        cuts.append(flops.count)
        return (0..<(cuts.count - 1)).map { cuts[$0]..<cuts[$0 + 1] }
    }
}

/// A one-slot-per-message mailbox between two pipeline stages: `(micro-batch, data)` messages in order.
/// Message buffers are recycled, so a hand-over costs two copies (into the message, out of it) and no
/// allocation.
///
/// In `loopback` mode (stage calibration) nothing waits: `receive` copies the latest message sent (zeros
/// before the first), so each stage does its hand-over copies without depending on its neighbours.
final class Mailbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(Int, [Float])] = []
    private var free: [[Float]] = []
    private let loopback: Bool
    private var latest: [Float]?

    init(loopback: Bool = false) { self.loopback = loopback }

    func send(_ micro: Int, _ data: UnsafePointer<Float>, count: Int) {
        condition.lock()
        var message = free.popLast() ?? []
        condition.unlock()
        if message.count != count { message = Array(repeating: 0, count: count) }
        message.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: data, count: count) }
        condition.lock()
        if loopback {
            if let old = latest { free.append(old) }
            latest = message
        } else {
            queue.append((micro, message))
            condition.signal()
        }
        condition.unlock()
    }

    /// Waits for micro-batch `micro` and copies its `count` floats into `into`.
    func receive(_ micro: Int, into: UnsafeMutablePointer<Float>, count: Int) {
        condition.lock()
        defer { condition.unlock() }
        if loopback {
            guard let data = latest, data.count == count else { into.update(repeating: 0, count: count); return }
            data.withUnsafeBufferPointer { into.update(from: $0.baseAddress!, count: count) }
            return
        }
        while !queue.contains(where: { $0.0 == micro }) { condition.wait() }
        let i = queue.firstIndex { $0.0 == micro }!
        let (_, data) = queue.remove(at: i)
        data.withUnsafeBufferPointer { into.update(from: $0.baseAddress!, count: min(count, data.count)) }
        free.append(data)
    }
}

/// Pipeline-parallel training on threads: each stage owns its layers (one replica per micro-batch in flight,
/// sharing weights and gradients), real activations go forward and real gradients come back between stages
/// through mailboxes, in GPipe or 1F1B order; each stage applies the optimizer after the last micro-batch.
public enum PipelineTrainer {
    public static func train(_ config: PipelineConfig, stop: StopFlag = StopFlag(),
                             progress: (@Sendable (Int, Double) -> Void)? = nil) throws -> TrainingRun {
        try run(config, stop: stop, progress: progress, loopback: false)
    }

    /// Every stage's own work in its schedule order, all stages at once, without waiting on each other
    /// (loopback mailboxes: the hand-over copies are done, the waits are not): the per-stage forward,
    /// backward and update times of `train` at the same concurrency, for calibrating the pipeline's compute.
    /// Stages meet once per iteration. The records' `forward`/`backward` are the stage's sums over
    /// micro-batches, as in `train`.
    public static func stageCompute(_ config: PipelineConfig) throws -> TrainingRun {
        try run(config, stop: StopFlag(), progress: nil, loopback: true)
    }

    static func run(_ config: PipelineConfig, stop: StopFlag, progress: (@Sendable (Int, Double) -> Void)?,
                    loopback: Bool) throws -> TrainingRun {
        BLAS.useSingleThread()
        let full = ModelSpec.make(config.model)
        let ranges = config.stageLayers(full)
        let s = ranges.count
        let mb = config.microBatchSize, m = config.microBatches
        let dataset = Dataset(seed: config.seed, count: max(4096, mb * m))
        let stages: [[Network]] = ranges.enumerated().map { i, r in
            let spec = full.slice(layers: r)
            let first = Network(spec: spec, batch: mb, seed: config.seed &+ UInt64(i))
            return [first] + (1..<m).map { _ in Network(spec: spec, batch: mb, sharing: first) }
        }
        let forwardBox = (0..<s).map { _ in Mailbox(loopback: loopback) }  // into stage i
        let backwardBox = (0..<s).map { _ in Mailbox(loopback: loopback) }  // into stage i
        let results = ResultBox(devices: s)
        let origin = monotonicSeconds()
        let group = DispatchGroup()
        let decision = StopDecision()
        for st in 0..<s {
            group.enter()
            Thread {
                defer { group.leave() }
                let nets = stages[st]
                let elements = nets[0].parameters.count
                let state = (0..<config.optimizer.stateBuffers).map { _ in FloatBuffer(count: elements) }
                let labels = UnsafeMutablePointer<Int32>.allocate(capacity: mb * m)
                defer { labels.deallocate() }
                var records: [IterationRecord] = []
                var spans: [MeasuredSpan] = []
                let last = st == s - 1
                for it in 0..<config.iterations {
                    let start = monotonicSeconds()
                    nets[0].gradients.zero()
                    var fwd = 0.0, bwd = 0.0, wait = 0.0, loss = 0.0, correct = 0
                    for (isForward, k) in config.schedule.order(stage: st, stages: s, micro: m) {
                        let net = nets[k]
                        let w0 = monotonicSeconds()
                        if isForward {
                            if st == 0 {
                                dataset.batch(first: (it * m + k) * mb, size: mb, images: net.input, labels: labels + k * mb)
                            } else {
                                forwardBox[st].receive(k, into: net.input, count: mb * net.spec.inputSize)
                            }
                            if last && st > 0 { dataset.labels(first: (it * m + k) * mb, size: mb, into: labels + k * mb) }
                            let t0 = monotonicSeconds()
                            net.forward()
                            if last {
                                let r = SoftmaxCrossEntropy.forwardBackward(
                                    logits: net.output, labels: labels + k * mb, batch: mb, classes: full.classes,
                                    dLogits: net.outputGradient)
                                loss += r.loss / Double(m)
                                correct += r.correct
                            } else {
                                forwardBox[st + 1].send(k, net.output, count: mb * net.spec.outputSize)
                            }
                            let t1 = monotonicSeconds()
                            fwd += t1 - t0
                            wait += t0 - w0
                            spans.append(MeasuredSpan(kind: .forward, name: "fwd mb\(k)", start: t0, end: t1,
                                                      iteration: it))
                        } else {
                            if !last { backwardBox[st].receive(k, into: net.outputGradient, count: mb * net.spec.outputSize) }
                            let t0 = monotonicSeconds()
                            net.backward(inputGradient: st > 0)
                            if st > 0 { backwardBox[st - 1].send(k, net.inputGradientPointer, count: mb * net.spec.inputSize) }
                            let t1 = monotonicSeconds()
                            bwd += t1 - t0
                            wait += t0 - w0
                            spans.append(MeasuredSpan(kind: .backward, name: "bwd mb\(k)", start: t0, end: t1,
                                                      iteration: it))
                        }
                    }
                    let u0 = monotonicSeconds()
                    config.optimizer.apply(weights: nets[0].parameters.pointer, gradients: nets[0].gradients.pointer,
                                           state: state.map(\.pointer), range: 0..<elements,
                                           gradScale: 1 / Float(m), step: it + 1)
                    let end = monotonicSeconds()
                    spans.append(MeasuredSpan(kind: .update, name: "optimizer", start: u0, end: end, iteration: it))
                    records.append(IterationRecord(iteration: it, start: start, end: end, forward: fwd, backward: bwd,
                                                   sync: 0, update: end - u0, loss: last ? loss : 0,
                                                   correct: last ? correct : 0, layerForward: [], layerBackward: []))
                    if last { progress?(it + 1, loss) }
                    if !decision.continueAfter(iteration: it, participants: s, stop: stop) { break }
                }
                results.set(st, records: records, spans: spans, weights: nets[0].parameters.array)
            }.start()
        }
        group.wait()
        let records = (0..<s).map { results.records[$0] }
        var cfg = TrainingConfig(model: config.model, workers: s, batchPerWorker: mb * m, iterations: config.iterations,
                                 sync: .ring)
        cfg.seed = config.seed
        return TrainingRun(config: cfg, layerNames: ranges.map { r in full.layerNames[r].joined(separator: "+") },
                           records: records, spans: results.spans, finalWeights: (0..<s).map { results.weights[$0] },
                           origin: origin, stoppedEarly: (records.map(\.count).min() ?? 0) < config.iterations,
                           gradientBytes: 0)
    }
}

/// Agreement on stopping between threads that do not share a collective: every participant reports the end
/// of an iteration; the last one samples the stop flag for all.
final class StopDecision: @unchecked Sendable {
    private let condition = NSCondition()
    private var arrived: [Int: Int] = [:]
    private var verdict: [Int: Bool] = [:]
    func continueAfter(iteration: Int, participants: Int, stop: StopFlag) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        arrived[iteration, default: 0] += 1
        if arrived[iteration] == participants {
            verdict[iteration] = !stop.isSet
            condition.broadcast()
        }
        while verdict[iteration] == nil { condition.wait() }
        return verdict[iteration]!
    }
}
