import Foundation
import LinkscopeKernels
import LinkscopeTraining

/// Training kernels against OpenBLAS itself, thread all-reduce against memcpy, and training throughput.
enum KernelsBench {
    static func best(_ repeats: Int, _ body: () -> Void) -> Double {
        body()
        var t = Double.infinity
        for _ in 0..<repeats {
            let t0 = monotonicSeconds()
            body()
            t = min(t, monotonicSeconds() - t0)
        }
        return t
    }

    static func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(1, width - s.count)) }

    /// OpenBLAS's best time for one m×n×k sgemm of packed matrices over its layouts (NN, NT, TN).
    static func bestSGEMM(m: Int, n: Int, k: Int) -> Double {
        let a = FloatBuffer(count: m * k), b = FloatBuffer(count: k * n), c = FloatBuffer(count: m * n)
        for i in 0..<a.count { a[i] = Float(i % 7) * 0.1 }
        for i in 0..<b.count { b[i] = Float(i % 5) * 0.1 }
        return [(false, false), (false, true), (true, false)].map { ta, tb in
            best(7) { BLAS.gemm(transA: ta, transB: tb, m: m, n: n, k: k, a: a.pointer, b: b.pointer, c: c.pointer) }
        }.min() ?? .infinity
    }

    static func run(_ arguments: [String]) {
        BLAS.useSingleThread()
        let batch = 64
        let spec = ModelSpec.make(.bookMNISTCNN)
        let net = Network(spec: spec, batch: batch, seed: 1)
        for i in 0..<(784 * batch) { net.input[i] = Float(i % 255) / 255 }
        // The GEMMs of one training step, per layer and pass, exactly as the kernels issue them (convolution
        // block by block into column slices of the output, linear layers with their transposes: the GEMM path of
        // training, without im2col, bias and pooling) against OpenBLAS's best on the same m×n×k: one sgemm of
        // packed matrices, in whichever of its layouts (NN, NT, TN) is fastest there.
        print("GEMMs of one training step of the book CNN at batch 64, one thread: our GEMM path (as the kernels")
        print("issue them: blocks, leading dimensions, transposes) vs OpenBLAS's best sgemm on the same m×n×k:")
        print("layer   pass      gemm (m×n×k)               OpenBLAS GFLOP/s   ours GFLOP/s   ours/OpenBLAS")
        net.forward()  // fills every layer's input
        for i in 0..<(batch * spec.classes) { net.outputGradient[i] = 1e-3 }
        net.backward()
        var peakTime = 0.0, oursTime = 0.0, allFlops = 0.0
        for (i, op) in spec.ops.enumerated() {
            let shapes: [(pass: String, m: Int, n: Int, k: Int)]
            switch op {
            case .conv(let s):
                let cols = batch * s.outPlane
                shapes = [("forward", s.outChannels, cols, s.patch), ("weight-grad", s.outChannels, s.patch, cols)]
                    + (i > 0 ? [("input-grad", s.patch, cols, s.outChannels)] : [])
            case .linear(let a, let o):
                shapes = [("forward", batch, o, a), ("weight-grad", o, a, batch), ("input-grad", batch, a, o)]
            default: continue
            }
            let forward = best(7) { net.forwardOp(i, gemmOnly: true) }
            let backward = best(7) { net.backwardOp(i, gemmOnly: true) }
            let peaks = shapes.map { bestSGEMM(m: $0.m, n: $0.n, k: $0.k) }
            let flops = shapes.map { 2 * Double($0.m * $0.n * $0.k) }
            // Forward is one shape; backward the sum of its shapes.
            for (pass, ours, range) in [("forward", forward, 0..<1), ("backward", backward, 1..<shapes.count)] {
                let f = range.reduce(0.0) { $0 + flops[$1] }, peak = range.reduce(0.0) { $0 + peaks[$1] }
                let dims = range.map { "\(shapes[$0].m)×\(shapes[$0].n)×\(shapes[$0].k)" }.joined(separator: "+")
                print(pad(spec.opName(i), 8) + pad(pass, 10) + pad(dims, 27)
                    + String(format: "%16.1f %14.1f %14.0f %%", f / peak / 1e9, f / ours / 1e9, peak / ours * 100))
                peakTime += peak
                oursTime += ours
                allFlops += f
            }
        }
        print(String(format: "all GEMMs of a step                        %17.1f %14.1f %14.0f %%", allFlops / peakTime / 1e9,
                     allFlops / oursTime / 1e9, peakTime / oursTime * 100))
        // The whole layer kernels of the forward (im2col, bias, pooling, ReLU included) for scale.
        let kernels = best(5) { net.forward() }
        let forwardFlops = spec.layerForwardFLOPs.reduce(0, +) * Double(batch)
        print(String(format: "whole forward (all kernels, not only GEMMs): %.1f GFLOP/s", forwardFlops / kernels / 1e9))
        let big = 1024
        let a = FloatBuffer(count: big * big), b = FloatBuffer(count: big * big), c = FloatBuffer(count: big * big)
        let t1024 = best(3) { BLAS.gemm(m: big, n: big, k: big, a: a.pointer, b: b.pointer, c: c.pointer) }
        print(String(format: "reference: sgemm 1024³, one thread: %.1f GFLOP/s", 2 * pow(1024, 3) / t1024 / 1e9))

        // Thread all-reduce (ring schedule executed on real buffers) vs this machine's memory-copy bandwidth
        // (memcpy of 64 MiB, far beyond the caches, as the 11 GB/s), measured in the same run.
        let copyElements = (64 << 20) / 4
        let copySource = FloatBuffer(count: copyElements), copyTarget = FloatBuffer(count: copyElements)
        let memcpyGBps = Double(64 << 20) / best(5) {
            copyTarget.pointer.update(from: copySource.pointer, count: copyElements)
        } / 1e9
        print(String(format: "memory copy (memcpy 64 MiB, one thread): %.2f GB/s", memcpyGBps))
        for bytes in [4_805_528, 64 << 20] {
            let elements = bytes / 4
            for workers in [2] {
                let plan = try! CollectivePlan(scheme: .ring, workers: workers, elements: elements, chunkElements: 1 << 16)
                let collective = ThreadCollective(plan: plan)
                let buffers = (0..<workers).map { _ in FloatBuffer(count: elements) }
                for (w, buf) in buffers.enumerated() { collective.bind(.gradients, device: w, to: buf) }
                // Persistent threads, as in training: `run` returns once the whole collective is done, so
                // the time between two returns on worker 0 is one all-reduce.
                let ends = UnsafeMutablePointer<Double>.allocate(capacity: 9)
                defer { ends.deallocate() }
                let box = SendablePointer(ends)
                let group = DispatchGroup()
                box.pointer[0] = monotonicSeconds()
                for w in 0..<workers {
                    group.enter()
                    Thread {
                        for g in 1...8 {
                            _ = collective.run(device: w, generation: g)
                            if w == 0 { box.pointer[g] = monotonicSeconds() }
                        }
                        group.leave()
                    }.start()
                }
                group.wait()
                let times = (2...8).map { ends[$0] - ends[$0 - 1] }
                let t = times.min() ?? 1
                let busbw = 2 * Double(workers - 1) / Double(workers) * Double(bytes) / t / 1e9
                print(String(format: "ring all-reduce %@ on %d threads: %.2f ms, busbw %.2f GB/s = %.0f %% of memcpy",
                             (bytes == 4_805_528 ? "4,805,528 B" : "64 MiB") as NSString, workers, t * 1e3, busbw,
                             busbw / memcpyGBps * 100))
            }
        }

        // Data-parallel training throughput (the figure PyTorch DDP reaches here: 940-1,240 samples/s).
        for sync in [SyncScheme.ring] {
            let config = TrainingConfig(model: .bookMNISTCNN, workers: 2, batchPerWorker: 64, iterations: 12, sync: sync,
                                        recordSpans: false)
            guard let run = try? DataParallelTrainer.train(config) else { continue }
            let r = run.records[0]
            let t = (r[11].end - r[2].start) / 10
            print(String(format: "training, book CNN, 2 worker threads × batch 64, %@: %.1f ms/iteration, %.0f samples/s",
                         sync.rawValue as NSString, t * 1e3, 128 / t))
        }
    }
}

/// A raw pointer handed to benchmark threads (each slot written by one thread, read after join).
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>
    init(_ pointer: UnsafeMutablePointer<Double>) { self.pointer = pointer }
}
