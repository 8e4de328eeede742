@testable import LinkscopeProfile
@testable import LinkscopeTraining
import Testing

@Suite struct ProfileTests {
    /// A hand-made calibration: 1 ms per layer forward, 2 ms backward, at batch 10.
    func calibration(cores: Int = 2) -> Calibration {
        let spec = ModelSpec.make(.mlp)
        let layers = spec.layerNames.indices.map {
            LayerTiming(name: spec.layerNames[$0], parameters: spec.layerParameters[$0],
                        forwardFLOPs: spec.layerForwardFLOPs[$0], forwardSeconds: 1e-3, backwardSeconds: 2e-3)
        }
        return Calibration(cores: cores, copyBandwidth: 10e9, reduceBandwidth: 5e9, alpha: 10e-6, beta: 10e9,
                           pingPong: [], model: .mlp, batch: 10, layers: layers, updateSeconds: 0)
    }

    /// A measured MLP run of one 1 s iteration per worker with the given phase times (batch 10).
    func measuredRun(workers: Int, forward: Double, backward: Double, sync: Double) -> TrainingRun {
        TrainingRun(config: TrainingConfig(model: .mlp, workers: workers, batchPerWorker: 10, iterations: 2),
                    layerNames: [], records: Array(repeating: [
                        IterationRecord(iteration: 0, start: 0, end: 1, forward: forward, backward: backward, sync: sync,
                                        update: 0, loss: 1, correct: 0, layerForward: [], layerBackward: []),
                    ], count: workers), spans: [], finalWeights: [], origin: 0, stoppedEarly: false,
                    gradientBytes: Int64(ModelSpec.make(.mlp).parameterCount * 4))
    }

    @Test func fitRecoversAlphaAndBeta() {
        let points = [4096, 1 << 20, 4 << 20, 16 << 20].map { (bytes: $0, seconds: 20e-6 + Double($0) / 8e9) }
        let (alpha, beta) = Calibrator.fit(points)
        #expect(abs(alpha - 20e-6) < 1e-9)
        #expect(abs(beta - 8e9) / 8e9 < 1e-9)
    }

    /// The simulator, run on the preset, charges each layer its calibrated time (the layers' work is written at
    /// the reference rate), and oversubscription (4 threads on 2 cores) doubles it.
    @Test(arguments: [2, 4])
    func presetReproducesCalibratedComputeAndOversubscription(workers: Int) throws {
        let c = calibration()
        let shape = RunShape(model: .mlp, workers: workers, sync: .ring, batch: 10, iterations: 2)
        let yaml = MachinePreset.yaml(c, shape, source: "test")
        let run = measuredRun(workers: workers, forward: 0.5, backward: 0.5, sync: 0)
        let comparison = try Profiler.compare(run: run, calibration: c, shape: shape)
        let slowdown = Double(max(1, workers / 2))
        let forward = comparison.phases.first { $0.name == "forward" }!.simulated
        let backward = comparison.phases.first { $0.name.hasPrefix("backward") }!.simulated
        #expect(abs(forward - 3e-3 * slowdown) < 1e-6, "\(yaml)")
        #expect(abs(backward - 6e-3 * slowdown) < 1e-6)
        #expect(comparison.iteration.simulated > forward + backward)  // the all-reduce takes time
        #expect(comparison.iteration.measured == 1)
    }
}
