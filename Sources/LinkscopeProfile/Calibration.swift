import Foundation
import LinkscopeKernels
import LinkscopeTraining

/// Measured compute of one named layer at the calibration batch (single thread, median of repeats).
public struct LayerTiming: Sendable, Equatable {
    public var name: String
    public var parameters: Int
    /// Real forward FLOPs per sample (GEMMs).
    public var forwardFLOPs: Double
    public var forwardSeconds: Double
    public var backwardSeconds: Double
    /// Achieved forward FLOP/s on this layer's shapes.
    public var forwardRate: Double { forwardSeconds > 0 ? forwardFLOPs / forwardSeconds : 0 }
}

/// What `linkscope calibrate` measures on this machine.
public struct Calibration: Sendable {
    public var cores: Int
    /// Single-thread memory copy of a large buffer, bytes per second.
    public var copyBandwidth: Double
    /// Single-thread `y += x` over large buffers, bytes of `x` per second.
    public var reduceBandwidth: Double
    /// Thread transport: one-way time of an S-byte message = α + S/β: β from a ping-pong sweep, α the
    /// hand-over latency between busy threads (`Calibrator.busyWakeLatency`).
    public var alpha: Double
    public var beta: Double
    public var pingPong: [(bytes: Int, seconds: Double)]
    public var model: ModelKind
    /// Batch per worker the layer timings were taken at.
    public var batch: Int
    public var layers: [LayerTiming]
    /// Optimizer step over all parameters, seconds.
    public var updateSeconds: Double
    /// Whole lock-stepped data-parallel steps per thread count (`StepTiming`); the preset uses the one
    /// measured at the run's worker count and falls back to the per-layer timings shared C/T without it.
    public var steps: [StepTiming] = []
    /// Pipeline stages' compute measured at the pipeline's own concurrency (`StageTiming`), when calibrated for
    /// a pipeline; without it the pipeline's compute comes from the per-layer timings.
    public var stages: [StageTiming] = []

    /// The step timing measured on `threads` threads, if any.
    public func step(threads: Int) -> StepTiming? { steps.first { $0.threads == threads } }

    /// Forward FLOPs per second of the whole model at `batch`: the reference rate of the preset.
    public var referenceRate: Double {
        let f = layers.reduce(0) { $0 + $1.forwardFLOPs } * Double(batch)
        let t = layers.reduce(0) { $0 + $1.forwardSeconds }
        return t > 0 ? f / t : 0
    }
}

extension Calibration {
    /// The mean of two calibrations of the same model and batch (taken before and after a run, so that a
    /// change in the machine's load during the run weighs on both sides of the comparison alike).
    public func averaged(with o: Calibration) -> Calibration {
        var c = self
        c.copyBandwidth = (copyBandwidth + o.copyBandwidth) / 2
        c.reduceBandwidth = (reduceBandwidth + o.reduceBandwidth) / 2
        c.alpha = (alpha + o.alpha) / 2
        c.beta = 2 / (1 / beta + 1 / o.beta)
        c.updateSeconds = (updateSeconds + o.updateSeconds) / 2
        if stages.count == o.stages.count { c.stages = zip(stages, o.stages).map { $0.averaged(with: $1) } }
        c.steps = steps.map { s in o.step(threads: s.threads).map { s.averaged(with: $0) } ?? s }
        for i in c.layers.indices where i < o.layers.count {
            c.layers[i].forwardSeconds = (layers[i].forwardSeconds + o.layers[i].forwardSeconds) / 2
            c.layers[i].backwardSeconds = (layers[i].backwardSeconds + o.layers[i].backwardSeconds) / 2
        }
        return c
    }
}

public enum Calibrator {
    /// Logical CPUs online.
    public static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Measures transport, memory and per-layer compute. `repeats` trades time for stability.
    /// - Parameter concurrency: threads timing the layers at once (each its own replica): the run's busy
    ///   threads up to the core count, so that the shared memory bandwidth and any other load on the machine
    ///   weigh on the calibration as on the run. Oversubscription beyond the cores is modelled, not measured.
    /// - Parameter stepThreads: thread counts to measure whole lock-stepped steps at (`StepTiming`), with
    ///   `stepRounds` steps each; `workersUpdate`: whether the workers apply the optimizer (not under `ps`).
    public static func measure(model: ModelKind, batch: Int, repeats: Int = 5, concurrency: Int = 1,
                               replicas: Int = 1, stepThreads: [Int] = [], stepRounds: Int = 6,
                               workersUpdate: Bool = true) -> Calibration {
        BLAS.useSingleThread()
        let (copy, reduce) = memoryBandwidth(bytes: 32 << 20, repeats: repeats)
        let sweep = pingPong(sizes: [4 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20], rounds: max(4, repeats * 2))
        let (_, beta) = fit(sweep)
        let alpha = busyWakeLatency(threads: max(2, min(concurrency, cores)), rounds: max(8, repeats * 4))
        let (layers, update) = concurrentLayerTimings(model: model, batch: batch, repeats: repeats,
                                                      threads: max(1, min(concurrency, cores)), replicas: replicas)
        let steps = stepThreads.map {
            stepTiming(model: model, batch: batch, threads: $0, steps: stepRounds, update: workersUpdate)
        }
        return Calibration(cores: cores, copyBandwidth: copy, reduceBandwidth: reduce, alpha: alpha, beta: beta,
                           pingPong: sweep, model: model, batch: batch, layers: layers, updateSeconds: update,
                           steps: steps)
    }

    /// Best-of-`repeats` single-thread memcpy and axpy bandwidths over buffers far larger than the caches.
    public static func memoryBandwidth(bytes: Int, repeats: Int) -> (copy: Double, reduce: Double) {
        let n = bytes / 4
        let a = FloatBuffer(count: n), b = FloatBuffer(count: n)
        for i in 0..<n { a[i] = Float(i & 1023) }
        var bestCopy = Double.infinity, bestReduce = Double.infinity
        for _ in 0..<max(1, repeats) {
            let t0 = monotonicSeconds()
            b.pointer.update(from: a.pointer, count: n)
            let t1 = monotonicSeconds()
            BLAS.axpy(n, x: a.pointer, y: b.pointer)
            let t2 = monotonicSeconds()
            bestCopy = min(bestCopy, t1 - t0)
            bestReduce = min(bestReduce, t2 - t1)
        }
        return (Double(bytes) / bestCopy, Double(bytes) / bestReduce)
    }

    /// Ping-pong between two threads: each hop copies the message into the other thread's buffer and wakes it
    /// (the same copy-and-signal a collective transfer does). Returns (bytes, median one-way seconds).
    public static func pingPong(sizes: [Int], rounds: Int) -> [(bytes: Int, seconds: Double)] {
        sizes.map { size in
            let n = size / 4
            let a = FloatBuffer(count: n), b = FloatBuffer(count: n)
            let baton = Baton()
            var times: [Double] = []
            let group = DispatchGroup()
            group.enter()
            Thread {
                for _ in 0..<rounds {
                    baton.wait(for: 1)
                    a.pointer.update(from: b.pointer, count: n)
                    baton.pass(to: 0)
                }
                group.leave()
            }.start()
            for _ in 0..<rounds {
                let t0 = monotonicSeconds()
                b.pointer.update(from: a.pointer, count: n)
                baton.pass(to: 1)
                baton.wait(for: 0)
                times.append((monotonicSeconds() - t0) / 2)
            }
            group.wait()
            times.sort()
            return (size, times[times.count / 2])
        }
    }

    /// α as training threads see it: the delay between one thread handing over a message and the waiting
    /// thread running again, when both have been computing (`threads` busy threads, one GEMM burst of about a
    /// millisecond between hand-overs). On a quiet machine this is microseconds; when other processes compete
    /// for the cores it is the scheduler's time slice, and it is what a collective's or a pipeline's hand-overs
    /// pay. Median over `rounds`.
    public static func busyWakeLatency(threads: Int, rounds: Int) -> Double {
        let n = 192
        let baton = Baton()
        let stamps = LatencyBox()
        let group = DispatchGroup()
        for t in 0..<threads {
            group.enter()
            Thread {
                let a = FloatBuffer(count: n * n), b = FloatBuffer(count: n * n), c = FloatBuffer(count: n * n)
                for r in 0..<rounds {
                    // Busy like a training step; the receiver of this round computes less so that it is already
                    // blocked when the message comes, and its wait measures a wake-up.
                    let receiver = t == (r + 1) % threads
                    for _ in 0..<(receiver ? 1 : 4) {
                        BLAS.gemm(m: n, n: n, k: n, a: a.pointer, b: b.pointer, c: c.pointer)
                    }
                    if t == r % threads {
                        stamps.handOver(at: monotonicSeconds())
                        baton.pass(to: (r + 1) % threads)
                    } else if receiver {
                        baton.wait(for: t)
                        stamps.woke(at: monotonicSeconds())
                    }
                }
                group.leave()
            }.start()
        }
        group.wait()
        return stamps.median
    }

    /// t = α + S/β: β from the least-squares slope over the messages of 1 MiB and more (bandwidth-bound),
    /// α from the smallest message (latency-bound: on a loaded machine mostly the receiver's wake-up).
    public static func fit(_ points: [(bytes: Int, seconds: Double)]) -> (alpha: Double, beta: Double) {
        let large = points.filter { $0.bytes >= 1 << 20 }
        let use = large.count >= 2 ? large : points
        let n = Double(use.count)
        let mx = use.reduce(0) { $0 + Double($1.bytes) } / n, my = use.reduce(0) { $0 + $1.seconds } / n
        var sxy = 0.0, sxx = 0.0
        for p in use {
            sxy += (Double(p.bytes) - mx) * (p.seconds - my)
            sxx += (Double(p.bytes) - mx) * (Double(p.bytes) - mx)
        }
        let slope = sxx > 0 && sxy > 0 ? sxy / sxx : (my > 0 && mx > 0 ? my / mx : 1e-10)
        guard let small = points.min(by: { $0.bytes < $1.bytes }) else { return (0, 1 / slope) }
        return (max(0, small.seconds - Double(small.bytes) * slope), 1 / slope)
    }

    /// `layerTimings` on `threads` threads at once; the median over threads of each figure.
    public static func concurrentLayerTimings(model: ModelKind, batch: Int, repeats: Int, threads: Int,
                                              replicas: Int = 1) -> ([LayerTiming], Double)
    {
        guard threads > 1 else { return layerTimings(model: model, batch: batch, repeats: repeats, replicas: replicas) }
        let box = TimingBox(threads)
        let group = DispatchGroup()
        for t in 0..<threads {
            group.enter()
            Thread {
                box.set(t, layerTimings(model: model, batch: batch, repeats: repeats, replicas: replicas))
                group.leave()
            }.start()
        }
        group.wait()
        let all = box.results
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        let layers = all[0].0.indices.map { l in
            var x = all[0].0[l]
            x.forwardSeconds = median(all.map { $0.0[l].forwardSeconds })
            x.backwardSeconds = median(all.map { $0.0[l].backwardSeconds })
            return x
        }
        return (layers, median(all.map(\.1)))
    }

    /// Median forward and backward seconds of each named layer at `batch`, and of one optimizer step.
    /// - Parameter replicas: micro-batches in flight (pipeline): that many replicas sharing the weights run
    ///   all forwards, then all backwards, as a GPipe stage does, so their activations compete for the caches
    ///   as in the run; each layer's time is the mean over replicas.
    public static func layerTimings(model: ModelKind, batch: Int, repeats: Int, replicas: Int = 1)
        -> ([LayerTiming], Double)
    {
        let spec = ModelSpec.make(model)
        let first = Network(spec: spec, batch: batch, seed: 3)
        let nets = [first] + (1..<max(1, replicas)).map { _ in Network(spec: spec, batch: batch, sharing: first) }
        for net in nets {
            for i in 0..<(spec.inputSize * batch) { net.input[i] = Float((i * 7919) % 255) / 255 }
        }
        var fwd: [[Double]] = Array(repeating: [], count: spec.layerNames.count), bwd = fwd
        var updates: [Double] = []
        let optimizer = Optimizer(kind: .sgd, learningRate: 0, momentum: 0.9)
        let state = FloatBuffer(count: first.parameters.count)
        let m = Double(nets.count)
        for r in 0..<(repeats + 1) {
            var f = Array(repeating: 0.0, count: spec.layerNames.count), b = f
            for net in nets {
                net.forward()
                for (l, t) in net.layerSeconds.forward.enumerated() { f[l] += t / m }
            }
            for net in nets.reversed() {
                for i in 0..<(batch * spec.classes) { net.outputGradient[i] = 1e-3 }
                net.backward()
                for (l, t) in net.layerSeconds.backward.enumerated() { b[l] += t / m }
            }
            let u0 = monotonicSeconds()
            optimizer.apply(weights: first.parameters.pointer, gradients: first.gradients.pointer, state: [state.pointer],
                            range: 0..<first.parameters.count, step: 1)
            let u1 = monotonicSeconds()
            guard r > 0 else { continue }  // first pass warms caches and page tables
            for l in f.indices { fwd[l].append(f[l]); bwd[l].append(b[l]) }
            updates.append(u1 - u0)
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        let flops = spec.layerForwardFLOPs, params = spec.layerParameters
        let layers = spec.layerNames.indices.map {
            LayerTiming(name: spec.layerNames[$0], parameters: params[$0], forwardFLOPs: flops[$0],
                        forwardSeconds: median(fwd[$0]), backwardSeconds: median(bwd[$0]))
        }
        return (layers, median(updates))
    }
}

/// Hands a turn between two threads (ping-pong).
final class Baton: @unchecked Sendable {
    private let condition = NSCondition()
    private var turn = 0
    func pass(to t: Int) { condition.lock(); turn = t; condition.broadcast(); condition.unlock() }
    func wait(for t: Int) { condition.lock(); while turn != t { condition.wait() }; condition.unlock() }
}

/// Per-thread calibration results.
final class TimingBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [([LayerTiming], Double)?]
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ r: ([LayerTiming], Double)) { lock.lock(); slots[i] = r; lock.unlock() }
    var results: [([LayerTiming], Double)] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
}

/// Hand-over and wake-up times of `busyWakeLatency`.
final class LatencyBox: @unchecked Sendable {
    private let lock = NSLock()
    private var last = 0.0
    private var samples: [Double] = []
    func handOver(at t: Double) { lock.lock(); last = t; lock.unlock() }
    func woke(at t: Double) { lock.lock(); samples.append(max(0, t - last)); lock.unlock() }
    var median: Double {
        lock.lock(); defer { lock.unlock() }
        guard !samples.isEmpty else { return 0 }
        let v = samples.sorted()
        return v[v.count / 2]
    }
}
