import Testing
@testable import LinkscopeKernels
@testable import LinkscopeTraining

@Suite struct NetworkTests {
    @Test func bookCNNIsLayerExact() {
        let spec = ModelSpec.make(.bookMNISTCNN)
        #expect(spec.parameterCount == 1_201_382)
        #expect(spec.parameterCount * 4 == 4_805_528)
        #expect(spec.layerParameters == [320, 18_496, 1_179_776, 2_580, 210])
    }

    /// Backward of a small CNN against central differences of the loss.
    @Test func backwardMatchesFiniteDifferences() {
        let c1 = ConvShape(inChannels: 1, outChannels: 2, kernel: 3, height: 6, width: 6)
        let c2 = ConvShape(inChannels: 2, outChannels: 3, kernel: 3, height: 4, width: 4)
        let spec = ModelSpec(kind: .bookMNISTCNN, ops: [
            .conv(c1), .relu, .conv(c2), .relu, .maxPool2(channels: 3, height: 2, width: 2),
            .flatten(channels: 3, plane: 1), .linear(inputs: 3, outputs: 4), .relu, .linear(inputs: 4, outputs: 10),
        ], layerOfOp: [0, 0, 1, 1, 1, 1, 2, 2, 3], layerNames: ["c1", "c2", "f1", "f2"])
        let batch = 2
        let net = Network(spec: spec, batch: batch, seed: 3)
        var rng: UInt64 = 11
        for i in 0..<(36 * batch) {
            rng = rng &* 6364136223846793005 &+ 1
            net.input[i] = Float(Double(rng >> 11) * 0x1p-53) * 2 - 1
        }
        let labels: [Int32] = [2, 7]
        func loss() -> Double {
            net.forward()
            let d = FloatBuffer(count: batch * 10)
            return labels.withUnsafeBufferPointer {
                SoftmaxCrossEntropy.forwardBackward(logits: net.output, labels: $0.baseAddress!, batch: batch,
                                                    classes: 10, dLogits: d.pointer).loss
            }
        }
        net.forward()
        _ = labels.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.forwardBackward(logits: net.output, labels: $0.baseAddress!, batch: batch, classes: 10,
                                                dLogits: net.outputGradient)
        }
        net.gradients.zero()
        net.backward()
        let analytic = net.gradients.array
        var worst = 0.0
        for i in 0..<spec.parameterCount {
            let h: Float = 1e-2
            let saved = net.parameters[i]
            net.parameters[i] = saved + h
            let up = loss()
            net.parameters[i] = saved - h
            let down = loss()
            net.parameters[i] = saved
            let numeric = (up - down) / (2 * Double(h))
            worst = max(worst, abs(numeric - Double(analytic[i])))
        }
        #expect(worst < 2e-3)
    }
}

@Suite struct CollectiveExecutionTests {
    /// Each scheme on real buffers equals the reference sum; ring and tree replicas are bit-identical.
    @Test(arguments: [SyncScheme.ring, .tree, .naive], [2, 3, 4])
    func allReduceEqualsReferenceSum(scheme: SyncScheme, workers: Int) throws {
        let elements = 10_007
        let plan = try CollectivePlan(scheme: scheme, workers: workers, elements: elements, chunkElements: 1000)
        let collective = ThreadCollective(plan: plan)
        let inputs = (0..<workers).map { w in FloatBuffer((0..<elements).map { Float(($0 * 7 + w * 13) % 101) / 7 - 3 }) }
        let snapshots = inputs.map { FloatBuffer($0.array) }
        var reference = [Double](repeating: 0, count: elements)
        for b in inputs { for i in 0..<elements { reference[i] += Double(b[i]) } }
        for w in 0..<workers {
            collective.bind(.gradients, device: w, to: inputs[w])
            collective.bind(.snapshot, device: w, to: snapshots[w])
        }
        try runThreads(workers) { w in _ = collective.run(device: w, generation: 1) }
        for w in 0..<workers {
            for i in 0..<elements { #expect(abs(Double(inputs[w][i]) - reference[i]) < 1e-4) }
        }
        if scheme != .naive {
            for w in 1..<workers { #expect(inputs[w].array == inputs[0].array) }
        }
    }

    /// Parameter server with k shard threads: pushes sum on the servers, workers pull what the servers hold.
    @Test(arguments: [1, 2, 3])
    func parameterServerPullsTheSum(servers: Int) throws {
        let workers = 3, elements = 5_003
        let plan = try CollectivePlan(scheme: .ps, workers: workers, elements: elements, servers: servers,
                                      chunkElements: 700)
        let collective = ThreadCollective(plan: plan)
        let grads = (0..<workers).map { w in FloatBuffer((0..<elements).map { Float(($0 + 3 * w) % 17) - 8 }) }
        let weights = (0..<workers).map { _ in FloatBuffer(count: elements) }
        let sums = plan.servers.map { _ in FloatBuffer(count: elements) }
        let held = plan.servers.map { _ in FloatBuffer(count: elements) }
        for w in 0..<workers {
            collective.bind(.gradients, device: w, to: grads[w])
            collective.bind(.weights, device: w, to: weights[w])
        }
        for (j, d) in plan.servers.enumerated() {
            collective.bind(.serverSum, device: d, to: sums[j])
            collective.bind(.serverWeights, device: d, to: held[j])
        }
        let devices = Array(0..<workers) + plan.servers
        try runThreads(devices.count) { i in
            _ = collective.run(device: devices[i], generation: 1, onShardReady: { j in
                let r = plan.shards[j]
                (held[j].pointer + r.lowerBound).update(from: sums[j].pointer + r.lowerBound, count: r.count)
            })
        }
        for i in 0..<elements {
            let reference = (0..<workers).reduce(Float(0)) { $0 + grads[$1][i] }
            for w in 0..<workers { #expect(weights[w][i] == reference) }
        }
    }

    @Test func scheduleMovesWhatTheSimulatorCounts() throws {
        // Ring over N moves 2(N−1)/N of the buffer per rank, N ranks: 2(N−1)·M in all.
        let plan = try CollectivePlan(scheme: .ring, workers: 4, elements: 1_000_000, chunkElements: 1 << 16)
        #expect(plan.bytesMoved == 2 * 3 * 4_000_000)
    }
}

@Suite struct TrainingTests {
    @Test(arguments: [SyncScheme.ring, .tree, .naive, .ps])
    func lossFallsAndAccuracyRises(scheme: SyncScheme) throws {
        let config = TrainingConfig(model: .mlp, workers: 2, batchPerWorker: 32, iterations: 40, sync: scheme,
                                    servers: 2, optimizer: Optimizer(kind: .sgd, learningRate: 0.05, momentum: 0.9),
                                    datasetSize: 2048, recordSpans: false)
        let run = try DataParallelTrainer.train(config)
        #expect(run.completedIterations == 40)
        let early = (0..<5).map { run.loss(at: $0) }.reduce(0, +) / 5
        let late = (35..<40).map { run.loss(at: $0) }.reduce(0, +) / 5
        let accEarly = (0..<5).map { run.accuracy(at: $0) }.reduce(0, +) / 5
        let accLate = (35..<40).map { run.accuracy(at: $0) }.reduce(0, +) / 5
        #expect(late < 0.6 * early, "loss \(early) → \(late)")
        #expect(accLate > accEarly + 0.2, "accuracy \(accEarly) → \(accLate)")
        if scheme == .ring || scheme == .ps { #expect(run.finalWeights[1] == run.finalWeights[0]) }
    }

    @Test func bookCNNTrainsWithRing() throws {
        let config = TrainingConfig(model: .bookMNISTCNN, workers: 2, batchPerWorker: 8, iterations: 12, sync: .ring,
                                    optimizer: Optimizer(kind: .sgd, learningRate: 0.05, momentum: 0.9),
                                    datasetSize: 256, recordSpans: true)
        let run = try DataParallelTrainer.train(config)
        let early = (0..<3).map { run.loss(at: $0) }.reduce(0, +) / 3
        let late = (9..<12).map { run.loss(at: $0) }.reduce(0, +) / 3
        #expect(late < early, "loss \(early) → \(late)")
        #expect(run.finalWeights[0] == run.finalWeights[1])
        #expect(run.spans[0].contains { $0.kind == .transfer })
    }
}

/// Runs `body(i)` on `n` threads and waits for all.
func runThreads(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) throws {
    let group = DispatchGroup()
    for i in 0..<n {
        group.enter()
        Thread { body(i); group.leave() }.start()
    }
    group.wait()
}

import Foundation

@Suite struct PipelineTests {
    @Test func oneFOneBOrderDoesEveryMicroBatchOnce() {
        let o = PipelineSchedule.oneFOneB.order(stage: 0, stages: 2, micro: 4)
        #expect(o.map { "\($0.forward ? "F" : "B")\($0.micro)" } == ["F0", "F1", "B0", "F2", "B1", "F3", "B2", "B3"])
        let g = PipelineSchedule.gpipe.order(stage: 1, stages: 2, micro: 2)
        #expect(g.map { "\($0.forward ? "F" : "B")\($0.micro)" } == ["F0", "F1", "B1", "B0"])
    }

    @Test(arguments: [PipelineSchedule.gpipe, .oneFOneB])
    func lossFallsWithTwoStages(schedule: PipelineSchedule) throws {
        let config = PipelineConfig(model: .mlp, stages: 2, microBatches: 4, microBatchSize: 8, iterations: 40,
                                    schedule: schedule, optimizer: Optimizer(kind: .sgd, learningRate: 0.05, momentum: 0.9))
        let run = try PipelineTrainer.train(config)
        let last = run.records[1]
        #expect(last.count == 40)
        let early = last.prefix(5).map(\.loss).reduce(0, +) / 5, late = last.suffix(5).map(\.loss).reduce(0, +) / 5
        let accEarly = Double(last.prefix(5).map(\.correct).reduce(0, +)) / 160
        let accLate = Double(last.suffix(5).map(\.correct).reduce(0, +)) / 160
        #expect(late < 0.6 * early, "loss \(early) → \(late)")
        #expect(accLate > accEarly + 0.2, "accuracy \(accEarly) → \(accLate)")
    }
}
