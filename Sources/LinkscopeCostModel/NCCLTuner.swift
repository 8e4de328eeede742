/// One NCCL topology graph (ring, tree or NVLS): how many channels the search found and the bandwidth per
/// channel inside a node and across nodes, GB/s per direction.
public struct NCCLGraph: Sendable, Equatable {
    /// Channels the graph search found.
    public var channels: Int
    /// Per-channel bandwidth inside a node, GB/s.
    public var bwIntra: Double
    /// Per-channel bandwidth across nodes, GB/s.
    public var bwInter: Double
    /// Extra network latency of the graph, µs (`graph->latencyInter`; 0 unless the net plugin sets it).
    public var latencyInter: Double
    /// A graph; network latency 0 unless given.
    public init(channels: Int, bwIntra: Double, bwInter: Double, latencyInter: Double = 0) {
        self.channels = channels
        self.bwIntra = bwIntra
        self.bwInter = bwInter
        self.latencyInter = latencyInter
    }
}

/// The machine facts NCCL's tuner reads (`ncclTopoTuneModel`): ranks, nodes, GPU generation, the link type
/// inside a node, and the ring/tree/NVLS graphs.
public struct NCCLSystem: Sendable, Equatable {
    /// GPU generation (selects the tuner's constant tables).
    public var arch: NCCLArch
    /// Ranks of the communicator.
    public var ranks: Int
    /// Nodes the ranks span (at least 1).
    public var nodes: Int
    /// GPUs reach each other over NVLink (else PCIe) inside a node.
    public var nvlinkIntra: Bool
    /// An AMD host CPU (changes the LL cap across nodes and the network overhead).
    public var amdCPU: Bool
    /// All channels of the ring graph visit the GPUs in the same order (NVSwitch nodes).
    public var sameChannels: Bool
    /// The ring graph.
    public var ring: NCCLGraph
    /// The tree graph.
    public var tree: NCCLGraph
    /// NVLink SHARP graph; nil where the node has no NVLS (no NVSwitch or before Hopper).
    public var nvls: NCCLGraph?
    /// LL128 allowed (NCCL enables it by default only over NVLink).
    public var ll128Enabled: Bool

    /// A system; LL128 follows `nvlinkIntra` unless given.
    public init(arch: NCCLArch, ranks: Int, nodes: Int, nvlinkIntra: Bool, amdCPU: Bool = false,
                sameChannels: Bool = true, ring: NCCLGraph, tree: NCCLGraph, nvls: NCCLGraph? = nil,
                ll128Enabled: Bool? = nil) {
        self.arch = arch
        self.ranks = ranks
        self.nodes = max(1, nodes)
        self.nvlinkIntra = nvlinkIntra
        self.amdCPU = amdCPU
        self.sameChannels = sameChannels
        self.ring = ring
        self.tree = tree
        self.nvls = nvls
        self.ll128Enabled = ll128Enabled ?? nvlinkIntra
    }

    var ranksPerNode: Double { Double(ranks) / Double(nodes) }

    func graph(_ a: NCCLAlgorithm) -> NCCLGraph? {
        switch a {
        case .ring: return ring
        case .tree: return tree
        case .nvls: return nvls
        }
    }

    /// The same system limited to `channels` channels per graph (`NCCL_MAX_NCHANNELS`), per-channel bandwidth kept.
    public func limited(channels: Int?) -> NCCLSystem {
        guard let c = channels, c >= 1 else { return self }
        var s = self
        s.ring.channels = min(s.ring.channels, c)
        s.tree.channels = min(s.tree.channels, c)
        if let g = s.nvls { s.nvls?.channels = min(g.channels, c) }
        return s
    }
}

/// What the model says one (operation, algorithm, protocol) costs: `time = latency + bytes / algorithmBandwidth`.
public struct NCCLCost: Sendable, Equatable {
    /// The algorithm priced.
    public var algorithm: NCCLAlgorithm
    /// The protocol priced.
    public var proto: NCCLProtocol
    /// µs, before the per-size plateau factor.
    public var latencyMicroseconds: Double
    /// The model's bus bandwidth (what nccl-tests reports as busbw), GB/s.
    public var busBandwidth: Double
    /// Algorithm bandwidth, GB/s (1e9 B/s), before the tree size correction.
    public var algorithmBandwidth: Double
    /// Channels of the graph the cost is for.
    public var channels: Int
}

/// NCCL's cost model and algorithm choice (`ncclTopoTuneModel`, `ncclTopoGetAlgoTime`, `topoGetAlgoInfo`,
/// NCCL v2.30.7), as pure functions. See docs/nccl-model.md.
public enum NCCLTuner {
    /// The NCCL function for an operation; nil for point-to-point ones (alltoall, sendrecv) that the tuner does not price.
    static func function(_ op: CollectiveOp) -> CollectiveOp? {
        switch op {
        case .allreduce, .allgather, .reducescatter, .broadcast, .reduce: return op
        default: return nil
        }
    }

    static func steps(_ op: CollectiveOp, ranks n: Int) -> Int {
        switch op {
        case .allreduce: return 2 * (n - 1)
        case .allgather, .reducescatter: return n - 1
        default: return n
        }
    }

    /// Bandwidth and latency of `algorithm`/`proto` for `op` on `system`; nil where NCCL disables the pair.
    public static func cost(_ op: CollectiveOp, _ algorithm: NCCLAlgorithm, _ proto: NCCLProtocol,
                            system s: NCCLSystem) -> NCCLCost? {
        guard function(op) != nil, s.ranks >= 2, let g = s.graph(algorithm), g.channels > 0 else { return nil }
        let a = algorithm.index, p = proto.index
        let nodes = s.nodes, nRanks = s.ranks
        let cc = s.arch.rawValue
        let index2 = nodes <= 2 ? nodes - 1 : 2
        let index1 = nodes == 1 ? cc : (s.amdCPU ? 1 : 0)
        let llMaxBw = NCCLConstants.llMaxBws[index1][index2]
        let ppn = s.ranksPerNode
        let nsteps = steps(op, ranks: nRanks)
        let isAGRS = op == .allgather || op == .reducescatter

        // Which pairs NCCL considers.
        if (op == .broadcast || op == .reduce) && algorithm != .ring { return nil }
        if isAGRS && algorithm == .tree { return nil }
        if algorithm == .tree && op != .allreduce { return nil }
        if algorithm == .nvls && proto != .simple { return nil }
        if algorithm == .nvls && (nodes > 1 || g.channels < 2) { return nil }  // NVLS multi-node needs CollNet/NVLSTree
        if proto == .ll128 && !s.ll128Enabled { return nil }

        var bw = nodes <= 2 ? g.bwIntra : g.bwInter
        if algorithm == .nvls {
            var intraBw = g.bwIntra * NCCLConstants.nvlsEfficiency[cc] * Double(g.channels - 1) / Double(g.channels)
            intraBw *= op == .allreduce ? 2 : (ppn - 1) / ppn
            bw = min(intraBw, g.bwInter)
            if bw <= 0 { return nil }
        }
        var busBw = Double(g.channels) * bw
        let nCh = Double(g.channels)
        if algorithm == .ring && proto == .ll { busBw = min(llMaxBw, busBw * 0.5) }
        if algorithm == .ring && proto == .ll128 {
            busBw = min(busBw * 0.92, nCh * NCCLConstants.perChMaxRingLL128Bws[cc][index2])
        }
        if algorithm == .tree && op == .allreduce {
            busBw = min(busBw * 0.92, nCh * NCCLConstants.perChMaxTreeBws[cc][index2])
        }
        if algorithm == .tree && proto == .ll { busBw = min(busBw / 3.8, llMaxBw) }
        if algorithm == .tree && proto == .ll128 {
            busBw = min(busBw * (nodes == 1 ? 7.0 / 9.0 : 120.0 / 128.0),
                        nCh * NCCLConstants.perChMaxTreeLL128Bws[cc][index2])
        }
        var algBw = busBw
        if !(algorithm != .ring && isAGRS) {
            algBw *= algorithm == .tree ? 0.5 : Double(nRanks) / Double(nsteps)
        }

        // Latency.
        let intraHw = s.nvlinkIntra ? 0 : 1
        var lat = NCCLConstants.baseLatencies[a][p]
        var intraLat = NCCLConstants.hwLatencies[intraHw][a][p]
        var interLat = (ppn == 1 ? NCCLConstants.hwLatencies[2][0][p] : NCCLConstants.hwLatencies[2][a][p]) + g.latencyInter
        if proto == .simple { interLat += g.latencyInter }
        switch algorithm {
        case .ring:
            let hwLat = NCCLConstants.hwLatencies[nodes == 1 ? intraHw : 2][a][p]
            if op == .reduce || op == .broadcast {
                if s.sameChannels {
                    lat += hwLat
                } else {
                    let l = proto == .simple ? NCCLConstants.hwLatencies[nodes == 1 ? intraHw : 2][0][p] : hwLat
                    lat += Double(nsteps) * l
                }
            } else {
                var netOverhead = 0.0
                if nodes > 1 {
                    netOverhead = NCCLConstants.netOverhead(amdCPU: s.amdCPU)
                    if proto == .simple { netOverhead *= 3 }
                }
                intraLat = max(intraLat, netOverhead)
                let nInter = nodes == 1 ? 0 : (op == .allreduce ? 2 * (nodes - 1) : nodes - 1)
                lat += Double(nsteps - nInter) * intraLat + Double(nInter) * interLat
            }
        case .tree:
            lat += 2 * ((ppn - 1) * intraLat + Double(log2i(nodes)) * interLat)
        case .nvls:
            lat = intraLat
            if nodes > 1 { lat += interLat }
        }
        return NCCLCost(algorithm: algorithm, proto: proto, latencyMicroseconds: lat, busBandwidth: busBw,
                        algorithmBandwidth: algBw, channels: g.channels)
    }

    /// `ncclTopoGetAlgoTime` for one operation of `bytes` (µs): latency (× the ring plateau factor across nodes)
    /// plus bytes over the algorithm bandwidth (× the tree correction for all-reduce).
    public static func time(_ op: CollectiveOp, _ c: NCCLCost, bytes: Int64, system s: NCCLSystem) -> Double {
        var bw = c.algorithmBandwidth
        var lat = c.latencyMicroseconds
        let logSize = bytes >= 64 ? log2i(Int(bytes >> 6)) : -1
        if c.algorithm == .tree && op == .allreduce && logSize >= 0 && logSize < 23 {
            bw *= NCCLConstants.treeCorrectionFactor[c.proto.index][logSize]
        }
        if c.algorithm == .ring && c.proto == .simple && s.nodes > 1 && op == .allreduce
            && bytes / Int64(max(1, c.channels * s.ranks)) >= 64 {
            lat *= s.arch.computeCapability < 80 ? 1.9 : 1.4
        }
        return lat + Double(bytes) / (1000 * bw)
    }

    /// The bandwidth (GB/s) `time` divides by for `bytes` (tree correction included).
    public static func effectiveAlgorithmBandwidth(_ op: CollectiveOp, _ c: NCCLCost, bytes: Int64) -> Double {
        let logSize = bytes >= 64 ? log2i(Int(bytes >> 6)) : -1
        if c.algorithm == .tree && op == .allreduce && logSize >= 0 && logSize < 23 {
            return c.algorithmBandwidth * NCCLConstants.treeCorrectionFactor[c.proto.index][logSize]
        }
        return c.algorithmBandwidth
    }

    /// The latency (µs) `time` charges for `bytes` (ring plateau factor included).
    public static func effectiveLatency(_ op: CollectiveOp, _ c: NCCLCost, bytes: Int64, system s: NCCLSystem) -> Double {
        time(op, c, bytes: bytes, system: s) - Double(bytes) / (1000 * effectiveAlgorithmBandwidth(op, c, bytes: bytes))
    }

    /// Every enabled pair with its time for `bytes`, in NCCL's evaluation order (algorithm, then protocol).
    public static func table(_ op: CollectiveOp, bytes: Int64, system s: NCCLSystem,
                             algorithms: [NCCLAlgorithm] = [.tree, .ring, .nvls],
                             protocols: [NCCLProtocol] = NCCLProtocol.allCases) -> [(cost: NCCLCost, time: Double)] {
        var out: [(NCCLCost, Double)] = []
        for a in [NCCLAlgorithm.tree, .ring, .nvls] where algorithms.contains(a) {
            for p in NCCLProtocol.allCases where protocols.contains(p) {
                if let c = cost(op, a, p, system: s) { out.append((c, time(op, c, bytes: bytes, system: s))) }
            }
        }
        return out
    }

    /// What NCCL's tuner picks: the pair with the smallest time (the first on ties, as `topoGetAlgoInfo`).
    public static func choose(_ op: CollectiveOp, bytes: Int64, system s: NCCLSystem,
                              algorithms: [NCCLAlgorithm] = [.tree, .ring, .nvls],
                              protocols: [NCCLProtocol] = NCCLProtocol.allCases) -> (cost: NCCLCost, time: Double)? {
        var best: (cost: NCCLCost, time: Double)?
        for e in table(op, bytes: bytes, system: s, algorithms: algorithms, protocols: protocols)
        where best == nil || e.time < best!.time {
            best = e
        }
        return best
    }

    /// Point-to-point operations (alltoall, sendrecv) are not priced by NCCL's tuner: linkscope charges the
    /// Simple ring latency (base + one hop) and the ring graph's bus bandwidth per GPU.
    public static func p2pCost(_ op: CollectiveOp, system s: NCCLSystem) -> NCCLCost {
        let busBw = Double(s.ring.channels) * (s.nodes <= 2 ? s.ring.bwIntra : s.ring.bwInter)
        let n = Double(s.ranks)
        let algBw = op == .alltoall ? busBw * n / max(1, n - 1) : busBw
        let lat = NCCLConstants.baseLatencies[1][2] + NCCLConstants.hwLatencies[s.nodes == 1 ? 0 : 2][1][2]
        return NCCLCost(algorithm: .ring, proto: .simple, latencyMicroseconds: lat, busBandwidth: busBw,
                        algorithmBandwidth: algBw, channels: s.ring.channels)
    }

    /// floor(log2(v)) for v ≥ 1, else 0 (NCCL's `log2i`).
    static func log2i(_ v: Int) -> Int {
        guard v > 0 else { return 0 }
        return Int.bitWidth - 1 - v.leadingZeroBitCount
    }
}

/// NCCL's graph search (src/graph/search.cc `ncclTopoCompute` + `ncclTopoDupChannels`), reduced to the
/// quantities the tuner reads: it tries speeds from the top of the array, keeps the solution with the most
/// bandwidth, stops once channels × speed reaches the total, then doubles channels at half speed when fast.
public enum NCCLGraphSearch {
    /// Ring/tree graph inside one node: `total` is the GPU's NCCL bandwidth towards its peers (GB/s), `maxPath`
    /// the fastest single path one channel can take.
    public static func intraNode(arch: NCCLArch, total: Double, maxPath: Double, maxChannels: Int = 32) -> NCCLGraph {
        search(speeds: arch.intraSpeeds, arch: arch, total: total, maxPath: maxPath, maxChannels: maxChannels) { s in
            Int((total / s + 1e-9).rounded(.down))
        }
    }

    /// Ring/tree graph across nodes with `nics` NICs of `nicBandwidth` per node (one rail per channel) and
    /// `intraTotal` NVLink bandwidth per GPU, `gpusPerNode` GPUs per node.
    public static func interNode(arch: NCCLArch, intraTotal: Double, nicBandwidth: Double, nics: Int,
                                 gpusPerNode: Int, maxChannels: Int = 32) -> NCCLGraph {
        let maxPath = min(nicBandwidth, intraTotal)
        let share = gpusPerNode > 1 ? Double(gpusPerNode - 1) / Double(gpusPerNode) : 1
        return search(speeds: arch.interSpeeds, arch: arch, total: intraTotal, maxPath: maxPath,
                      maxChannels: maxChannels) { s in
            let byNIC = nics * Int((nicBandwidth / s + 1e-9).rounded(.down))
            let byNVLink = gpusPerNode > 1 ? Int((intraTotal / (s * share) + 1e-9).rounded(.down)) : Int.max
            return min(byNIC, byNVLink)
        }
    }

    /// NVLS graph on an NVSwitch node (Hopper and later): one channel per GPU; pass 1 finds the intra speed
    /// all channels fit in, pass 2 raises the inter (switch) speed to the top of the array (NCCL 2.19 log in
    /// NVIDIA/nccl#1197: `Pattern 5, nChannels 8, bw 40/60` on 8 × H100).
    public static func nvls(arch: NCCLArch, total: Double, gpusPerNode: Int) -> NCCLGraph? {
        guard arch.rawValue >= NCCLArch.hopper.rawValue, gpusPerNode >= 2 else { return nil }
        let ch = min(32, gpusPerNode)
        guard let intra = arch.intraSpeeds.first(where: { $0 * Double(ch) <= total + 1e-9 }) else { return nil }
        let inter = arch.intraSpeeds.first(where: { $0 <= 2 * intra }) ?? intra
        return NCCLGraph(channels: ch, bwIntra: intra, bwInter: inter)
    }

    static func search(speeds: [Double], arch: NCCLArch, total: Double, maxPath: Double, maxChannels: Int,
                       channelsAt: (Double) -> Int) -> NCCLGraph {
        var best: (ch: Int, bw: Double)?
        var i = speeds.firstIndex { $0 <= maxPath + 1e-9 } ?? (speeds.count - 1)
        while i < speeds.count {
            let s = speeds[i]
            let ch = min(maxChannels, channelsAt(s))
            if ch >= 1, best == nil || Double(ch) * s > Double(best!.ch) * best!.bw + 1e-9 { best = (ch, s) }
            if let b = best, Double(b.ch) * b.bw >= total - 1e-9 { break }
            if i + 1 < speeds.count, let b = best, speeds[i + 1] / b.bw <= 0.49 { break }
            i += 1
        }
        guard var (ch, bw) = best else { return NCCLGraph(channels: 1, bwIntra: maxPath, bwInter: maxPath) }
        // ncclTopoDupChannels
        if bw >= 25.0 && !(arch.computeCapability > 80 && bw < 50.0 && ch > 4) {
            let dup = min(ch * 2, maxChannels)
            let div = Double((dup + ch - 1) / ch)
            bw /= div
            ch = dup
        }
        return NCCLGraph(channels: ch, bwIntra: bw, bwInter: bw)
    }
}
