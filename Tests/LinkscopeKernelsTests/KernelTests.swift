import Testing
@testable import LinkscopeKernels

/// Deterministic pseudo-random values in [-1, 1).
func values(_ n: Int, seed: UInt64) -> [Float] {
    var s = seed
    return (0..<n).map { _ in
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return Float(Double(s >> 11) * 0x1p-53) * 2 - 1
    }
}

@Suite struct KernelTests {
    @Test func gemmMatchesNaiveProductInEveryTransposition() {
        let m = 5, n = 7, k = 3
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = FloatBuffer(values(m * k, seed: 1)), b = FloatBuffer(values(k * n, seed: 2))
            let c = FloatBuffer(count: m * n)
            BLAS.gemm(transA: ta, transB: tb, m: m, n: n, k: k, a: a.pointer, b: b.pointer, c: c.pointer)
            for i in 0..<m {
                for j in 0..<n {
                    var ref: Float = 0
                    for p in 0..<k { ref += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]) }
                    #expect(abs(c[i * n + j] - ref) < 1e-5)
                }
            }
        }
    }

    @Test func convolutionMatchesDirectSum() {
        let s = ConvShape(inChannels: 2, outChannels: 3, kernel: 3, height: 6, width: 5)
        let batch = 2
        let x = FloatBuffer(values(2 * batch * 30, seed: 3)), w = FloatBuffer(values(s.weightCount, seed: 4))
        let bias = FloatBuffer([0.5, -0.25, 0.125])
        let col = FloatBuffer(count: s.patch * batch * 12), y = FloatBuffer(count: 3 * batch * 12)
        Convolution.forward(s, batch: batch, x: x.pointer, weight: w.pointer, bias: bias.pointer, col: col.pointer,
                            y: y.pointer)
        for o in 0..<3 {
            for b in 0..<batch {
                for r in 0..<4 {
                    for c in 0..<3 {
                        var ref = bias[o]
                        for ci in 0..<2 {
                            for kh in 0..<3 {
                                for kw in 0..<3 {
                                    ref += w[((o * 2 + ci) * 3 + kh) * 3 + kw] * x[(ci * batch + b) * 30 + (r + kh) * 5 + c + kw]
                                }
                            }
                        }
                        #expect(abs(y[(o * batch + b) * 12 + r * 3 + c] - ref) < 1e-5)
                    }
                }
            }
        }
    }

    @Test func maxPoolPicksWinnersAndRoutesGradients() {
        let x = FloatBuffer([1, 5, 2, 0, 3, 4, 9, 8, -1, -2, 7, 6, -3, -4, 1, 0])
        let y = FloatBuffer(count: 4)
        let idx = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
        defer { idx.deallocate() }
        Elementwise.maxPool2(x.pointer, planes: 1, height: 4, width: 4, y: y.pointer, index: idx)
        #expect(y.array == [5, 9, -1, 7])
        let dx = FloatBuffer(count: 16)
        let dy = FloatBuffer([1, 2, 3, 4])
        Elementwise.maxPool2Backward(dy: dy.pointer, index: idx, outputCount: 4, dx: dx.pointer, inputCount: 16)
        #expect(dx[1] == 1 && dx[6] == 2 && dx[8] == 3 && dx[10] == 4)
        #expect(dx.array.reduce(0, +) == 10)
    }

    @Test func softmaxCrossEntropyGradientMatchesFiniteDifference() {
        let logits = FloatBuffer(values(12, seed: 9))
        let labels: [Int32] = [1, 3, 0]
        let d = FloatBuffer(count: 12), scratch = FloatBuffer(count: 12)
        let (_, _) = labels.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.forwardBackward(logits: logits.pointer, labels: $0.baseAddress!, batch: 3, classes: 4,
                                                dLogits: d.pointer)
        }
        for i in 0..<12 {
            let h: Float = 1e-2
            let saved = logits[i]
            logits[i] = saved + h
            let up = labels.withUnsafeBufferPointer {
                SoftmaxCrossEntropy.forwardBackward(logits: logits.pointer, labels: $0.baseAddress!, batch: 3,
                                                    classes: 4, dLogits: scratch.pointer).loss
            }
            logits[i] = saved - h
            let down = labels.withUnsafeBufferPointer {
                SoftmaxCrossEntropy.forwardBackward(logits: logits.pointer, labels: $0.baseAddress!, batch: 3,
                                                    classes: 4, dLogits: scratch.pointer).loss
            }
            logits[i] = saved
            #expect(abs(Float((up - down) / (2 * Double(h))) - d[i]) < 2e-3)
        }
    }

    @Test func sgdMomentumAndAdamFollowTheirUpdateRules() {
        let w = FloatBuffer([1, 2]), g = FloatBuffer([0.5, -1])
        let v = FloatBuffer(count: 2)
        let sgd = Optimizer(kind: .sgd, learningRate: 0.1, momentum: 0.9)
        sgd.apply(weights: w.pointer, gradients: g.pointer, state: [v.pointer], range: 0..<2, step: 1)
        sgd.apply(weights: w.pointer, gradients: g.pointer, state: [v.pointer], range: 0..<2, step: 2)
        // v1 = g, v2 = 1.9 g; w = w0 − 0.1 (g + 1.9 g)
        #expect(abs(w[0] - (1 - 0.1 * 2.9 * 0.5)) < 1e-6 && abs(w[1] - (2 + 0.1 * 2.9)) < 1e-6)
        let wa = FloatBuffer([1]), ga = FloatBuffer([0.3]), m = FloatBuffer(count: 1), s = FloatBuffer(count: 1)
        Optimizer(kind: .adam, learningRate: 0.01).apply(weights: wa.pointer, gradients: ga.pointer,
                                                          state: [m.pointer, s.pointer], range: 0..<1, step: 1)
        // First Adam step moves by lr · sign(g) (bias-corrected m/√v = g/|g|).
        #expect(abs(wa[0] - 0.99) < 1e-5)
    }

    @Test func quantizationRoundTripsWithinItsResolution() {
        let x = FloatBuffer(values(1000, seed: 5).map { $0 * 3 })
        let half = UnsafeMutablePointer<Float16>.allocate(capacity: 1000)
        let q = UnsafeMutablePointer<Int8>.allocate(capacity: 1000)
        let scales = UnsafeMutablePointer<Float>.allocate(capacity: Quantization.int8Scales(count: 1000))
        defer { half.deallocate(); q.deallocate(); scales.deallocate() }
        let back = FloatBuffer(count: 1000)
        Quantization.toHalf(x.pointer, count: 1000, into: half)
        Quantization.fromHalf(half, count: 1000, into: back.pointer)
        for i in 0..<1000 { #expect(abs(back[i] - x[i]) <= abs(x[i]) * 0x1p-11 + 1e-7) }
        Quantization.toInt8(x.pointer, count: 1000, into: q, scales: scales)
        Quantization.fromInt8(q, scales: scales, count: 1000, into: back.pointer)
        for i in 0..<1000 { #expect(abs(back[i] - x[i]) <= scales[i / Quantization.int8Block] / 2 + 1e-6) }
    }
}
