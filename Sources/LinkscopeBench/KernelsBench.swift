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

    static func run(_ arguments: [String]) {
        BLAS.useSingleThread()
        let batch = 64
        let spec = ModelSpec.make(.bookMNISTCNN)
        let net = Network(spec: spec, batch: batch, seed: 1)
        for i in 0..<(784 * batch) { net.input[i] = Float(i % 255) / 255 }
        // The GEMMs of one training step, per layer: (m, n, k) of forward, weight gradient, input gradient.
        print("GEMM of the book CNN's layers at batch 64, one thread: the layer's whole kernel (im2col, bias, GEMM)")
        print("vs raw cblas_sgemm on the same GEMM shape (the peak OpenBLAS reaches there):")
        print("layer      gemm (m×n×k)          sgemm GFLOP/s   kernel GFLOP/s   kernel/sgemm")
        var totalFlops = 0.0, totalRaw = 0.0, totalKernel = 0.0
        for (i, op) in spec.ops.enumerated() {
            let (m, n, k): (Int, Int, Int)
            switch op {
            case .conv(let s): (m, n, k) = (s.outChannels, batch * s.outHeight * s.outWidth, s.patch)
            case .linear(let a, let o): (m, n, k) = (batch, o, a)
            default: continue
            }
            let a = FloatBuffer(count: m * k), b = FloatBuffer(count: k * n), c = FloatBuffer(count: m * n)
            let flops = 2 * Double(m * n * k)
            let raw = best(5) {
                if case .linear = op {
                    BLAS.gemm(transB: true, m: m, n: n, k: k, a: a.pointer, b: b.pointer, c: c.pointer)
                } else {
                    BLAS.gemm(m: m, n: n, k: k, a: a.pointer, b: b.pointer, c: c.pointer)
                }
            }
            net.forward()  // fills every layer's input
            let kernel = best(5) { net.forwardOp(i) }
            totalFlops += flops
            totalRaw += raw
            totalKernel += kernel
            print(String(format: "%-10@ %-20@ %14.1f %16.1f %13.0f %%", spec.opName(i) as NSString,
                         "\(m)×\(n)×\(k)" as NSString, flops / raw / 1e9, flops / kernel / 1e9, raw / kernel * 100))
        }
        print(String(format: "all layers (forward)                    %14.1f %16.1f %13.0f %%", totalFlops / totalRaw / 1e9,
                     totalFlops / totalKernel / 1e9, totalRaw / totalKernel * 100))
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
