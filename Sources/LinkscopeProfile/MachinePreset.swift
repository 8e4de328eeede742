import Foundation
import LinkscopeTraining

/// The training a preset describes: what runs on the calibrated machine.
public struct RunShape: Sendable {
    public var model: ModelKind
    public var workers: Int
    public var sync: SyncScheme
    public var servers: Int
    public var batch: Int
    public var iterations: Int
    public var chunkBytes: Int
    public init(model: ModelKind, workers: Int, sync: SyncScheme, servers: Int = 1, batch: Int, iterations: Int,
                chunkBytes: Int = 256 << 10) {
        self.model = model
        self.workers = workers
        self.sync = sync
        self.servers = servers
        self.batch = batch
        self.iterations = iterations
        self.chunkBytes = chunkBytes
    }
}

/// Writes "this machine" as a scenario that `linkscope simulate` accepts.
///
/// Each worker thread is a device of the custom graph joined to a `mem` hub (shared memory) by one link per
/// direction: the hub→worker direction carries what that worker's thread copies or reduces in (the receiver
/// does the work), at the calibrated transport rate; latency α/2 per hop. Parameter servers are `cpu`
/// devices (placement: hosts). Compute: the model's layers with forward and backward work expressed in FLOPs
/// at the machine's reference rate (the whole model's measured forward FLOP/s), so that each layer takes its
/// measured time; `compute_efficiency` scales the V100 fp32 peak the simulator assumes down to that rate.
///
/// Oversubscription is explicit: with T busy threads on C cores each gets C/T of a core, so compute and
/// copy rates shrink by min(1, C/T) (T = workers for compute and all-reduce, servers while they reduce pushes).
public enum MachinePreset {
    /// V100 fp32 peak (the device model the preset names), FLOP/s.
    static let v100Peak = 15.7e12

    public static func share(cores: Int, threads: Int) -> Double { min(1, Double(cores) / Double(max(1, threads))) }

    /// Receive rates (bytes/s) of a worker's and of a server's thread for `sync`.
    static func receiveRates(_ c: Calibration, sync: SyncScheme, workers: Int, servers: Int) -> (worker: Double, server: Double) {
        let copy = c.beta, reduce = c.beta * c.reduceBandwidth / max(c.copyBandwidth, 1)
        let w = share(cores: c.cores, threads: workers)
        switch sync {
        case .ring, .tree: return (2 / (1 / copy + 1 / reduce) * w, 0)  // half the pieces are reduced, half copied
        case .naive: return (reduce * w, 0)
        case .ps: return (copy * w, reduce * share(cores: c.cores, threads: servers))
        }
    }

    /// Name of the preset's extra zero-parameter layer that carries a step's overhead (`StepTiming.overhead`).
    public static let overheadLayer = "step-overhead"

    public static func yaml(_ c: Calibration, _ run: RunShape, source: String) -> String {
        let step = c.step(threads: run.workers)
        // A step timing measured at the run's thread count already holds the oversubscription.
        let w = step == nil ? share(cores: c.cores, threads: run.workers) : 1
        let rate = c.referenceRate
        let rates = receiveRates(c, sync: run.sync, workers: run.workers, servers: run.servers)
        let fast = max(c.copyBandwidth, c.beta) * 8  // reading a peer's memory is not what limits a transfer
        let hop = String(format: "%.3f us", c.alpha / 2 * 1e6)
        func gbps(_ x: Double) -> String { String(format: "%.4f GB/s", x / 1e9) }
        func flop(_ x: Double) -> String { String(format: "%.6f MFLOP", x / 1e6) }
        var out = """
            # "This machine", written by `linkscope calibrate` (\(source)).
            # Measured: \(c.cores) cores; memcpy \(String(format: "%.2f", c.copyBandwidth / 1e9)) GB/s, reduce (y += x) \
            \(String(format: "%.2f", c.reduceBandwidth / 1e9)) GB/s per thread;
            # thread transport alpha = \(String(format: "%.2f", c.alpha * 1e6)) us, beta = \
            \(String(format: "%.2f", c.beta / 1e9)) GB/s (ping-pong sweep, one way);
            # \(c.model.rawValue) at batch \(c.batch), one thread: \(String(format: "%.2f", rate / 1e9)) GFLOP/s forward.
            # Layer work is in FLOPs at that reference rate (real FLOPs × reference rate / the layer's own rate), so
            # each layer takes its measured time; \(compute(c, step, run, w))
            name: this machine (\(run.workers) worker threads, \(run.sync.rawValue), \(c.model.rawValue))
            cluster:
              devices:

            """
        for i in 0..<run.workers { out += "    - {id: w\(i), kind: gpu, model: v100}\n" }
        let servers = run.sync == .ps ? max(1, run.servers) : 0
        for j in 0..<servers { out += "    - {id: ps\(j), kind: cpu}\n" }
        out += "    - {id: mem, kind: pcie-switch}\n  links:\n"
        for i in 0..<run.workers {
            out += "    - {from: w\(i), to: mem, bandwidth: \(gbps(fast)), latency: \(hop), kind: pcie, duplex: half}\n"
            out += "    - {from: mem, to: w\(i), bandwidth: \(gbps(rates.worker)), latency: \(hop), kind: pcie, duplex: half}\n"
        }
        for j in 0..<servers {
            out += "    - {from: ps\(j), to: mem, bandwidth: \(gbps(fast)), latency: \(hop), kind: pcie, duplex: half}\n"
            out += "    - {from: mem, to: ps\(j), bandwidth: \(gbps(rates.server)), latency: \(hop), kind: pcie, duplex: half}\n"
        }
        out += "model:\n  layers:   # backward includes the layer's share of the optimizer step (by parameters)\n"
        let params = Double(max(1, c.layers.reduce(0) { $0 + $1.parameters }))
        let updateAll = run.sync == .ps ? 0 : (step?.update ?? c.updateSeconds)
        for (i, l) in c.layers.enumerated() {
            let update = updateAll * Double(l.parameters) / params
            let f = (step?.layerForward[i] ?? l.forwardSeconds) / Double(c.batch) * rate
            let b = ((step?.layerBackward[i] ?? l.backwardSeconds) + update) / Double(c.batch) * rate
            out += "    - {name: \(l.name), params: \(l.parameters), forward: \(flop(f)), backward: \(flop(b))}"
            out += "   # real forward \(flop(l.forwardFLOPs)), \(String(format: "%.2f", l.forwardRate * Double(c.batch) / 1e9)) GFLOP/s\n"
        }
        if let step {
            let f = step.overhead / Double(c.batch) * rate
            out += "    - {name: \(overheadLayer), params: 0, forward: \(flop(f)), backward: 0 FLOP}"
            out += "   # data, zeroing, loss, wake-ups, wait for the slowest thread\n"
        }
        out += "  dtype: fp32\n"
        out += "training:\n  batch_per_gpu: \(run.batch)\n  iterations: \(run.iterations)\n"
        out += "  parallelism: {data: \(run.workers)}\n"
        if run.sync == .ps {
            out += "  sync: {scheme: parameter-server, servers: \(servers), placement: hosts}\n"
        } else {
            out += "  sync: {scheme: allreduce, algorithm: \(run.sync.algorithm.rawValue)}\n"
        }
        out += "  overlap: false\n"
        out += "simulation: {compute_efficiency: \(String(format: "%.9f", rate * w / v100Peak)), chunk: \(run.chunkBytes) B}\n"
        return out
    }

    /// The header line that says where the compute figures come from.
    static func compute(_ c: Calibration, _ step: StepTiming?, _ run: RunShape, _ w: Double) -> String {
        if let step {
            return String(format: "layer times from %d worker threads computing whole steps at once, lock-stepped "
                          + "(slowest thread's step %.2f ms, of which %.2f ms beyond layers and update)",
                          step.threads, step.step * 1e3, step.overhead * 1e3)
        }
        return "\(run.workers) worker threads on \(c.cores) cores run at \(String(format: "%.3f", w)) of a core each."
    }
}
