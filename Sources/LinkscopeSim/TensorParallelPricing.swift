import LinkscopeCollectives
import LinkscopeSchedule
import LinkscopeTopology

/// The one place where tensor-parallel collectives may skip the flow simulation.
///
/// A Megatron job issues 4–6 all-reduces per layer per micro-batch on each tensor group: for
/// gpt3-175b on 1024 GPUs that is 590 k collectives (66 M transfers) per iteration. Inside a tensor
/// group nothing else contends for those links in the modelled schedule (pipeline sends leave the
/// node, data-parallel syncs come after the pipeline), so above `flowLimit` collectives per iteration
/// each step's collectives are priced with the ring closed form (docs/cost-model.md §6, §14) on the ring
/// bandwidth the flow model would use, as one delay, while the links and GPUs are still charged the
/// exact bytes and the busy time. The collective-fidelity work (an analytical mode for every
/// uncontended collective) is meant to replace this hook.
enum TensorParallelPricing {
    /// Most tensor-parallel collectives per iteration simulated as flows.
    static let flowLimit = 20_000

    /// Which shortcuts a run takes; the defaults are what users get, tests switch them to compare.
    struct Mode: Sendable {
        /// Most tensor-parallel collectives per iteration simulated as flows.
        var flowLimit = TensorParallelPricing.flowLimit
        /// With analytic pricing, simulate one rank per tensor group (compute and pipeline sends) and let
        /// the others mirror it when their GPUs are equally fast (`Job.mirrors`).
        var representativeRank = true
    }

    static func useAnalytic(collectivesPerIteration n: Int, mode: Mode = Mode()) -> Bool { n > mode.flowLimit }

    /// What one tensor group's ring all-reduce costs: time per byte and link load per byte.
    struct GroupLoad {
        let devices: [Int]
        /// Position of this group in the job's `analyticGroups`, once registered.
        var index: Int?
        /// 2(t−1)/t ÷ ring bandwidth, seconds per byte of the all-reduced buffer.
        let secondsPerByte: Double
        /// 2(t−1) hop latencies.
        let latency: Double
        /// Bytes each link carries per byte of buffer (sorted by link index).
        let linkShare: [(link: Int, share: Double)]

        init(gpus: [Int], planner: JobBuilder) {
            let devs = gpus.compactMap { planner.topology.device(ofGPU: $0) }
            devices = devs
            let t = Double(devs.count)
            let (rings, weights) = planner.topo.rings(for: gpus)
            let figures = planner.topo.ringFigures(rings: rings, participants: devs)
            secondsPerByte = figures.bandwidth > 0 ? 2 * (t - 1) / t / figures.bandwidth : 0
            latency = 2 * (t - 1) * figures.latency
            let total = weights.reduce(0, +)
            var share: [Int: Double] = [:]
            for (r, ring) in rings.enumerated() where ring.count > 1 {
                let w = total > 0 ? weights[r] / total : 1 / Double(rings.count)
                for i in ring.indices {
                    let a = devs[ring[i]]
                    let b = devs[ring[(i + 1) % ring.count]]
                    for route in planner.topo.routeSplit(from: a, to: b) {
                        for l in route.links { share[l, default: 0] += 2 * (t - 1) / t * w * route.fraction }
                    }
                }
            }
            linkShare = share.keys.sorted().map { ($0, share[$0]!) }
        }

        /// `collectives` all-reduces of `bytes` each (reduce-scatter + all-gather pairs with sequence
        /// parallelism: the same bytes and, by the ring closed form, the same time), one after another,
        /// after `after`. Returns the task the group continues after.
        mutating func charge(collectives n: Int, bytes: Int64, sequenceParallel: Bool, after: [TaskID], job: inout Job) -> TaskID {
            let each = Double(bytes) * secondsPerByte + latency
            let task = job.schedule.add(.delay(seconds: Double(n) * each),
                                        tag: TaskTag(phase: sequenceParallel ? .reduceScatter : .none), after: after)
            let group: Int
            if let index {
                group = index
            } else {
                // First use: register the group's devices and per-byte link shares once.
                job.analyticGroups.append(AnalyticGroup(devices: devices, linkShare: linkShare))
                group = job.analyticGroups.count - 1
                index = group
            }
            job.analyticLoads.append(AnalyticLoad(task: task, group: Int32(group), bytes: bytes, count: Int32(n)))
            return task
        }
    }
}

/// A tensor group whose collectives are priced analytically: its devices and each link's bytes per
/// byte of all-reduced buffer.
struct AnalyticGroup {
    var devices: [Int]
    var linkShare: [(link: Int, share: Double)]
}

/// `count` all-reduces of `bytes` each, priced analytically, charged to their group's GPUs and links
/// when the job's results are accounted. The delay task's interval is their busy time.
struct AnalyticLoad {
    var task: TaskID
    var group: Int32
    var bytes: Int64
    var count: Int32
}
