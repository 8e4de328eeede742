import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// Which bandwidth the NCCL-like model ran on.
public enum NCCLBandwidthBasis: Sendable, Equatable {
    /// NCCL's effective figures: NVLink at `perNVLink` GB/s per link (src/graph/topo.h), PCIe at 12/15.75 of line
    /// rate (`PCI_BW`), NICs and other links at line rate.
    case ncclEffective(perNVLink: Double)
    /// Line rate × `link_efficiency` (the scenario's override).
    case lineRate(efficiency: Double)

    public var description: String {
        switch self {
        case .ncclEffective(let b):
            return "NCCL effective bandwidth (\(Format.number(b)) GB/s per NVLink, PCIe at NCCL's PCI_BW ratio, NICs at line rate)"
        case .lineRate(let e):
            return e == 1 ? "line rate" : "line rate × link_efficiency \(Format.number(e))"
        }
    }
}

/// One NCCL collective planned on a topology: the model's choice and time, and the lowering the fabric runs.
public struct NCCLPlan: Sendable {
    public var cost: NCCLCost
    public var system: NCCLSystem
    /// The model's time, seconds: latency + bytes / bandwidth (`ncclTopoGetAlgoTime`).
    public var modelTime: Double
    public var latency: Double
    /// Bandwidth the time divides by, bytes/s.
    public var algorithmBandwidth: Double
    public var lowering: NCCLLowering
    /// Pipeline piece size the lowering is paced for (the request's `chunkBytes`).
    public var chunkBytes: Int64
    /// Bytes each stream (sender, receiver device, channel) carries on the wire, for analytical charging.
    public var streams: [NCCLStream]
}

/// A (sender, receiver) connection of one channel and the wire bytes it carries.
public struct NCCLStream: Sendable, Equatable {
    public var from: Int
    public var to: Int
    public var channel: Int
    public var wireBytes: Double
}

/// The NCCL-like model applied to a topology: NCCL's graphs from the topology, the tuner's choice, channel
/// rings and trees (rail-aligned across nodes), pacing and analytical link charges. See docs/nccl-model.md.
public struct NCCLPlanner {
    /// The topology with the bandwidths the model runs on (see `basis`); the fabric must run on it too.
    public let topology: Topology
    public let basis: NCCLBandwidthBasis
    public let arch: NCCLArch
    private let cache = NCCLPlannerCache()

    /// - Parameter linkEfficiency: nil = NCCL's effective bandwidths; a value = line rate × it (override).
    public init(topology line: Topology, linkEfficiency: Double? = nil) {
        let arch = NCCLArch(gpuModel: line.gpuSpec.model) ?? .ampere
        self.arch = arch
        var t = line
        if let e = linkEfficiency {
            basis = .lineRate(efficiency: e)
            if e != 1 { for i in t.links.indices { t.links[i].bandwidth = t.links[i].bandwidth * e } }
        } else {
            basis = .ncclEffective(perNVLink: arch.nvlinkBandwidth)
            for i in t.links.indices {
                switch t.links[i].kind {
                case .nvlink:
                    t.links[i].bandwidth = .gigabytesPerSecond(arch.nvlinkBandwidth * Double(max(1, t.links[i].lanes)))
                case .pcie:
                    t.links[i].bandwidth = t.links[i].bandwidth * (12.0 / 15.75)
                case .qpi, .network:
                    break
                }
            }
        }
        topology = t
    }

    // MARK: topology facts

    private func gb(_ l: Int) -> Double { topology.links[l].bandwidth.bytesPerSecond / 1e9 }

    private func switchLinks(ofDevice d: Int) -> [Int] {
        topology.outgoing[d].filter { topology.devices[topology.links[$0].to].kind == .nvswitch }
    }

    /// Rank indices grouped by node, in node order.
    func groups(_ gpus: [Int]) -> [[Int]] {
        var byNode: [Int: [Int]] = [:]
        for (r, g) in gpus.enumerated() { byNode[topology.node(ofGPU: g), default: []].append(r) }
        return byNode.keys.sorted().map { byNode[$0]! }
    }

    /// NCCL's view of `gpus`: graphs found from the topology, limited to `channels` when given.
    public func system(gpus: [Int], channels: Int? = nil) -> NCCLSystem {
        let key = NCCLPlannerCache.Key(gpus: gpus, channels: channels ?? 0)
        if let s = cache.systems[key] { return s }
        let groups = self.groups(gpus)
        let nodes = groups.count
        let ppn = groups.map(\.count).max() ?? 1
        let devices = gpus.compactMap { topology.device(ofGPU: $0) }
        let first = devices.first ?? 0
        let nvswitch = !switchLinks(ofDevice: first).isEmpty
        let nvlink = topology.outgoing[first].contains { topology.links[$0].kind == .nvlink }
        let intraTotal: Double
        let maxPath: Double
        if nvswitch {
            intraTotal = switchLinks(ofDevice: first).reduce(0) { $0 + gb($1) }
            maxPath = intraTotal
        } else {
            let local = groups[0].map { gpus[$0] }
            let rings = CollectivePlanner(topology: topology).rings(for: local)
            let ringRates = rings.weights.count == rings.rings.count && local.count > 2
                ? rings.weights.map { $0 / 1e9 } : [pairBandwidth(local)]
            intraTotal = ringRates.reduce(0, +)
            maxPath = ringRates.max() ?? intraTotal
        }
        let ring: NCCLGraph
        if nodes == 1 {
            ring = NCCLGraphSearch.intraNode(arch: arch, total: intraTotal, maxPath: maxPath)
        } else {
            let nics = topology.devices.indices.filter {
                topology.devices[$0].kind == .nic && topology.devices[$0].node == topology.devices[first].node
            }
            let nicBw = nics.compactMap { n in topology.outgoing[n].first { topology.links[$0].kind == .network } }
                .map(gb).min() ?? 12.0
            ring = NCCLGraphSearch.interNode(arch: arch, intraTotal: ppn > 1 ? intraTotal : .infinity,
                                             nicBandwidth: nicBw, nics: max(1, min(nics.count, ppn)), gpusPerNode: ppn)
        }
        let nvls = nvswitch && nodes == 1 ? NCCLGraphSearch.nvls(arch: arch, total: intraTotal, gpusPerNode: ppn) : nil
        var s = NCCLSystem(arch: arch, ranks: gpus.count, nodes: nodes, nvlinkIntra: nvlink,
                           sameChannels: nvswitch && nodes == 1, ring: ring, tree: ring, nvls: nvls)
        s = s.limited(channels: channels)
        cache.systems[key] = s
        return s
    }

    /// Slowest direct pair bandwidth along rank order (GB/s): the per-channel speed of a plain ring.
    private func pairBandwidth(_ gpus: [Int]) -> Double {
        let planner = CollectivePlanner(topology: topology)
        var slowest = Double.infinity
        for i in gpus.indices where gpus.count > 1 {
            guard let a = topology.device(ofGPU: gpus[i]), let b = topology.device(ofGPU: gpus[(i + 1) % gpus.count]),
                  let f = planner.pathFigures(from: a, to: b) else { continue }
            slowest = min(slowest, f.bandwidth / 1e9)
        }
        return slowest.isFinite ? slowest : 12
    }

    /// One ring per channel as rank orders. One node: NVSwitch nodes visit GPUs in rank order on every channel;
    /// other nodes cycle through the packed NVLink rings. Several nodes: rail-aligned rings, channel c enters a
    /// node on local GPU c and leaves on GPU c+1 (alternating direction node to node), so each node-to-node hop
    /// stays on one rail and every NIC carries one channel.
    public func rings(gpus: [Int], channels: Int) -> [[Int]] {
        let groups = self.groups(gpus)
        if groups.count == 1 {
            let local = CollectivePlanner(topology: topology).rings(for: gpus).rings
            let nvswitch = topology.device(ofGPU: gpus[0]).map { !switchLinks(ofDevice: $0).isEmpty } ?? false
            let base = nvswitch || local.isEmpty ? [Array(0..<gpus.count)] : local
            return (0..<channels).map { base[$0 % base.count] }
        }
        return (0..<channels).map { c in
            var order: [Int] = []
            for (k, g) in groups.enumerated() {
                let m = g.count
                let a = c % m, b = (c + 1) % m
                let (enter, exit) = k % 2 == 0 ? (a, b) : (b, a)
                var local = [g[enter]]
                for i in 0..<m where i != enter && i != exit { local.append(g[i]) }
                if exit != enter { local.append(g[exit]) }
                order += local
            }
            return order
        }
    }

    /// One tree per channel (parent arrays over ranks): a chain inside each node from the channel's head GPU,
    /// and NCCL's double binary tree across nodes (even channels the first tree, odd the second).
    public func trees(gpus: [Int], channels: Int) -> [[Int]] {
        let groups = self.groups(gpus)
        let (t0, t1) = NCCLLowering.doubleBinaryTree(ranks: groups.count)
        return (0..<channels).map { c in
            var parent = Array(repeating: -1, count: gpus.count)
            var heads: [Int] = []
            for g in groups {
                let m = g.count
                let head = c % m
                let chain = [g[head]] + (0..<m).filter { $0 != head }.map { g[$0] }
                for i in 1..<chain.count { parent[chain[i]] = chain[i - 1] }
                heads.append(chain[0])
            }
            let across = c % 2 == 0 ? t0 : t1
            for (k, p) in across.enumerated() where p >= 0 { parent[heads[k]] = heads[p] }
            return parent
        }
    }

    // MARK: plans

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

/// Memo behind `NCCLPlanner` (lookups only, never iterated).
final class NCCLPlannerCache: @unchecked Sendable {
    struct Key: Hashable {
        var gpus: [Int]
        var channels: Int
    }
    struct Pair: Hashable {
        var from: Int
        var to: Int
    }
    var systems: [Key: NCCLSystem] = [:]
    var parts: [Pair: [(links: [Int], fraction: Double)]] = [:]
    var routes = RouteMemo()
}

/// A route table built on first use.
struct RouteMemo {
    private var table: RouteTable?
    mutating func route(from a: Int, to b: Int, in topology: Topology) -> [Int]? {
        if table == nil { table = RouteTable(topology) }
        return table!.route(from: a, to: b)
    }
}
