import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopePlanning
import LinkscopeTopology

/// The closed-form prediction for a simulated collective on the same bottleneck bandwidth
/// (docs/output-formats.md: `formula_time_s`), with the bandwidth and latency it used.
struct FormulaBridge {
    let topo: CollectiveTopology

    func prediction(for meta: CollectiveMeta, usedPairs: [(Int, Int)]) -> (time: Double?, bandwidth: Double, latency: Double) {
        let req = meta.request
        let (bw, lat) = bottleneck(meta, usedPairs: usedPairs)
        // Pipelined forms (chain, tree) include their fill term only when they know the chunk.
        var options = FormulaOptions(chunkBytes: Double(req.chunkBytes))
        var ranks = req.participants.count
        switch meta.algorithm {
        case .ps:
            // Co-located servers do not send to themselves: N counts the other workers (docs/cost-model.md §3–4).
            ranks = req.participants.filter { !req.servers.contains($0) }.count
            options.servers = max(1, req.servers.count)
            if let largest = req.serverShares.max() { options.largestShardBytes = (Double(meta.bytes) * largest).rounded(.up) }
        case .spanningTrees:
            let rate = req.trees.reduce(0) { $0 + $1.weight }
            options.treeRate = rate > 0 ? rate : nil
        case .hierarchical:
            options.tiers = tiers(req, usedPairs: usedPairs)
        case .hybridPCIe:
            let pcie = topo.ringFigures(rings: [Array(req.participants.indices)], participants: req.participants,
                                        preference: .avoidNVLink)
            options.pcieBandwidth = pcie.bandwidth
            options.pcieLatency = pcie.latency
        default:
            break
        }
        guard bw.isFinite, bw > 0 else { return (nil, bw, lat) }
        let time = CostFormulas.time(op: meta.op, algorithm: meta.algorithm, ranks: ranks, bytes: Double(meta.bytes),
                                     bandwidth: bw, latency: lat, gamma: req.reductionSecondsPerByte, options: options)
        return (time, bw, lat)
    }

    /// Two tiers for hierarchical all-reduce: pairs inside a node vs pairs across nodes.
    func tiers(_ req: CollectiveRequest, usedPairs: [(Int, Int)]) -> HierarchyTiers? {
        let groups = req.groups
        guard let local = groups.first?.count, groups.count >= 1 else { return nil }
        var localBW = Double.infinity, localLat = 0.0, remoteBW = Double.infinity, remoteLat = 0.0
        for (a, b) in usedPairs {
            guard let f = topo.pathFigures(from: a, to: b) else { continue }
            if topo.topology.devices[a].node == topo.topology.devices[b].node {
                localBW = min(localBW, f.bandwidth)
                localLat = max(localLat, f.latency)
            } else {
                remoteBW = min(remoteBW, f.bandwidth)
                remoteLat = max(remoteLat, f.latency)
            }
        }
        return HierarchyTiers(localRanks: local, localLatency: localLat, localBandwidth: localBW.isFinite ? localBW : 1e30,
                              groups: groups.count, remoteLatency: remoteLat,
                              remoteBandwidth: remoteBW.isFinite ? remoteBW : 1e30)
    }

    /// Bottleneck bandwidth and per-step latency of the links the algorithm uses.
    func bottleneck(_ meta: CollectiveMeta, usedPairs: [(Int, Int)]) -> (Double, Double) {
        let req = meta.request
        let p = req.participants
        guard p.count >= 2 else { return (.infinity, 0) }
        switch meta.algorithm {
        case .ring where [.allreduce, .allgather, .reducescatter].contains(meta.op), .hybridPCIe:
            // Σ over rings of each ring's slowest hop (docs/cost-model.md §6: B_ring,eff = Σ min_link).
            let rings = req.rings.isEmpty ? [Array(0..<p.count)] : req.rings
            return topo.ringFigures(rings: rings, participants: p)
        default:
            // Every other algorithm: the slowest path among the pairs it actually used.
            var bw = Double.infinity
            var latency = 0.0
            for (a, b) in usedPairs {
                if let f = topo.pathFigures(from: a, to: b) {
                    bw = min(bw, f.bandwidth)
                    latency = max(latency, f.latency)
                }
            }
            return (bw, latency)
        }
    }
}
