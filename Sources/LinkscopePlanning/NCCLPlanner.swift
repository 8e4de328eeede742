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

    /// How reports name the basis (the NCCL figures used, or line rate × efficiency).
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
    /// The tuner's pick: algorithm, protocol, latency and bandwidths.
    public var cost: NCCLCost
    /// The topology as NCCL's graph search sees it (nodes, channels, per-channel bandwidths).
    public var system: NCCLSystem
    /// The model's time, seconds: latency + bytes / bandwidth (`ncclTopoGetAlgoTime`).
    public var modelTime: Double
    /// The model's latency part, seconds.
    public var latency: Double
    /// Bandwidth the time divides by, bytes/s.
    public var algorithmBandwidth: Double
    /// The channels as rings or trees of devices, for the fabric to run.
    public var lowering: NCCLLowering
    /// Pipeline piece size the lowering is paced for (the request's `chunkBytes`).
    public var chunkBytes: Int64
    /// Bytes each stream (sender, receiver device, channel) carries on the wire, for analytical charging.
    public var streams: [NCCLStream]
}

/// A (sender, receiver) connection of one channel and the wire bytes it carries.
public struct NCCLStream: Sendable, Equatable {
    /// Sending device index.
    public var from: Int
    /// Receiving device index.
    public var to: Int
    /// NCCL channel number.
    public var channel: Int
    /// Bytes on the wire, protocol overhead (LL, LL128 flags) included.
    public var wireBytes: Double
}

/// The NCCL-like model applied to a topology: NCCL's graphs from the topology, the tuner's choice, channel
/// rings and trees (rail-aligned across nodes), pacing and analytical link charges. See docs/nccl-model.md.
public struct NCCLPlanner {
    /// The topology with the bandwidths the model runs on (see `basis`); the fabric must run on it too.
    public let topology: Topology
    /// Which bandwidths `topology` carries.
    public let basis: NCCLBandwidthBasis
    /// The GPU generation the tuner's constants are taken for.
    public let arch: NCCLArch
    let cache = NCCLPlannerCache()

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

    func gb(_ l: Int) -> Double { topology.links[l].bandwidth.bytesPerSecond / 1e9 }

    func switchLinks(ofDevice d: Int) -> [Int] {
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
            let rings = CollectiveTopology(topology: topology).rings(for: local)
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
    func pairBandwidth(_ gpus: [Int]) -> Double {
        let planner = CollectiveTopology(topology: topology)
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
            let local = CollectiveTopology(topology: topology).rings(for: gpus).rings
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
