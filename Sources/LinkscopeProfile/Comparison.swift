import Foundation
import LinkscopeFabric
import LinkscopeScenario
import LinkscopeSchedule
import LinkscopeSim
import LinkscopeTimeline
import LinkscopeTraining

/// One row of measured vs simulated.
public struct PhaseComparison: Sendable {
    public var name: String
    public var measured: Double
    public var simulated: Double
    /// (simulated − measured) / measured × 100; 0 when nothing was measured.
    public var errorPercent: Double {
        measured > 0 ? (simulated - measured) / measured * 100 : 0
    }
}

/// What `profile` prints: the measured run, the simulation of the same training, and the comparison.
public struct ProfileComparison: Sendable {
    public var title: String
    public var iteration: PhaseComparison
    public var phases: [PhaseComparison]
    public var measuredSamplesPerSecond: Double
    public var simulatedSamplesPerSecond: Double
    /// Bus bandwidth of the gradient sync as measured (GB/s, nccl-tests convention 2(N−1)/N · S / t), nil
    /// without one.
    public var allreduceGBps: Double?
    public var lossFirst: Double
    public var lossLast: Double
    public var accuracyFirst: Double
    public var accuracyLast: Double
    public var iterations: Int
    public var steadyIterations: Int
    public var preset: String
    public var measuredTimeline: Timeline
    public var simulatedTimeline: Timeline
}

public enum ProfileError: Error, CustomStringConvertible, Sendable {
    case preset(String)
    case simulation(String)
    public var description: String {
        switch self {
        case .preset(let m): return "the calibrated preset does not load: \(m)"
        case .simulation(let m): return "simulation failed: \(m)"
        }
    }
}

/// Median of `values` (0 when empty).
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let v = values.sorted()
    return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
}

public enum Profiler {
    /// Iterations left out of the means (first touches of buffers, page faults, OpenBLAS warm-up).
    static func warmup(_ iterations: Int) -> Int { iterations >= 4 ? max(1, iterations / 5) : 0 }

    /// Compares a data-parallel run with the simulator's prediction of it on the calibrated preset.
    public static func compare(run: TrainingRun, calibration: Calibration, shape: RunShape) throws -> ProfileComparison {
        let preset = MachinePreset.yaml(calibration, shape, source: "profile")
        let scenario: Scenario
        do { scenario = try ScenarioLoader.load(yaml: preset, file: "<this machine>") } catch {
            throw ProfileError.preset(error.description)
        }
        let sim: SimulationRun
        do { sim = try Simulator.run(scenario, options: RunOptions(recordTimeline: true, runSweep: false)) } catch {
            throw ProfileError.simulation(error.description)
        }
        guard let summary = sim.report.training, let simIteration = sim.report.iterationTime else {
            throw ProfileError.simulation("the simulator reported no training")
        }
        let n = run.records.count
        let done = run.completedIterations
        let skip = min(warmup(done), max(0, done - 1))
        let steady = skip..<done
        // Per iteration the mean over workers, then the median over iterations (robust to load spikes).
        func mean(_ f: (IterationRecord) -> Double) -> Double {
            median(steady.map { i in (0..<n).reduce(0.0) { $0 + f(run.records[$1][i]) } / Double(n) })
        }
        let iteration = median(steady.map { i in
            (0..<n).map { run.records[$0][i].end }.max()! - (0..<n).map { run.records[$0][i].start }.min()!
        })
        // The simulated backward carries the optimizer step (the simulator has no update phase).
        let forward = mean(\.forward), backward = mean { $0.backward + $0.update }
        // The collective itself: from the last worker's arrival to the end (the fastest worker's wait).
        let sync = median(steady.map { i in (0..<n).map { run.records[$0][i].sync }.min() ?? 0 })
        let simSync = summary.syncTime
        // The preset's step-overhead layer (data, loss, waits) is simulated as forward work; it is idle time.
        let overhead = (calibration.step(threads: shape.workers)?.overhead ?? 0) * Double(shape.batch)
            / Double(max(1, calibration.batch))
        let simForward = max(0, summary.forwardTime - overhead)
        let phases = [
            PhaseComparison(name: "forward", measured: forward, simulated: simForward),
            PhaseComparison(name: shape.sync == .ps ? "backward" : "backward+update", measured: backward,
                            simulated: summary.backwardTime),
            PhaseComparison(name: "sync", measured: sync, simulated: simSync),
            PhaseComparison(name: "idle", measured: max(0, iteration - forward - backward - sync),
                            simulated: max(0, simIteration - simForward - summary.backwardTime - simSync)),
        ]
        let bus = n > 1 ? 2 * Double(n - 1) / Double(n) : 1
        let samples = Double(n * shape.batch)
        return ProfileComparison(
            title: "\(shape.model.rawValue), \(n) worker threads, \(shape.sync.rawValue), batch \(shape.batch) per worker",
            iteration: PhaseComparison(name: "iteration", measured: iteration, simulated: simIteration), phases: phases,
            measuredSamplesPerSecond: iteration > 0 ? samples / iteration : 0,
            simulatedSamplesPerSecond: summary.samplesPerSecond,
            allreduceGBps: n > 1 && sync > 0 ? bus * Double(run.gradientBytes) / sync / 1e9 : nil,
            lossFirst: run.loss(at: 0), lossLast: done > 0 ? run.loss(at: done - 1) : 0,
            accuracyFirst: run.accuracy(at: 0), accuracyLast: done > 0 ? run.accuracy(at: done - 1) : 0,
            iterations: done, steadyIterations: steady.count, preset: preset,
            measuredTimeline: MeasuredTimeline.build(run, title: "measured: \(shape.model.rawValue)"),
            simulatedTimeline: sim.timeline ?? Timeline(title: "simulated"))
    }

    /// Compares a pipeline run with the same stage order simulated on the fabric of the calibrated preset:
    /// per micro-batch compute from the calibration (taken at the micro-batch size), activations and
    /// gradients as transfers between the stage devices, an optimizer step per stage, a flush per iteration.
    public static func comparePipeline(run: TrainingRun, calibration c: Calibration, config: PipelineConfig)
        throws -> ProfileComparison
    {
        let full = ModelSpec.make(config.model)
        let ranges = config.stageLayers(full)
        let s = ranges.count
        let shape = RunShape(model: config.model, workers: s, sync: .ring, batch: config.microBatchSize,
                             iterations: config.iterations)
        let preset = MachinePreset.yaml(c, shape, source: "profile --pipeline")
        let scenario: Scenario
        do { scenario = try ScenarioLoader.load(yaml: preset, file: "<this machine>") } catch {
            throw ProfileError.preset(error.description)
        }
        let topology = scenario.topology
        let share = MachinePreset.share(cores: c.cores, threads: s)
        let scale = Double(config.microBatchSize) / Double(c.batch) / share
        let totalParams = Double(full.parameterCount)
        // Stage timings measured at the pipeline's own concurrency when calibrated; else per-layer timings
        // shared C/T.
        let measured = c.stages.count == s ? c.stages : nil
        let fwd = measured?.map(\.forward)
            ?? ranges.map { r in r.reduce(0.0) { $0 + c.layers[$1].forwardSeconds } * scale }
        let bwd = measured?.map(\.backward)
            ?? ranges.map { r in r.reduce(0.0) { $0 + c.layers[$1].backwardSeconds } * scale }
        let update = measured?.map(\.update) ?? ranges.map { r in
            c.updateSeconds * Double(r.reduce(0) { $0 + c.layers[$1].parameters }) / totalParams / share
        }
        let devices = (0..<s).compactMap { topology.device(ofGPU: $0) }
        guard devices.count == s else { throw ProfileError.simulation("the preset lacks a device per stage") }
        let boundaryBytes = ranges.map { r in Int64(full.slice(layers: r).outputSize * config.microBatchSize * 4) }
        var schedule = Schedule()
        var barrier: [TaskID] = []
        for it in 0..<config.iterations {
            var fDone: [[TaskID?]] = Array(repeating: Array(repeating: nil, count: config.microBatches), count: s)
            var bDone = fDone
            var last: [TaskID?] = Array(repeating: nil, count: s)
            var pending = (0..<s).map { config.schedule.order(stage: $0, stages: s, micro: config.microBatches) }
            // Emit tasks in an order that respects data dependencies (stages interleave like the real run).
            var progressed = true
            while progressed {
                progressed = false
                for st in 0..<s where !pending[st].isEmpty {
                    let (isForward, k) = pending[st][0]
                    var deps: [TaskID] = last[st].map { [$0] } ?? barrier
                    if isForward, st > 0 {
                        guard let prev = fDone[st - 1][k] else { continue }
                        deps += schedule.addTransferAfter(prev, from: devices[st - 1], to: devices[st],
                                                          bytes: boundaryBytes[st - 1], phase: .forward, step: it)
                    }
                    if !isForward, st < s - 1 {
                        guard let next = bDone[st + 1][k] else { continue }
                        deps += schedule.addTransferAfter(next, from: devices[st + 1], to: devices[st],
                                                          bytes: boundaryBytes[st], phase: .backward, step: it)
                    }
                    if !isForward, st == s - 1, fDone[st][k] == nil { continue }
                    let id = schedule.add(.compute(device: Int32(devices[st]), seconds: isForward ? fwd[st] : bwd[st],
                                                   lane: 0),
                                          tag: TaskTag(phase: isForward ? .forward : .backward, step: Int32(it),
                                                       chunk: Int32(k), instance: Int16(st)), after: deps)
                    if isForward { fDone[st][k] = id } else { bDone[st][k] = id }
                    last[st] = id
                    pending[st].removeFirst()
                    progressed = true
                }
            }
            barrier = (0..<s).map { st in
                schedule.add(.compute(device: Int32(devices[st]), seconds: update[st], lane: 0),
                             tag: TaskTag(phase: .update, step: Int32(it), instance: Int16(st)),
                             after: last[st].map { [$0] } ?? barrier)
            }
        }
        let result: ExecutionResult
        do { result = try FabricSimulator(topology: topology).run(schedule) } catch {
            throw ProfileError.simulation("\(error)")
        }
        let simIteration = result.makespan / Double(config.iterations)
        let m = Double(config.microBatches)
        let simForward = fwd.reduce(0, +) / Double(s) * m, simBackward = bwd.reduce(0, +) / Double(s) * m
        let simUpdate = update.reduce(0, +) / Double(s)

        let done = run.completedIterations
        let skip = min(warmup(done), max(0, done - 1))
        let steady = skip..<done
        func mean(_ f: (IterationRecord) -> Double) -> Double {
            median(steady.map { i in (0..<s).reduce(0.0) { $0 + f(run.records[$1][i]) } / Double(s) })
        }
        let iteration = median(steady.map { i in
            (0..<s).map { run.records[$0][i].end }.max()! - (0..<s).map { run.records[$0][i].start }.min()!
        })
        let forward = mean(\.forward), backward = mean(\.backward), upd = mean(\.update)
        let lastStage = run.records[s - 1]
        let samples = Double(config.microBatchSize * config.microBatches)
        return ProfileComparison(
            title: "\(config.model.rawValue), \(s)-stage pipeline (\(config.schedule.rawValue)), "
                + "\(config.microBatches) micro-batches of \(config.microBatchSize)",
            iteration: PhaseComparison(name: "iteration", measured: iteration, simulated: simIteration),
            phases: [
                PhaseComparison(name: "forward", measured: forward, simulated: simForward),
                PhaseComparison(name: "backward", measured: backward, simulated: simBackward),
                PhaseComparison(name: "update", measured: upd, simulated: simUpdate),
                PhaseComparison(name: "idle", measured: max(0, iteration - forward - backward - upd),
                                simulated: max(0, simIteration - simForward - simBackward - simUpdate)),
            ],
            measuredSamplesPerSecond: iteration > 0 ? samples / iteration : 0,
            simulatedSamplesPerSecond: simIteration > 0 ? samples / simIteration : 0, allreduceGBps: nil,
            lossFirst: lastStage.first?.loss ?? 0, lossLast: lastStage.last?.loss ?? 0,
            accuracyFirst: Double(lastStage.first?.correct ?? 0) / samples,
            accuracyLast: Double(lastStage.last?.correct ?? 0) / samples,
            iterations: done, steadyIterations: steady.count, preset: preset,
            measuredTimeline: MeasuredTimeline.build(run, title: "measured: pipeline"),
            simulatedTimeline: MeasuredTimeline.build(schedule: schedule, result: result, stages: s,
                                                      title: "simulated: pipeline"))
    }
}

extension Schedule {
    /// A transfer after `task`, returned as a dependency list.
    mutating func addTransferAfter(_ task: TaskID, from: Int, to: Int, bytes: Int64, phase: Phase, step: Int) -> [TaskID] {
        [add(.transfer(from: Int32(from), to: Int32(to), bytes: bytes, path: .automatic),
             tag: TaskTag(phase: phase, step: Int32(step)), after: [task])]
    }
}
