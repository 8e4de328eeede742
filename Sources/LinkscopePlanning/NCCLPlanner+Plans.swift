import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// Plans: the tuner's pick for one collective, its channels lowered to streams, the fabric rates they run at
/// and the link charges of an analytically priced plan.
extension NCCLPlanner {
    /// Plans `op` of `bytes` over `gpus`: the model's pick (or the given algorithm/protocol), and its lowering.
    /// Returns nil when NCCL has no such pair here (e.g. NVLS without NVSwitch).
    public func plan(op: CollectiveOp, bytes: Int64, gpus: [Int], root: Int = 0, algorithm: NCCLAlgorithm? = nil,
                     proto: NCCLProtocol? = nil, channels: Int? = nil) -> NCCLPlan? {
        guard gpus.count >= 2 else { return nil }
        let sys = system(gpus: gpus, channels: channels)
        let participants = gpus.compactMap { topology.device(ofGPU: $0) }
        guard participants.count == gpus.count else { return nil }
        let cost: NCCLCost
        if op == .alltoall || op == .sendrecv {
            cost = NCCLTuner.p2pCost(op, system: sys)
        } else {
            let algs = algorithm.map { [$0] } ?? [.tree, .ring, .nvls]
            let protos = proto.map { [$0] } ?? NCCLProtocol.allCases
            guard let pick = NCCLTuner.choose(op, bytes: bytes, system: sys, algorithms: algs, protocols: protos)
            else { return nil }
            cost = pick.cost
        }
        let timeUs = NCCLTuner.time(op, cost, bytes: bytes, system: sys)
        let bw = (op == .alltoall || op == .sendrecv ? cost.algorithmBandwidth
                  : NCCLTuner.effectiveAlgorithmBandwidth(op, cost, bytes: bytes)) * 1e9
        let latency = timeUs * 1e-6 - Double(bytes) / bw
        let n = gpus.count
        let nCh = cost.channels
        var lowering = NCCLLowering(algorithm: cost.algorithm, proto: cost.proto)
        // Streams and the bytes one pipeline unit (ring segment, tree/chain channel share, NVLS slice) puts on each.
        var streams: [(from: Int, to: Int, channel: Int, fraction: Double, unit: Double)] = []
        let total = Double(bytes), share = total / Double(nCh)
        var unit = share, hops = 1, ringSteps = 0, unitsInRow = 1.0
        switch cost.algorithm {
        case .ring:
            lowering.rings = rings(gpus: gpus, channels: nCh)
            let chain = op == .broadcast || op == .reduce
            let perHop = op == .allreduce ? 2 * Double(n - 1) / Double(n) : chain ? 1 : Double(n - 1) / Double(n)
            unit = chain ? share : share / Double(n)
            for (ch, ring) in lowering.rings.enumerated() {
                let order: [Int]
                if chain, let at = ring.firstIndex(of: root) { order = Array(ring[at...] + ring[..<at]) } else { order = ring }
                for i in 0..<(chain ? n - 1 : n) {
                    let (a, b) = op == .reduce ? (order[i + 1], order[i]) : (order[i], order[(i + 1) % n])
                    streams.append((participants[a], participants[b], ch, perHop / Double(nCh), unit))
                }
            }
            if chain { hops = n - 1 } else { ringSteps = op == .allreduce ? 2 * (n - 1) : n - 1 }
        case .tree:
            lowering.trees = trees(gpus: gpus, channels: nCh)
            for (ch, parents) in lowering.trees.enumerated() {
                for (r, p) in parents.enumerated() where p >= 0 {
                    streams.append((participants[r], participants[p], ch, 1 / Double(nCh), share))
                    streams.append((participants[p], participants[r], ch, 1 / Double(nCh), share))
                }
            }
            hops = 2 * (lowering.trees.first.flatMap(NCCLLowering.height) ?? 1)
        case .nvls:
            let up = switchLinks(ofDevice: participants[0])
            let width = up.reduce(0) { $0 + gb($1) }
            lowering.switches = up.map { topology.links[$0].to }
            lowering.switchShares = up.map { gb($0) / width }
            unit = op == .allreduce ? share : share / Double(n)
            unitsInRow = op == .allreduce ? 1 : Double(n)
            for ch in 0..<nCh {
                for d in participants {
                    for (p, sw) in lowering.switches.enumerated() {
                        let w = lowering.switchShares[p]
                        let upShare = op == .allgather ? w / Double(n * nCh) : w / Double(nCh)
                        let downShare = op == .reducescatter ? w / Double(n * nCh) : w / Double(nCh)
                        streams.append((d, sw, ch, upShare, unit * w))
                        streams.append((sw, d, ch, downShare, unit * w))
                    }
                }
            }
            hops = 2
        }
        let wire = cost.proto.wireFactor
        let isP2P = op == .alltoall || op == .sendrecv
        let modelSeconds = total / bw
        let rates = isP2P ? [] : fabricRates(streams.map { ($0.from, $0.to) })
        // Pieces per unit: NCCL's step payload, or finer where a pipeline of `hops` stages must fill (trees,
        // chains, NVLS) so that the fill stays within what the fabric's spare rate hides.
        var c = max(1, (unit / Double(cost.proto.stepPayloadBytes)).rounded(.up))
        if ringSteps == 0, modelSeconds > 0, !rates.isEmpty, hops > 1 {
            var spare = Double.infinity
            for (i, st) in streams.enumerated() where st.unit > 0 {
                spare = min(spare, rates[i].rate * modelSeconds / (st.unit * unitsInRow * wire))
            }
            // NCCL's model has no fill term (its trees pipeline in many small slices): keep the fill short.
            c = max(c, Double(12 * hops))
            if spare > 1.0001 { c = max(c, (Double(hops - 1) / (spare - 1) * 1.3).rounded(.up)) }
            c = min(c, 512)
            c = min(c, max(1, (unit / 1024).rounded(.down)))
        }
        let slots = ringSteps > 0 ? Double(ringSteps) * c : unitsInRow * c + Double(hops - 1)
        var pacing = Array(repeating: 0.0, count: nCh)
        var extraLatency = 0.0
        if !isP2P, modelSeconds > 0, !streams.isEmpty {
            // Each piece slot lasts τ: the fabric serves the piece, the stream waits out the rest.
            let tau = modelSeconds / slots
            var alpha = 0.0, served = 0.0, alphaSum = 0.0, counted = 0.0
            for (i, st) in streams.enumerated() where st.unit > 0 {
                let pieceWire = max(1, st.unit / c * wire)
                let d = pieceWire / rates[i].rate
                if tau > d { pacing[st.channel] = tau }
                alpha = max(alpha, rates[i].latency)
                alphaSum += rates[i].latency
                counted += 1
                served = max(served, d)
            }
            // What the fabric's pipeline takes beyond the model's slots (hop latency, fill); the up-front delay
            // makes up the difference to the model's latency (see docs/nccl-model.md).
            let slot = max(tau, served)
            let simulated: Double
            if ringSteps > 0 {
                // A segment crosses every kind of hop on its way round: the mean hop latency (network hops
                // across nodes are slower than NVLink ones).
                let alpha = counted > 0 ? alphaSum / counted : alpha
                let wait = max(0, tau - served)
                simulated = slots * slot + Double(ringSteps - 1) * max(0, alpha - wait - (c - 1) * slot) + (alpha - wait)
            } else {
                // The first piece crosses `hops` stages, the rest follow a slot apart. While a tree fills, a GPU's
                // link carries only the up (or down) streams, so the first piece moves at twice the steady rate.
                let firstPiece = cost.algorithm == .tree ? served / 2 : served
                simulated = Double(hops) * (alpha + firstPiece) + (slots - Double(hops)) * slot
            }
            extraLatency = simulated - slots * tau
        }
        lowering.pacing = isP2P ? [] : pacing
        lowering.startDelay = max(0, latency - extraLatency)
        let chunkBytes = max(1, Int64((unit / c).rounded(.up)))
        let charged = streams.map { NCCLStream(from: $0.from, to: $0.to, channel: $0.channel,
                                               wireBytes: Double(bytes) * $0.fraction * wire) }
        return NCCLPlan(cost: cost, system: sys, modelTime: timeUs * 1e-6, latency: latency, algorithmBandwidth: bw,
                        lowering: lowering, chunkBytes: isP2P ? cost.proto.stepPayloadBytes : chunkBytes,
                        streams: charged)
    }

    /// Each stream's uncontended rate (bytes/s) when all `pairs` send at once, sharing links equally as the
    /// fabric does (transfers inside an NVSwitch node split over every plane, each part a flow), and its latency.
    func fabricRates(_ pairs: [(Int, Int)]) -> [(rate: Double, latency: Double)] {
        let parts = pairs.map { fabricParts(from: $0.0, to: $0.1) }
        var count = Array(repeating: 0, count: topology.links.count)
        for p in parts { for part in p { for l in part.links { count[l] += 1 } } }
        return parts.map { p in
            var rate = Double.infinity
            var latency = 0.0
            for part in p {
                var r = Double.infinity
                for l in part.links { r = min(r, topology.links[l].bandwidth.bytesPerSecond / Double(max(1, count[l]))) }
                rate = min(rate, r / part.fraction)
                latency = max(latency, part.links.reduce(0.0) { $0 + topology.links[$1].latency.value })
            }
            return (rate.isFinite ? rate : 1e30, latency)
        }
    }

    /// The links a transfer a → b takes in the fabric and the share of its bytes on each part (mirrors
    /// `LinkscopeFabric.RouteTable.resolve`).
    func fabricParts(from a: Int, to b: Int) -> [(links: [Int], fraction: Double)] {
        let key = NCCLPlannerCache.Pair(from: a, to: b)
        if let p = cache.parts[key] { return p }
        let found = cache.routes.route(from: a, to: b, in: topology) ?? []
        var parts: [(links: [Int], fraction: Double)] = [(found, 1)]
        let node = topology.devices[a].node
        let crossesSwitch = found.contains { topology.devices[topology.links[$0].to].kind == .nvswitch }
        let staysInNode = found.allSatisfy { topology.devices[topology.links[$0].to].node == node }
        if crossesSwitch && staysInNode {
            let split = topology.routeSplit(from: a, to: b)
            if split.count > 1 { parts = split.map { ($0.links, $0.fraction) } }
        }
        cache.parts[key] = parts
        return parts
    }

    /// Bytes and busy seconds per link (sorted by link) that `plan` puts on the fabric, for the analytical mode:
    /// each stream's wire bytes over its route, split over planes as the fabric would.
    public func linkCharges(_ plan: NCCLPlan) -> [(link: Int, bytes: Int64, busy: Double)] {
        var bytes: [Int: Double] = [:]
        for s in plan.streams where s.wireBytes > 0 {
            for part in fabricParts(from: s.from, to: s.to) {
                for l in part.links { bytes[l, default: 0] += s.wireBytes * part.fraction }
            }
        }
        return bytes.keys.sorted().map { l in
            let b = bytes[l]!.rounded()
            return (l, Int64(b), b / topology.links[l].bandwidth.bytesPerSecond)
        }
    }
}
