@testable import LinkscopeProfile
@testable import LinkscopeTraining
import Testing

/// The whole-step and pipeline-stage calibrations, and how the preset and the pipeline comparison use them.
@Suite struct StepCalibrationTests {
    /// Each lock-stepped step lasts at least as long as every thread's own compute in it (the barrier waits
    /// for the slowest thread, and a thread starts only after the release), and the requested steps are kept.
    @Test(arguments: [1, 3])
    func lockstepStepCoversEveryThreadsCompute(threads: Int) {
        let r = LockstepCompute.run(model: .mlp, batch: 8, threads: threads, steps: 3, update: true)
        #expect(r.samples.count == threads)
        #expect(r.stepSeconds.count == 3)
        for s in 0..<3 {
            let slowest = r.samples.map { t in t[s].prepare + t[s].forward + t[s].backward + t[s].update }.max() ?? 0
            #expect(r.stepSeconds[s] >= slowest * 0.999, "step \(s): \(r.stepSeconds[s]) < \(slowest)")
            for t in r.samples {
                #expect(t[s].layerForward.count == 3 && t[s].update > 0)
                #expect(t[s].forward >= t[s].layerForward.reduce(0, +))
            }
        }
        let noUpdate = LockstepCompute.run(model: .mlp, batch: 8, threads: 1, steps: 1, update: false)
        #expect(noUpdate.samples[0][0].update == 0)
    }

    /// A hand-made step timing at the run's worker count replaces the per-layer timings and their C/T share:
    /// the simulated forward and backward are its layers (backward with the update), and its overhead is
    /// simulated as idle time, not as forward.
    @Test func presetUsesTheStepTimingAtTheRunsThreadCount() throws {
        var c = ProfileTests().calibration(cores: 2)
        c.steps = [StepTiming(threads: 4, layerForward: [3e-3, 2e-3, 1e-3], layerBackward: [6e-3, 4e-3, 2e-3],
                              update: 3e-3, prepare: 1e-3, step: 30e-3)]
        #expect(abs(c.steps[0].overhead - 9e-3) < 1e-12)
        let shape = RunShape(model: .mlp, workers: 4, sync: .ring, batch: 10, iterations: 2)
        let run = ProfileTests().measuredRun(workers: 4, forward: 0.5, backward: 0.5, sync: 0)
        let comparison = try Profiler.compare(run: run, calibration: c, shape: shape)
        func phase(_ p: String) -> Double { comparison.phases.first { $0.name.hasPrefix(p) }!.simulated }
        #expect(abs(phase("forward") - 6e-3) < 1e-6)
        #expect(abs(phase("backward") - 15e-3) < 1e-6)
        #expect(abs(phase("idle") - 9e-3) < 1e-5)
        #expect(comparison.iteration.simulated > 30e-3)  // the all-reduce comes on top
        #expect(comparison.preset.contains(MachinePreset.overheadLayer))
        // Another worker count falls back to the per-layer timings shared C/T (2 workers on 2 cores: 1 ms each).
        let two = try Profiler.compare(run: ProfileTests().measuredRun(workers: 2, forward: 0.5, backward: 0.5, sync: 0),
                                       calibration: c, shape: RunShape(model: .mlp, workers: 2, sync: .ring, batch: 10,
                                                                       iterations: 2))
        #expect(abs(two.phases[0].simulated - 3e-3) < 1e-6)
        #expect(!two.preset.contains(MachinePreset.overheadLayer))
    }

    /// With stage timings, the simulated pipeline charges each micro-batch its stage's measured time:
    /// GPipe on 2 stages and m micro-batches takes m·F0 + F1 + B1 + m·B0 + max update + hand-overs.
    @Test func pipelineUsesStageTimings() throws {
        var c = ProfileTests().calibration(cores: 2)
        c.stages = [StageTiming(forward: 4e-3, backward: 8e-3, update: 1e-3),
                    StageTiming(forward: 1e-3, backward: 2e-3, update: 0.5e-3)]
        let config = PipelineConfig(model: .mlp, stages: 2, microBatches: 4, microBatchSize: 10, iterations: 2,
                                    schedule: .gpipe)
        let run = ProfileTests().measuredRun(workers: 2, forward: 0.1, backward: 0.1, sync: 0)
        let comparison = try Profiler.comparePipeline(run: run, calibration: c, config: config)
        let compute = 4 * 4e-3 + 1e-3 + 2e-3 + 4 * 8e-3 + 1e-3
        #expect(comparison.iteration.simulated > compute)
        #expect(comparison.iteration.simulated < compute + 2e-3, "hand-overs of 10 samples are short")
        #expect(abs(comparison.phases[0].simulated - (4e-3 + 1e-3) / 2 * 4) < 1e-9)
    }

    /// The stage calibration runs every stage without waiting on its neighbours (loopback mailboxes) and
    /// times each stage's compute in both orders.
    @Test(arguments: [PipelineSchedule.gpipe, .oneFOneB])
    func stageComputeTimesEveryStage(schedule: PipelineSchedule) {
        let config = PipelineConfig(model: .mlp, stages: 2, microBatches: 3, microBatchSize: 4, iterations: 2,
                                    schedule: schedule)
        let stages = Calibrator.stageTimings(config, rounds: 2)
        #expect(stages.count == 2)
        for s in stages { #expect(s.forward > 0 && s.backward > 0 && s.update > 0) }
    }

    /// A mailbox hands each micro-batch's data over intact and in any order, recycling message buffers; in
    /// loopback mode it never waits and gives zeros before the first message.
    @Test func mailboxHandsOverAndLoopsBack() {
        let box = Mailbox()
        let a: [Float] = [1, 2, 3], b: [Float] = [4, 5, 6]
        a.withUnsafeBufferPointer { box.send(0, $0.baseAddress!, count: 3) }
        b.withUnsafeBufferPointer { box.send(1, $0.baseAddress!, count: 3) }
        var out = [Float](repeating: 0, count: 3)
        out.withUnsafeMutableBufferPointer { box.receive(1, into: $0.baseAddress!, count: 3) }
        #expect(out == b)
        out.withUnsafeMutableBufferPointer { box.receive(0, into: $0.baseAddress!, count: 3) }
        #expect(out == a)
        let loop = Mailbox(loopback: true)
        out.withUnsafeMutableBufferPointer { loop.receive(5, into: $0.baseAddress!, count: 3) }
        #expect(out == [0, 0, 0])
        a.withUnsafeBufferPointer { loop.send(0, $0.baseAddress!, count: 3) }
        out.withUnsafeMutableBufferPointer { loop.receive(7, into: $0.baseAddress!, count: 3) }
        #expect(out == a)
    }
}
