import ArgumentParser
import Foundation
import LinkscopeDashboard
import LinkscopeJSON
import LinkscopeMPI
import LinkscopeProfile
import LinkscopeTimeline
import LinkscopeTraining

/// `linkscope profile`: trains for real on this machine, then simulates the same training on the calibrated
/// preset of this machine and prints measured vs simulated per phase.
struct Profile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run real training (worker threads or MPI ranks), then compare it with its simulation.",
        discussion: """
            Calibrates this machine (transport α/β, memory bandwidth, per-layer GEMM rates), trains the model with \
            real kernels on the generated data set, simulates the same training on the calibrated preset, and \
            prints measured vs simulated per phase. Ctrl-C stops after the current iteration and still reports.
            """)

    @Option(help: "Data-parallel worker threads (MPI: one per rank).") var workers: Int = 2
    @Option(help: "Gradient sync: ring, tree, naive, ps.") var sync: String = "ring"
    @Option(help: "Parameter-server shards (threads), with --sync ps.") var servers: Int = 1
    @Option(help: "Pipeline stages (≥ 2: pipeline-parallel training instead of data-parallel).") var pipeline: Int = 1
    @Option(help: "Pipeline order: gpipe or 1f1b.") var schedule: String = "1f1b"
    @Option(name: .customLong("micro-batches"), help: "Micro-batches per pipeline iteration.") var microBatches: Int = 4
    @Option(help: "Model: book-mnist-cnn or mlp.") var model: String = "book-mnist-cnn"
    @Option(help: "Samples per worker per iteration (pipeline: per iteration in all).") var batch: Int = 64
    @Option(help: "Training iterations.") var iterations: Int = 12
    @Option(help: "Transport: threads, or mpi (run under mpirun; needs a build with --traits MPI).")
    var transport: String = "threads"
    @Option(help: "Output format: text, json or csv (one row per phase, then the iteration).") var format: String = "text"
    @Option(name: .customLong("trace-out"), help: "Write the measured run as a Chrome trace (JSON).")
    var traceOut: String?
    @Option(name: .customLong("preset-out"), help: "Write the calibrated scenario preset used for the simulation.")
    var presetOut: String?
    @Flag(help: "Open the dashboard: measured pinned as A, simulated as B.") var view = false
    @OptionGroup var flags: DashboardFlags

    func validate() throws {
        guard workers >= 1, workers <= 64 else { throw ValidationError("--workers: error: must be between 1 and 64") }
        guard SyncScheme(rawValue: sync) != nil else {
            throw ValidationError("--sync: error: unknown scheme '\(sync)' (ring, tree, naive, ps)")
        }
        guard servers >= 1, servers <= 16 else { throw ValidationError("--servers: error: must be between 1 and 16") }
        guard pipeline >= 1, pipeline <= 5 else { throw ValidationError("--pipeline: error: must be between 1 and 5 stages") }
        guard PipelineSchedule(rawValue: schedule) != nil else {
            throw ValidationError("--schedule: error: unknown pipeline schedule '\(schedule)' (gpipe, 1f1b)")
        }
        guard ModelKind(rawValue: model) != nil else {
            throw ValidationError("--model: error: unknown model '\(model)' (book-mnist-cnn, mlp)")
        }
        guard batch >= 1, batch <= 4096 else { throw ValidationError("--batch: error: must be between 1 and 4096") }
        guard iterations >= 1, iterations <= 100_000 else { throw ValidationError("--iterations: error: must be ≥ 1") }
        guard microBatches >= 1, microBatches <= batch, batch % microBatches == 0 else {
            throw ValidationError("--micro-batches: error: must divide --batch (\(batch))")
        }
        guard ["threads", "mpi"].contains(transport) else {
            throw ValidationError("--transport: error: unknown transport '\(transport)' (threads, mpi)")
        }
        guard ["text", "json", "csv"].contains(format) else {
            throw ValidationError("--format: error: text, json or csv, not '\(format)'")
        }
        if transport == "mpi", pipeline > 1 { throw ValidationError("--transport mpi: error: runs data-parallel only") }
    }

    func run() throws {
        let kind = ModelKind(rawValue: model) ?? .bookMNISTCNN
        let scheme = SyncScheme(rawValue: sync) ?? .ring
        if transport == "mpi" {
            try runMPI(kind: kind, scheme: scheme)
            return
        }
        let stop = StopFlag()
        let signals = SignalStopper(stop)
        defer { signals.restore() }
        let pipelined = pipeline > 1
        let calibrationBatch = pipelined ? batch / microBatches : batch
        progress("calibrating this machine (\(kind.rawValue), batch \(calibrationBatch))…")
        let concurrency = pipelined ? pipelineConcurrency(kind) : workers
        let replicas = pipelined ? microBatches : 1
        let stepThreads = pipelined ? [] : [workers]
        var before = Calibrator.measure(model: kind, batch: calibrationBatch, repeats: 3, concurrency: concurrency,
                                        replicas: replicas, stepThreads: stepThreads, workersUpdate: scheme != .ps)
        let reporter: @Sendable (Int, Double) -> Void = { [iterations] it, loss in
            progress(String(format: "iteration %d/%d  loss %.4f", it, iterations, loss), sameLine: true)
        }
        let comparison: ProfileComparison
        if pipelined {
            let config = PipelineConfig(model: kind, stages: pipeline, microBatches: microBatches,
                                        microBatchSize: batch / microBatches, iterations: iterations,
                                        schedule: PipelineSchedule(rawValue: schedule) ?? .oneFOneB)
            before.stages = Calibrator.stageTimings(config, rounds: Self.stageRounds)
            progress("training: \(pipeline)-stage pipeline, \(schedule), \(microBatches) micro-batches")
            let run = try PipelineTrainer.train(config, stop: stop, progress: reporter)
            progressDone()
            var after = recalibrate(before, concurrency: concurrency, replicas: replicas)
            after.stages = zip(before.stages, Calibrator.stageTimings(config, rounds: Self.stageRounds)).map {
                $0.averaged(with: $1)
            }
            let calibration = after
            comparison = try compareOrFail { try Profiler.comparePipeline(run: run, calibration: calibration, config: config) }
        } else {
            let config = TrainingConfig(model: kind, workers: workers, batchPerWorker: batch, iterations: iterations,
                                        sync: scheme, servers: servers)
            progress("training: \(workers) worker threads, sync \(sync)\(scheme == .ps ? " (\(servers) server threads)" : "")")
            let run = try DataParallelTrainer.train(config, stop: stop, progress: reporter)
            progressDone()
            let calibration = recalibrate(before, concurrency: concurrency, replicas: replicas,
                                          stepThreads: stepThreads, workersUpdate: scheme != .ps)
            let shape = RunShape(model: kind, workers: workers, sync: scheme, servers: servers, batch: batch,
                                 iterations: max(3, min(iterations, 10)), chunkBytes: config.chunkElements * 4)
            comparison = try compareOrFail { try Profiler.compare(run: run, calibration: calibration, shape: shape) }
        }
        if comparison.iterations == 0 { throw CLIError(.command("profile"), .stated("stopped before the first iteration finished")) }
        var files: [(String, String)] = []
        if let traceOut { files.append((traceOut, ChromeTraceWriter.write(comparison.measuredTimeline))) }
        if let presetOut { files.append((presetOut, comparison.preset)) }
        try IO.writeAll(files)
        if view {
            let a = DashboardModel(timeline: comparison.measuredTimeline, title: "measured: \(comparison.title)")
            let b = DashboardModel(timeline: comparison.simulatedTimeline, title: "simulated: calibrated preset")
            try flags.show(b, pinned: a)
            return
        }
        switch format {
        case "json": print(ProfileReport.json(comparison).serialized(), terminator: "")
        case "csv": print(ProfileReport.csv(comparison), terminator: "")
        default: print(ProfileReport.text(comparison), terminator: "")
        }
    }

    /// Iterations of the pipeline's stage calibration, before and after the run.
    static let stageRounds = 4

    /// Threads of a pipeline busy at once: Σ stage work / the largest stage's (stages wait on each other).
    func pipelineConcurrency(_ kind: ModelKind) -> Int {
        let spec = ModelSpec.make(kind)
        let config = PipelineConfig(model: kind, stages: pipeline)
        let flops = spec.layerForwardFLOPs
        let work = config.stageLayers(spec).map { r in r.reduce(0.0) { $0 + flops[$1] } }
        guard let top = work.max(), top > 0 else { return 1 }
        return max(1, Int((work.reduce(0, +) / top).rounded()))
    }

    /// Calibrates again after the run and averages with the calibration before it.
    func recalibrate(_ before: Calibration, concurrency: Int, replicas: Int, stepThreads: [Int] = [],
                     workersUpdate: Bool = true) -> Calibration {
        progress("calibrating again after the run…")
        return before.averaged(with: Calibrator.measure(model: before.model, batch: before.batch, repeats: 3,
                                                        concurrency: concurrency, replicas: replicas,
                                                        stepThreads: stepThreads, workersUpdate: workersUpdate))
    }

    func compareOrFail(_ body: () throws -> ProfileComparison) throws -> ProfileComparison {
        try body()  // a ProfileError is rendered by ErrorMessage as `profile: error: …`
    }

    func runMPI(kind: ModelKind, scheme: SyncScheme) throws {
        #if MPI
        let config = TrainingConfig(model: kind, workers: 1, batchPerWorker: batch, iterations: iterations, sync: scheme,
                                    servers: servers)
        let result: MPIProfileResult
        do { result = try MPITrainer.train(config) } catch { throw CLIError(.command("profile --transport mpi"), .underlying(error)) }
        if result.rank == 0 {
            switch format {
            case "json": print(MPITrainer.json(result).serialized(), terminator: "")
            case "csv":
                // The same columns as a threads run; MPI measures only, so the simulated columns are empty.
                let json = MPITrainer.json(result)
                var rows: [JSONValue] = []
                if case .array(let phases)? = json["phases"] { rows = phases }
                rows.append(.object([("name", .string("iteration")),
                                     ("measured_s", json["iteration"]?["measured_s"] ?? .null)]))
                print(CSVTable(columns: ProfileReport.csvColumns, objects: rows).rendered, terminator: "")
            default: print(MPITrainer.text(result), terminator: "")
            }
        }
        #else
        throw CLIError(.option("--transport mpi"), .stated("this linkscope was built without MPI; "
            + "build with `swift build --traits MPI` and run under mpirun"))
        #endif
    }
}

/// Progress lines on stderr (stdout stays the report).
func progress(_ line: String, sameLine: Bool = false) {
    let text = sameLine ? "\r\u{1B}[K" + line : line + "\n"
    FileHandle.standardError.write(Data(text.utf8))
}

func progressDone() { FileHandle.standardError.write(Data("\n".utf8)) }

/// Ctrl-C requests a clean stop (the current iteration finishes, the report is still printed); a second
/// Ctrl-C exits at once.
final class SignalStopper: @unchecked Sendable {
    private let source: DispatchSourceSignal
    init(_ stop: StopFlag) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if stop.isSet { exit(130) }
            progress("stopping after this iteration (Ctrl-C again to quit now)")
            stop.request()
        }
        source.resume()
    }
    func restore() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
