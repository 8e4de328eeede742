import LinkscopeFabric
import LinkscopeSchedule
import LinkscopeTimeline
import LinkscopeTopology

/// Per-collective aggregates of one job run.
struct CollectiveAggregate {
    var start = Double.infinity
    var end = 0.0
    var traffic: Int64 = 0
    /// Distinct (from, to) device pairs the collective's transfers used, in first-use order.
    var pairs: [(Int, Int)] = []
}

/// Sums what happened across jobs: per-device busy intervals and bytes, per-link bytes and busy time.
struct Accounting {
    let topology: Topology
    private(set) var computeIntervals: [[(Double, Double)]]
    private(set) var commIntervals: [[(Double, Double)]]
    /// Communication time per device kept as a length only: ring-program intervals the fabric folded away
    /// (disjoint from every interval kept, and from computation).
    private(set) var commFolded: [Double]
    private(set) var sent: [Int64]
    private(set) var received: [Int64]
    private(set) var lastSent: [Int64]
    private(set) var lastReceived: [Int64]
    private(set) var linkBytes: [Int64]
    private(set) var linkBusy: [Double]
    private(set) var events = 0
    /// Bytes per collective in report order (traffic analysis).
    private(set) var collectiveTraffic: [Int64] = []

    init(topology: Topology) {
        self.topology = topology
        let n = topology.devices.count
        computeIntervals = Array(repeating: [], count: n)
        commIntervals = Array(repeating: [], count: n)
        commFolded = Array(repeating: 0, count: n)
        sent = Array(repeating: 0, count: n)
        received = Array(repeating: 0, count: n)
        lastSent = sent
        lastReceived = received
        linkBytes = Array(repeating: 0, count: topology.links.count)
        linkBusy = Array(repeating: 0, count: topology.links.count)
    }

    func jobSent(_ device: Int) -> Int64 { lastSent[device] }
    func jobReceived(_ device: Int) -> Int64 { lastReceived[device] }

    /// Adds one job's results shifted by `offset`; returns aggregates per collective of the job.
    mutating func add(job: Job, result: ExecutionResult, offset: Double) -> [CollectiveAggregate] {
        var aggregates = Array(repeating: CollectiveAggregate(), count: job.collectives.count)
        var slot: [Int32: Int] = [:]
        for (i, c) in job.collectives.enumerated() { slot[c.request.collectiveID] = i }
        var seenPairs: [Set<Int64>] = Array(repeating: [], count: job.collectives.count)
        // Per sending device, the last (collective slot, receiver) pair already in `seenPairs`: a device sends
        // to the same peer many times in a row, so the set is consulted only when the pair changes.
        var knownPair = Array(repeating: (slot: -1, to: -1), count: topology.devices.count)
        // Tasks of one collective are contiguous: the dictionary is consulted only when the collective changes.
        var lastCollective: Int32 = -1
        var lastSlot: Int? = nil
        lastSent = Array(repeating: 0, count: topology.devices.count)
        lastReceived = lastSent
        let programs = job.schedule.ringPrograms
        var nextProgram = 0  // programs are in placeholder order
        for (i, task) in job.schedule.tasks.enumerated() {
            let s = result.taskStart[i]
            let e = result.taskEnd[i]
            if task.tag.collective != lastCollective || i == 0 {
                lastCollective = task.tag.collective
                lastSlot = slot[lastCollective]
            }
            switch task.kind {
            case .transfer(let from, let to, let bytes, _):
                let a = Int(from)
                let b = Int(to)
                if a != b {
                    sent[a] += bytes
                    received[b] += bytes
                    lastSent[a] += bytes
                    lastReceived[b] += bytes
                    Self.append((offset + s, offset + e), to: &commIntervals[a])
                    Self.append((offset + s, offset + e), to: &commIntervals[b])
                }
                if let k = lastSlot {
                    aggregates[k].start = min(aggregates[k].start, s)
                    aggregates[k].end = max(aggregates[k].end, e)
                    if a != b {
                        aggregates[k].traffic += bytes
                        if knownPair[a] != (k, b) {
                            if seenPairs[k].insert(Int64(a) << 32 | Int64(b)).inserted { aggregates[k].pairs.append((a, b)) }
                            knownPair[a] = (k, b)
                        }
                    }
                }
            case .compute(let device, _, _):
                Self.append((offset + s, offset + e), to: &computeIntervals[Int(device)])
                if let k = lastSlot {
                    aggregates[k].start = min(aggregates[k].start, s)
                    aggregates[k].end = max(aggregates[k].end, e)
                }
            case .delay:
                if let k = lastSlot {
                    aggregates[k].start = min(aggregates[k].start, s)
                    aggregates[k].end = max(aggregates[k].end, e)
                }
                if nextProgram < programs.count, programs[nextProgram].placeholder.index == i {
                    addProgram(programs[nextProgram], slot: lastSlot, aggregates: &aggregates, seenPairs: &seenPairs,
                               knownPair: &knownPair)
                    nextProgram += 1
                }
            }
        }
        for (d, intervals) in result.programIntervals.enumerated() {
            for (s, e) in intervals { Self.append((offset + s, offset + e), to: &commIntervals[d]) }
        }
        for (d, length) in result.programFoldedLength.enumerated() { commFolded[d] += length }
        // Collectives the NCCL-like model priced analytically: their bytes and busy time, which the fabric
        // never saw, are charged to the links they use.
        var jobLinkBytes = result.linkBytes, jobLinkBusy = result.linkBusy
        for c in job.linkCharges {
            jobLinkBytes[c.link] += c.bytes
            jobLinkBusy[c.link] += c.busy
        }
        for l in 0..<linkBytes.count {
            linkBytes[l] += jobLinkBytes[l]
            linkBusy[l] += jobLinkBusy[l]
        }
        if !job.analyticLoads.isEmpty { addAnalytic(job, result: result, offset: offset) }
        events += result.events
        for k in aggregates.indices where !aggregates[k].start.isFinite { aggregates[k].start = 0 }
        collectiveTraffic += aggregates.map { $0.traffic }
        return aggregates
    }

    /// A ring program's transfers, which have no tasks: bytes per device, the collective's traffic and pairs
    /// (in ring order, as its eager tasks list them). Their busy intervals come from the fabric.
    private mutating func addProgram(_ program: RingProgram, slot: Int?, aggregates: inout [CollectiveAggregate],
                                     seenPairs: inout [Set<Int64>], knownPair: inout [(slot: Int, to: Int)]) {
        let n = program.positions
        for (i, bytes) in program.bytesSent().enumerated() {
            let a = Int(program.devices[i]), b = Int(program.devices[(i + 1) % n])
            sent[a] += bytes
            received[b] += bytes
            lastSent[a] += bytes
            lastReceived[b] += bytes
            guard let k = slot else { continue }
            aggregates[k].traffic += bytes
            if knownPair[a] != (k, b) {
                if seenPairs[k].insert(Int64(a) << 32 | Int64(b)).inserted { aggregates[k].pairs.append((a, b)) }
                knownPair[a] = (k, b)
            }
        }
    }

    /// Appends a busy interval, merged into the last one when they overlap or touch: the union (all that
    /// `IntervalSet` keeps, with the same endpoints) is unchanged, and back-to-back transfers of a ring,
    /// millions of them, take one entry instead of one each. An empty interval is kept only in an empty list
    /// (`IntervalSet` drops it; `gpuResults` asks whether a device has any interval at all).
    private static func append(_ interval: (Double, Double), to list: inout [(Double, Double)]) {
        guard interval.1 > interval.0 || list.isEmpty else { return }
        if let last = list.last, Swift.max(last.0, interval.0) <= Swift.min(last.1, interval.1) {
            list[list.count - 1] = (Swift.min(last.0, interval.0), Swift.max(last.1, interval.1))
        } else {
            list.append(interval)
        }
    }

    /// Charges collectives priced analytically: each GPU of the ring sends and receives 2(t−1)/t of every
    /// buffer, each link its share; their interval counts as communication and link busy time.
    private mutating func addAnalytic(_ job: Job, result: ExecutionResult, offset: Double) {
        var busy = Array(repeating: 0.0, count: job.analyticGroups.count)
        var volume: [[Int64: Int64]] = Array(repeating: [:], count: job.analyticGroups.count)
        for load in job.analyticLoads {
            let g = Int(load.group)
            let s = offset + result.taskStart[load.task.index]
            let e = offset + result.taskEnd[load.task.index]
            let devices = job.analyticGroups[g].devices
            let t = Int64(devices.count)
            let perRank = 2 * (t - 1) * (load.bytes / t) * Int64(load.count)
            for d in devices {
                sent[d] += perRank
                received[d] += perRank
                lastSent[d] += perRank
                lastReceived[d] += perRank
                commIntervals[d].append((s, e))
            }
            busy[g] += e - s
            volume[g][load.bytes, default: 0] += Int64(load.count)
        }
        for (g, group) in job.analyticGroups.enumerated() {
            for (l, share) in group.linkShare {
                for (bytes, count) in volume[g] { linkBytes[l] += Int64((share * Double(bytes)).rounded()) * count }
                linkBusy[l] += busy[g]
            }
        }
    }

    /// Per-GPU breakdown for the job's GPUs plus any other GPU that did something.
    func gpuResults(total: Double, jobGPUs: [Int]) -> [GPUResult] {
        var ids = Set(jobGPUs)
        for (g, d) in topology.gpus.enumerated()
        where !computeIntervals[d].isEmpty || !commIntervals[d].isEmpty || commFolded[d] > 0 || sent[d] > 0
            || received[d] > 0 {
            ids.insert(g)
        }
        return ids.sorted().map { g in
            let d = topology.gpus[g]
            let compute = IntervalUnion(computeIntervals[d])
            let comm = IntervalUnion(commIntervals[d])
            let overlap = compute.intersectionLength(comm)
            let communication = commFolded[d] > 0 ? comm.length + commFolded[d] : comm.length
            let busy = compute.length + communication - overlap
            return GPUResult(id: g, compute: compute.length, communication: communication, idle: max(0, total - busy),
                             overlap: overlap, bytesSent: sent[d], bytesReceived: received[d])
        }
    }

    /// Links that carried bytes, in link order.
    func linkResults(total: Double) -> [LinkResult] {
        topology.links.indices.compactMap { l in
            guard linkBytes[l] > 0 else { return nil }
            let link = topology.links[l]
            let capacity = link.bandwidth.bytesPerSecond * total
            return LinkResult(index: l, from: topology.devices[link.from].name, to: topology.devices[link.to].name,
                              kind: link.kind.rawValue, bandwidth: link.bandwidth.bytesPerSecond, bytes: linkBytes[l],
                              busy: linkBusy[l], utilization: capacity > 0 ? Double(linkBytes[l]) / capacity : 0)
        }
    }
}
