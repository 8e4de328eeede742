import Foundation
import LinkscopeTraining

/// Compute of a whole data-parallel step measured on `threads` worker threads at once (`LockstepCompute`):
/// what one worker spends per step when that many workers compute side by side, oversubscription included.
public struct StepTiming: Sendable, Equatable {
    /// Worker threads that computed at once.
    public var threads: Int
    /// Per named layer, seconds at the calibration batch (mean over threads, median over steps).
    public var layerForward: [Double]
    public var layerBackward: [Double]
    /// The workers' optimizer step (0 when the workers do not apply it: parameter server).
    public var update: Double
    /// Loading the batch and zeroing the gradients (part of `overhead`, reported for the docs and tests).
    public var prepare: Double
    /// The slowest thread's step from barrier to barrier, median over steps.
    public var step: Double

    /// What a step costs beyond the layers and the update: data, zeroing, the loss, wake-ups, and the wait for
    /// the slowest thread (load imbalance), i.e. the lock-stepped step less the mean thread's layers and update.
    public var overhead: Double {
        max(0, step - layerForward.reduce(0, +) - layerBackward.reduce(0, +) - update)
    }

    /// The mean of two measurements of the same shape.
    func averaged(with o: StepTiming) -> StepTiming {
        guard o.threads == threads, o.layerForward.count == layerForward.count else { return self }
        var s = self
        s.layerForward = zip(layerForward, o.layerForward).map { ($0 + $1) / 2 }
        s.layerBackward = zip(layerBackward, o.layerBackward).map { ($0 + $1) / 2 }
        s.update = (update + o.update) / 2
        s.prepare = (prepare + o.prepare) / 2
        s.step = (step + o.step) / 2
        return s
    }
}

extension Calibrator {
    /// Lock-stepped whole steps on `threads` threads (`LockstepCompute`), summarised as a `StepTiming`.
    /// - Parameter update: whether the workers apply the optimizer (not under a parameter server).
    public static func stepTiming(model: ModelKind, batch: Int, threads: Int, steps: Int, update: Bool) -> StepTiming {
        let r = LockstepCompute.run(model: model, batch: batch, threads: threads, steps: steps, update: update)
        let rounds = r.samples.map(\.count).min() ?? 0
        let layers = ModelSpec.make(model).layerNames.count
        // Per step the mean over threads, then the median over steps.
        func perStep(_ f: (ComputeSample) -> Double) -> Double {
            median((0..<rounds).map { s in r.samples.reduce(0.0) { $0 + f($1[s]) } / Double(r.samples.count) })
        }
        return StepTiming(threads: threads,
                          layerForward: (0..<layers).map { l in perStep { $0.layerForward[l] } },
                          layerBackward: (0..<layers).map { l in perStep { $0.layerBackward[l] } },
                          update: perStep(\.update), prepare: perStep(\.prepare), step: median(r.stepSeconds))
    }
}

/// One pipeline stage's compute per micro-batch, measured with every stage running its own schedule order at
/// once (`PipelineTrainer.stageCompute`): forward and backward include the stage's hand-over copies, as the
/// run's stage phases do.
public struct StageTiming: Sendable, Equatable {
    public var forward: Double
    public var backward: Double
    /// The stage's optimizer step, once per iteration.
    public var update: Double

    /// The mean of two measurements of the same pipeline (before and after a run).
    public func averaged(with o: StageTiming) -> StageTiming {
        StageTiming(forward: (forward + o.forward) / 2, backward: (backward + o.backward) / 2,
                    update: (update + o.update) / 2)
    }
}

extension Calibrator {
    /// Per-stage compute of `config`'s pipeline over `rounds` iterations (after one warm-up), medians.
    public static func stageTimings(_ config: PipelineConfig, rounds: Int) -> [StageTiming] {
        var c = config
        c.iterations = max(1, rounds) + 1
        guard let run = try? PipelineTrainer.stageCompute(c) else { return [] }
        let m = Double(max(1, config.microBatches))
        return run.records.map { records in
            let steady = records.dropFirst()
            return StageTiming(forward: median(steady.map(\.forward)) / m, backward: median(steady.map(\.backward)) / m,
                               update: median(steady.map(\.update)))
        }
    }
}
