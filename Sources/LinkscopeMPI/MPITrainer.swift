// The Open MPI transport of `linkscope profile --transport mpi`, compiled only with the package trait "MPI"
// (`swift build --traits MPI`), so that the default build needs no MPI.
#if MPI
import CMPI
import Foundation
import LinkscopeKernels
import LinkscopeJSON
import LinkscopeTraining

/// What one MPI run measured (every rank computes it; rank 0 prints it).
public struct MPIProfileResult: Sendable {
    public var rank: Int
    public var ranks: Int
    public var scheme: SyncScheme
    public var iterations: Int
    public var batchPerRank: Int
    public var iterationSeconds: Double
    public var forwardSeconds: Double
    public var backwardSeconds: Double
    public var syncSeconds: Double
    public var lossFirst: Double
    public var lossLast: Double
    public var gradientBytes: Int
    /// linkscope's schedule over point-to-point messages vs `MPI_Allreduce`, on the same buffer.
    public var scheduleSeconds: Double
    public var mpiAllreduceSeconds: Double
    public var maxDifference: Double
}

/// Executes a `CollectivePlan` over MPI point-to-point messages: every rank walks the schedule in task order;
/// a transfer it sends is staged and posted with `MPI_Isend` (after its dependencies, which are earlier tasks
/// of this rank), a transfer it receives is an `MPI_Recv` followed by the copy or reduction. Walking one
/// topological order on every rank cannot deadlock, and messages between a pair match in order.
public final class MPICollective {
    public let plan: CollectivePlan
    let rank: Int
    let ranks: Int
    let world = shim_MPI_COMM_WORLD()
    var buffers: [BufferRole: [Int: FloatBuffer]] = [:]
    let staging: FloatBuffer
    let sendStaging: [Int: FloatBuffer]

    public init(plan: CollectivePlan, rank: Int, ranks: Int) {
        self.plan = plan
        self.rank = rank
        self.ranks = ranks
        var biggest = 0
        var sends: [Int: FloatBuffer] = [:]
        for a in plan.actions.compactMap({ $0 }) {
            biggest = max(biggest, a.range.count)
            if Self.host(a.from, ranks) == rank && Self.host(a.to, ranks) != rank {
                sends[a.task] = FloatBuffer(count: a.range.count)
            }
        }
        staging = FloatBuffer(count: biggest)
        sendStaging = sends
    }

    /// The rank hosting a device: workers are ranks; parameter server j lives on rank j mod N.
    static func host(_ device: Int, _ ranks: Int) -> Int { device < ranks ? device : (device - ranks) % ranks }

    public func bind(_ role: BufferRole, device: Int, to buffer: FloatBuffer) {
        buffers[role, default: [:]][device] = buffer
    }

    func pointer(_ role: BufferRole, _ device: Int) -> UnsafeMutablePointer<Float> {
        guard let b = buffers[role]?[device] else { preconditionFailure("no \(role) buffer for device \(device)") }
        return b.pointer
    }

    /// Runs the whole collective on this rank; `onShardReady(j)` runs on the rank hosting server j.
    public func run(onShardReady: ((Int) -> Void)? = nil) {
        var requests: [MPI_Request?] = []
        for t in 0..<plan.schedule.count {
            if let a = plan.actions[t] {
                let src = Self.host(a.from, ranks), dst = Self.host(a.to, ranks)
                let n = a.range.count
                if src == rank && dst == rank {
                    apply(a, from: pointer(a.source, a.from) + a.range.lowerBound)
                } else if src == rank, let stage = sendStaging[t] {
                    stage.pointer.update(from: pointer(a.source, a.from) + a.range.lowerBound, count: n)
                    var request: MPI_Request? = nil
                    MPI_Isend(stage.pointer, Int32(n), shim_MPI_FLOAT(), Int32(dst), Int32(t % 32_000), world, &request)
                    requests.append(request)
                } else if dst == rank {
                    MPI_Recv(staging.pointer, Int32(n), shim_MPI_FLOAT(), Int32(src), Int32(t % 32_000), world,
                             shim_MPI_STATUS_IGNORE())
                    apply(a, from: staging.pointer)
                }
            }
            if let j = plan.shardReadyTask.firstIndex(of: t), Self.host(plan.servers[j], ranks) == rank {
                onShardReady?(j)
            }
        }
        if !requests.isEmpty { MPI_Waitall(Int32(requests.count), &requests, shim_MPI_STATUSES_IGNORE()) }
    }

    private func apply(_ a: DataAction, from src: UnsafeMutablePointer<Float>) {
        let dst = pointer(a.destination, a.to) + a.range.lowerBound
        if a.accumulate { BLAS.axpy(a.range.count, x: src, y: dst) } else { dst.update(from: src, count: a.range.count) }
    }
}

public enum MPITrainer {
    /// Data-parallel training with one worker per MPI rank (`config.workers` is ignored: the world size counts).
    public static func train(_ config: TrainingConfig) throws -> MPIProfileResult {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 { MPI_Init(nil, nil) }
        defer { MPI_Finalize() }
        let world = shim_MPI_COMM_WORLD()
        var r: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(world, &r)
        MPI_Comm_size(world, &size)
        let rank = Int(r), ranks = Int(size)
        BLAS.useSingleThread()
        let spec = ModelSpec.make(config.model)
        let batch = config.batchPerWorker
        let net = Network(spec: spec, batch: batch, seed: config.seed)
        let elements = spec.parameterCount
        let plan = try CollectivePlan(scheme: config.sync, workers: ranks, elements: elements,
                                      servers: max(1, config.servers), chunkElements: config.chunkElements)
        let collective = MPICollective(plan: plan, rank: rank, ranks: ranks)
        collective.bind(.gradients, device: rank, to: net.gradients)
        collective.bind(.weights, device: rank, to: net.parameters)
        let snapshot = FloatBuffer(count: elements)
        collective.bind(.snapshot, device: rank, to: snapshot)
        var serverState: [Int: (FloatBuffer, FloatBuffer, [FloatBuffer])] = [:]
        for (j, d) in plan.servers.enumerated() where MPICollective.host(d, ranks) == rank {
            let w = FloatBuffer(net.parameters.array), s = FloatBuffer(count: elements)
            collective.bind(.serverWeights, device: d, to: w)
            collective.bind(.serverSum, device: d, to: s)
            serverState[j] = (w, s, (0..<config.optimizer.stateBuffers).map { _ in FloatBuffer(count: elements) })
        }
        let state = (0..<config.optimizer.stateBuffers).map { _ in FloatBuffer(count: elements) }
        let images = FloatBuffer(count: 4096 * 784)
        let labelStore = UnsafeMutablePointer<Int32>.allocate(capacity: 4096)
        defer { labelStore.deallocate() }
        SyntheticDigits(seed: config.seed).fill(first: 0, count: 4096, images: images.pointer, labels: labelStore)
        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: batch)
        defer { labels.deallocate() }
        var losses: [Double] = []
        var fwd = 0.0, bwd = 0.0, sync = 0.0
        MPI_Barrier(world)
        var steadyStart = monotonicSeconds()
        let warm = config.iterations >= 4 ? 1 : 0
        for it in 0..<config.iterations {
            if it == warm { MPI_Barrier(world); steadyStart = monotonicSeconds(); fwd = 0; bwd = 0; sync = 0 }
            for i in 0..<batch {
                let s = ((it * ranks + rank) * batch + i) % 4096
                (net.input + i * 784).update(from: images.pointer + s * 784, count: 784)
                labels[i] = labelStore[s]
            }
            net.gradients.zero()
            let t0 = monotonicSeconds()
            net.forward()
            var loss = SoftmaxCrossEntropy.forwardBackward(logits: net.output, labels: labels, batch: batch,
                                                           classes: spec.classes, dLogits: net.outputGradient).loss
            let t1 = monotonicSeconds()
            net.backward()
            let t2 = monotonicSeconds()
            if config.sync == .naive { snapshot.copy(from: net.gradients) }
            collective.run { j in
                guard let (w, s, st) = serverState[j] else { return }
                config.optimizer.apply(weights: w.pointer, gradients: s.pointer, state: st.map(\.pointer),
                                       range: plan.shards[j], gradScale: 1 / Float(ranks), step: it + 1)
                (s.pointer + plan.shards[j].lowerBound).update(repeating: 0, count: plan.shards[j].count)
            }
            let t3 = monotonicSeconds()
            if config.sync != .ps {
                config.optimizer.apply(weights: net.parameters.pointer, gradients: net.gradients.pointer,
                                       state: state.map(\.pointer), range: 0..<elements, gradScale: 1 / Float(ranks),
                                       step: it + 1)
            }
            fwd += t1 - t0
            bwd += t2 - t1
            sync += t3 - t2
            var mean = 0.0
            MPI_Allreduce(&loss, &mean, 1, shim_MPI_DOUBLE(), shim_MPI_SUM(), world)
            losses.append(mean / Double(ranks))
        }
        MPI_Barrier(world)
        let steady = Double(max(1, config.iterations - warm))
        let iteration = (monotonicSeconds() - steadyStart) / steady

        // The same collective over the same data: linkscope's schedule vs MPI_Allreduce.
        let probe = (0..<elements).map { Float(($0 * 31 + rank * 17) % 97) / 97 - 0.5 }
        let ours = FloatBuffer(probe), theirs = FloatBuffer(probe)
        let check = MPICollective(plan: try CollectivePlan(scheme: config.sync == .ps ? .ring : config.sync,
                                                           workers: ranks, elements: elements,
                                                           chunkElements: config.chunkElements),
                                  rank: rank, ranks: ranks)
        check.bind(.gradients, device: rank, to: ours)
        let probeSnapshot = FloatBuffer(probe)
        check.bind(.snapshot, device: rank, to: probeSnapshot)
        var oursTime = Double.infinity, theirsTime = Double.infinity
        for rep in 0..<5 {
            ours.pointer.update(from: probeSnapshot.pointer, count: elements)
            MPI_Barrier(world)
            let a = monotonicSeconds()
            check.run()
            MPI_Barrier(world)
            let b = monotonicSeconds()
            theirs.pointer.update(from: probeSnapshot.pointer, count: elements)
            MPI_Barrier(world)
            let c = monotonicSeconds()
            MPI_Allreduce(shim_MPI_IN_PLACE(), theirs.pointer, Int32(elements), shim_MPI_FLOAT(), shim_MPI_SUM(), world)
            MPI_Barrier(world)
            let d = monotonicSeconds()
            if rep > 0 { oursTime = min(oursTime, b - a); theirsTime = min(theirsTime, d - c) }
        }
        var localMax = 0.0
        for i in 0..<elements { localMax = max(localMax, Double(abs(ours[i] - theirs[i]))) }
        var globalMax = 0.0
        MPI_Allreduce(&localMax, &globalMax, 1, shim_MPI_DOUBLE(), shim_MPI_MAX(), world)
        return MPIProfileResult(rank: rank, ranks: ranks, scheme: config.sync, iterations: config.iterations,
                                batchPerRank: batch, iterationSeconds: iteration, forwardSeconds: fwd / steady,
                                backwardSeconds: bwd / steady, syncSeconds: sync / steady, lossFirst: losses.first ?? 0,
                                lossLast: losses.last ?? 0, gradientBytes: elements * 4, scheduleSeconds: oursTime,
                                mpiAllreduceSeconds: theirsTime, maxDifference: globalMax)
    }

    public static func text(_ r: MPIProfileResult) -> String {
        var out = "linkscope profile --transport mpi: \(r.ranks) ranks, \(r.scheme.rawValue), batch \(r.batchPerRank) per rank\n"
        out += String(format: "iteration %.2f ms (forward %.2f, backward %.2f, sync %.2f), %.0f samples/s\n",
                      r.iterationSeconds * 1e3, r.forwardSeconds * 1e3, r.backwardSeconds * 1e3, r.syncSeconds * 1e3,
                      Double(r.ranks * r.batchPerRank) / max(r.iterationSeconds, 1e-12))
        out += String(format: "loss %.3f → %.3f over %d iterations\n", r.lossFirst, r.lossLast, r.iterations)
        out += String(format: "all-reduce of %d B: linkscope schedule over MPI point-to-point %.3f ms, MPI_Allreduce %.3f ms; "
                      + "max |difference| %.2e\n", r.gradientBytes, r.scheduleSeconds * 1e3, r.mpiAllreduceSeconds * 1e3,
                      r.maxDifference)
        return out
    }

    public static func json(_ r: MPIProfileResult) -> JSONValue {
        .object([
            ("transport", .string("mpi")), ("ranks", .int(Int64(r.ranks))), ("sync", .string(r.scheme.rawValue)),
            ("iteration", .object([("measured_s", .double(r.iterationSeconds))])),
            ("phases", .array([
                .object([("name", .string("forward")), ("measured_s", .double(r.forwardSeconds))]),
                .object([("name", .string("backward")), ("measured_s", .double(r.backwardSeconds))]),
                .object([("name", .string("sync")), ("measured_s", .double(r.syncSeconds))]),
            ])),
            ("samples_per_s", .double(Double(r.ranks * r.batchPerRank) / max(r.iterationSeconds, 1e-12))),
            ("loss", .object([("first", .double(r.lossFirst)), ("last", .double(r.lossLast))])),
            ("allreduce", .object([
                ("bytes", .int(Int64(r.gradientBytes))), ("schedule_s", .double(r.scheduleSeconds)),
                ("mpi_allreduce_s", .double(r.mpiAllreduceSeconds)), ("max_abs_difference", .double(r.maxDifference)),
            ])),
        ])
    }
}
#endif
