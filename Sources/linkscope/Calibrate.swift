import ArgumentParser
import Foundation
import LinkscopeProfile
import LinkscopeTraining

/// `linkscope calibrate`: measures this machine and writes a scenario preset that `simulate` accepts.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure this machine (transport α/β, memory copy, GEMM FLOP/s per layer) and write a scenario.",
        discussion: """
            The scenario describes data-parallel training of the model on worker threads of this machine: \
            `linkscope simulate FILE` then predicts it, and `linkscope profile` holds the prediction against a run.
            """)

    @Option(help: "Write the preset here (default: print it).") var out: String?
    @Option(help: "Model: book-mnist-cnn or mlp.") var model: String = "book-mnist-cnn"
    @Option(help: "Worker threads the preset describes.") var workers: Int = 2
    @Option(help: "Gradient sync: ring, tree, naive, ps.") var sync: String = "ring"
    @Option(help: "Parameter-server shards, with --sync ps.") var servers: Int = 1
    @Option(help: "Samples per worker per iteration.") var batch: Int = 64
    @Option(help: "Repeats per measurement.") var repeats: Int = 5

    func validate() throws {
        guard ModelKind(rawValue: model) != nil else {
            throw ValidationError("--model: error: unknown model '\(model)' (book-mnist-cnn, mlp)")
        }
        guard SyncScheme(rawValue: sync) != nil else {
            throw ValidationError("--sync: error: unknown scheme '\(sync)' (ring, tree, naive, ps)")
        }
        guard workers >= 1, workers <= 64 else { throw ValidationError("--workers: error: must be between 1 and 64") }
        guard servers >= 1, servers <= 16 else { throw ValidationError("--servers: error: must be between 1 and 16") }
        guard batch >= 1, batch <= 4096 else { throw ValidationError("--batch: error: must be between 1 and 4096") }
        guard repeats >= 1, repeats <= 100 else { throw ValidationError("--repeats: error: must be between 1 and 100") }
    }

    func run() throws {
        let kind = ModelKind(rawValue: model) ?? .bookMNISTCNN
        progress("measuring memory bandwidth, thread ping-pong, \(kind.rawValue) layers and whole steps on \(workers) threads at batch \(batch)…")
        let scheme = SyncScheme(rawValue: sync) ?? .ring
        let c = Calibrator.measure(model: kind, batch: batch, repeats: repeats, concurrency: workers,
                                   stepThreads: [workers], stepRounds: max(2, repeats), workersUpdate: scheme != .ps)
        let shape = RunShape(model: kind, workers: workers, sync: scheme, servers: servers, batch: batch, iterations: 3)
        let yaml = MachinePreset.yaml(c, shape, source: "calibrate")
        if let out { try IO.writeAll([(out, yaml)]) } else { print(yaml, terminator: "") }
    }
}
