import Foundation
import LinkscopeKernels

/// What to train and how.
public struct TrainingConfig: Sendable {
    public var model: ModelKind
    public var workers: Int
    public var batchPerWorker: Int
    public var iterations: Int
    public var sync: SyncScheme
    /// Parameter-server shards (threads), `ps` only.
    public var servers: Int
    public var optimizer: Optimizer
    public var seed: UInt64
    /// Pipelining piece of the collectives, in floats.
    public var chunkElements: Int
    /// Samples generated up front (workers cycle through them).
    public var datasetSize: Int
    /// Record a span per kernel and per transfer (the profiler).
    public var recordSpans: Bool

    public init(model: ModelKind = .bookMNISTCNN, workers: Int = 2, batchPerWorker: Int = 64, iterations: Int = 10,
                sync: SyncScheme = .ring, servers: Int = 1,
                optimizer: Optimizer = Optimizer(kind: .sgd, learningRate: 0.02, momentum: 0.9), seed: UInt64 = 7,
                chunkElements: Int = 1 << 16, datasetSize: Int = 4096, recordSpans: Bool = true) {
        self.model = model
        self.workers = workers
        self.batchPerWorker = batchPerWorker
        self.iterations = iterations
        self.sync = sync
        self.servers = servers
        self.optimizer = optimizer
        self.seed = seed
        self.chunkElements = chunkElements
        self.datasetSize = datasetSize
        self.recordSpans = recordSpans
    }
}

/// One worker's measured phases in one iteration (seconds, wall clock).
public struct IterationRecord: Sendable {
    public var iteration: Int
    public var start: Double
    public var end: Double
    public var forward: Double
    public var backward: Double
    public var sync: Double
    public var update: Double
    public var loss: Double
    public var correct: Int
    /// Per named layer.
    public var layerForward: [Double]
    public var layerBackward: [Double]
    public var duration: Double { end - start }
}

/// A finished run: per worker (then per server) records and spans, and the final weights of every worker.
public struct TrainingRun: Sendable {
    public var config: TrainingConfig
    public var layerNames: [String]
    public var records: [[IterationRecord]]
    /// Per device (workers, then parameter servers): every kernel, transfer and phase recorded.
    public var spans: [[MeasuredSpan]]
    public var finalWeights: [[Float]]
    public var origin: Double
    public var stoppedEarly: Bool
    public var gradientBytes: Int64

    /// Mean loss and accuracy over workers of iteration `i`.
    public func loss(at i: Int) -> Double { records.map { $0[i].loss }.reduce(0, +) / Double(records.count) }
    public func accuracy(at i: Int) -> Double {
        Double(records.map { $0[i].correct }.reduce(0, +)) / Double(records.count * config.batchPerWorker)
    }
    public var completedIterations: Int { records.map(\.count).min() ?? 0 }
}

/// Requests a clean stop (Ctrl-C); checked at the end of each iteration's collective.
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    public init() {}
    public func request() { lock.lock(); value = true; lock.unlock() }
    public var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// Pre-generated data, shared read-only by every worker.
final class Dataset: @unchecked Sendable {
    let images: FloatBuffer
    let labels: UnsafeMutablePointer<Int32>
    let count: Int
    init(seed: UInt64, count: Int) {
        self.count = count
        images = FloatBuffer(count: count * 784)
        labels = .allocate(capacity: count)
        SyntheticDigits(seed: seed).fill(first: 0, count: count, images: images.pointer, labels: labels)
    }
    deinit { labels.deallocate() }
    /// Copies only the labels of a batch (the last pipeline stage).
    func labels(first: Int, size: Int, into dl: UnsafeMutablePointer<Int32>) {
        for i in 0..<size { dl[i] = labels[(first + i) % count] }
    }

    /// Copies the batch of `size` samples starting at `first` (wrapping) into `images`/`labels`.
    func batch(first: Int, size: Int, images dst: UnsafeMutablePointer<Float>, labels dl: UnsafeMutablePointer<Int32>) {
        for i in 0..<size {
            let s = (first + i) % count
            (dst + i * 784).update(from: images.pointer + s * 784, count: 784)
            dl[i] = labels[s]
        }
    }
}

/// Data-parallel training on worker threads: each worker runs forward and backward on its shard of the global
/// batch with real kernels, then gradients are synchronised by executing the collective schedule the simulator
/// compiles (`CollectivePlan`), then every replica applies the optimizer (or pulls updated weights from the
/// parameter-server threads).
public enum DataParallelTrainer {
    public static func train(_ config: TrainingConfig, stop: StopFlag = StopFlag(),
                             progress: (@Sendable (Int, Double) -> Void)? = nil) throws -> TrainingRun {
        BLAS.useSingleThread()
        let spec = ModelSpec.make(config.model)
        let n = max(1, config.workers)
        let batch = config.batchPerWorker
        let dataset = Dataset(seed: config.seed, count: max(config.datasetSize, n * batch))
        let nets = (0..<n).map { _ in Network(spec: spec, batch: batch, seed: config.seed) }
        let elements = spec.parameterCount
        let plan = try CollectivePlan(scheme: config.sync, workers: n, elements: elements,
                                      servers: max(1, config.servers), chunkElements: config.chunkElements)
        let collective = ThreadCollective(plan: plan)
        collective.stopRequested = { stop.isSet }
        let snapshots = config.sync == .naive ? nets.map { _ in FloatBuffer(count: elements) } : []
        for (w, net) in nets.enumerated() {
            collective.bind(.gradients, device: w, to: net.gradients)
            collective.bind(.weights, device: w, to: net.parameters)
            if config.sync == .naive { collective.bind(.snapshot, device: w, to: snapshots[w]) }
        }
        // Parameter servers: every server holds the full-size buffers and owns only its shard's range.
        let serverWeights = plan.servers.map { _ in FloatBuffer(nets[0].parameters.array) }
        let serverSums = plan.servers.map { _ in FloatBuffer(count: elements) }
        let serverState = plan.servers.map { _ in (0..<config.optimizer.stateBuffers).map { _ in FloatBuffer(count: elements) } }
        for (j, d) in plan.servers.enumerated() {
            collective.bind(.serverWeights, device: d, to: serverWeights[j])
            collective.bind(.serverSum, device: d, to: serverSums[j])
        }
        let states = nets.map { _ in (0..<config.optimizer.stateBuffers).map { _ in FloatBuffer(count: elements) } }

        let results = ResultBox(devices: n + plan.servers.count)
        let origin = monotonicSeconds()
        let group = DispatchGroup()
        let scale = 1 / Float(n)
        for w in 0..<n {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                let net = nets[w]
                let labels = UnsafeMutablePointer<Int32>.allocate(capacity: batch)
                defer { labels.deallocate() }
                var records: [IterationRecord] = []
                var spans: [MeasuredSpan] = []
                let record: ((MeasuredSpan) -> Void)? = config.recordSpans ? { spans.append($0) } : nil
                let step = LocalStep(net: net, labels: labels)
                for it in 0..<config.iterations {
                    let g = it + 1
                    let times = step.run(dataset: dataset, first: (it * n + w) * batch)
                    let (start, f0, f1, b1) = (times.start, times.forwardStart, times.forwardEnd, times.backwardEnd)
                    let (loss, correct) = (times.loss, times.correct)
                    if config.sync == .naive { snapshots[w].copy(from: net.gradients) }
                    let more = collective.run(device: w, generation: g, record: record)
                    let s1 = monotonicSeconds()
                    if config.sync != .ps {
                        config.optimizer.apply(weights: net.parameters.pointer, gradients: net.gradients.pointer,
                                               state: states[w].map(\.pointer), range: 0..<elements,
                                               gradScale: scale, step: g)
                    }
                    let u1 = monotonicSeconds()
                    let layers = net.layerSeconds
                    records.append(IterationRecord(iteration: it, start: start, end: u1, forward: f1 - f0,
                                                   backward: b1 - f1, sync: s1 - b1, update: u1 - s1, loss: loss,
                                                   correct: correct, layerForward: layers.forward,
                                                   layerBackward: layers.backward))
                    if config.recordSpans {
                        Self.recordKernels(net: net, start: f0, iteration: it, into: &spans)
                        spans.append(MeasuredSpan(kind: .sync, name: "sync \(config.sync.rawValue)", start: b1,
                                                  end: s1, bytes: Int64(elements * 4), iteration: it))
                        spans.append(MeasuredSpan(kind: .update, name: "optimizer", start: s1, end: u1, iteration: it))
                    }
                    if w == 0 { progress?(it + 1, loss) }
                    if !more { break }
                }
                results.set(w, records: records, spans: spans, weights: net.parameters.array)
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        for (j, device) in plan.servers.enumerated() {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var spans: [MeasuredSpan] = []
                let record: ((MeasuredSpan) -> Void)? = config.recordSpans ? { spans.append($0) } : nil
                let range = plan.shards[j]
                for it in 0..<config.iterations {
                    let more = collective.run(device: device, generation: it + 1, record: record) { _ in
                        let t0 = monotonicSeconds()
                        config.optimizer.apply(weights: serverWeights[j].pointer, gradients: serverSums[j].pointer,
                                               state: serverState[j].map(\.pointer), range: range,
                                               gradScale: scale, step: it + 1)
                        (serverSums[j].pointer + range.lowerBound).update(repeating: 0, count: range.count)
                        record?(MeasuredSpan(kind: .update, name: "server update", start: t0,
                                             end: monotonicSeconds(), iteration: it))
                    }
                    if !more { break }
                }
                results.set(n + j, records: [], spans: spans, weights: [])
            }
            thread.start()
        }
        group.wait()
        let records = (0..<n).map { results.records[$0] }
        let done = records.map(\.count).min() ?? 0
        return TrainingRun(config: config, layerNames: spec.layerNames, records: records, spans: results.spans,
                           finalWeights: (0..<n).map { results.weights[$0] }, origin: origin,
                           stoppedEarly: done < config.iterations, gradientBytes: Int64(elements * 4))
    }

    /// One span per kernel of the last forward and backward, laid end to end from `start`.
    static func recordKernels(net: Network, start: Double, iteration: Int, into spans: inout [MeasuredSpan]) {
        var t = start
        for (i, d) in net.forwardSeconds.enumerated() {
            spans.append(MeasuredSpan(kind: .forward, name: "fwd " + net.spec.opName(i), start: t, end: t + d,
                                      iteration: iteration))
            t += d
        }
        t += 0
        for i in net.spec.ops.indices.reversed() {
            let d = net.backwardSeconds[i]
            spans.append(MeasuredSpan(kind: .backward, name: "bwd " + net.spec.opName(i), start: t, end: t + d,
                                      iteration: iteration))
            t += d
        }
    }
}

/// Collects per-thread results (each slot written once by its thread).
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    var records: [[IterationRecord]]
    var spans: [[MeasuredSpan]]
    var weights: [[Float]]
    init(devices: Int) {
        records = Array(repeating: [], count: devices)
        spans = Array(repeating: [], count: devices)
        weights = Array(repeating: [], count: devices)
    }
    func set(_ i: Int, records r: [IterationRecord], spans s: [MeasuredSpan], weights w: [Float]) {
        lock.lock()
        records[i] = r
        spans[i] = s
        weights[i] = w
        lock.unlock()
    }
}

extension ModelSpec {
    /// "conv1", "relu", "pool", … with the layer name for parameter-free ops.
    public func opName(_ i: Int) -> String {
        let layer = layerNames[layerOfOp[i]]
        switch ops[i] {
        case .conv, .linear: return layer
        case .relu: return layer + " relu"
        case .maxPool2: return layer + " pool"
        case .flatten: return layer + " flatten"
        }
    }
}
