import LinkscopeUnits

/// A spanning tree over the ranks of a GPU subset with the rate it carries.
/// `parent[i]` is the parent rank of rank `i`, -1 at the root (maps onto `WeightedTree`).
public struct PackedTree: Sendable, Hashable {
    /// Parent rank of each rank, -1 at the root.
    public var parent: [Int]
    /// Rate the tree carries, per direction.
    public var rate: Bandwidth
    /// The rank whose parent is -1.
    public var root: Int { parent.firstIndex(of: -1) ?? 0 }
}

/// A packing of trees and the rate bound it approaches (docs/cost-model.md §10).
public struct TreePacking: Sendable, Hashable {
    /// The optimum: broadcast, the root min-cut `min_v maxflow(root→v)`; all-reduce, the
    /// Nash-Williams partition bound (exact for ≤ 9 GPUs and for NVSwitch sets, else the packing).
    public var rate: Bandwidth
    /// Root rank for broadcast packings, nil for all-reduce.
    public var root: Int?
    /// The packed trees.
    public var trees: [PackedTree]
    /// Sum of the tree rates (within ε of `rate`).
    public var treesRate: Bandwidth { trees.reduce(Bandwidth(bytesPerSecond: 0)) { $0 + $1.rate } }
}

/// Fractional tree packing by multiplicative weights (Garg–Könemann, as in Blink), then
/// rounding: scale to feasibility, grow each tree into the leftover capacity, and drop the
/// smallest trees while the total stays within `keep` of it.
struct TreePacker {
    /// Arcs (broadcast) or undirected edges (all-reduce) with capacity `w`, bytes/s.
    var arcs: [WeightedArc]
    var nodeCount: Int
    /// MWU accuracy ε = 1/steps (an integer keeps δ's power exact without Foundation).
    var steps = 10
    var keep = 0.95
    var maxIterations = 20_000

    /// - Parameter oracle: minimum-length tree for the given arc lengths, as arc indices.
    func pack(oracle: ([WeightedArc]) -> [Int]?) -> [(arcs: [Int], rate: Double)] {
        let m = arcs.count
        guard m > 0 else { return [] }
        let e = 1 / Double(steps)
        var delta = 1 + e  // Garg–Könemann δ = (1+ε)·((1+ε)m)^(−1/ε)
        for _ in 0..<steps { delta /= (1 + e) * Double(m) }
        var length = arcs.map { delta / $0.w }
        var trees: [[Int]] = []
        var index: [[Int]: Int] = [:]
        var weight: [Double] = []
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            var d = 0.0
            for a in 0..<m { d += length[a] * arcs[a].w }
            if d >= 1 { break }
            let costed = arcs.indices.map { WeightedArc(u: arcs[$0].u, v: arcs[$0].v, w: length[$0]) }
            guard let tree = oracle(costed)?.sorted() else { break }
            let c = tree.map { arcs[$0].w }.min() ?? 0
            if let i = index[tree] {
                weight[i] += c
            } else {
                index[tree] = trees.count
                trees.append(tree)
                weight.append(c)
            }
            for a in tree { length[a] *= 1 + e * c / arcs[a].w }
        }
        // Scale to feasibility.
        var load = [Double](repeating: 0, count: m)
        for (t, w) in zip(trees, weight) { for a in t { load[a] += w } }
        let congestion = (0..<m).map { load[$0] / arcs[$0].w }.max() ?? 1
        guard congestion > 0 else { return [] }
        weight = weight.map { $0 / congestion }
        var residual = (0..<m).map { arcs[$0].w - load[$0] / congestion }
        var order = trees.indices.sorted { weight[$0] != weight[$1] ? weight[$0] > weight[$1] : trees[$0].lexicographicallyPrecedes(trees[$1]) }
        for t in order {
            let extra = max(0, trees[t].map { residual[$0] }.min() ?? 0)
            weight[t] += extra
            for a in trees[t] { residual[a] -= extra }
        }
        order = trees.indices.sorted { weight[$0] != weight[$1] ? weight[$0] > weight[$1] : trees[$0].lexicographicallyPrecedes(trees[$1]) }
        let total = weight.reduce(0, +)
        var kept: [(arcs: [Int], rate: Double)] = []
        var sum = 0.0
        for t in order where sum < keep * total && weight[t] > 0 {
            kept.append((trees[t], weight[t]))
            sum += weight[t]
        }
        return kept
    }
}

extension Topology {
    /// Broadcast arborescence packing over the NVLink capacity graph of `gpus` (Blink,
    /// docs/cost-model.md §10): rate from root `r` is `min_{v≠r} maxflow(r→v)`; with `root` nil the
    /// best root (lowest rank on ties). NVSwitch sets use two-hop trees `r → j → rest`, each at
    /// `U/(m−1)`, which together reach the uplink `U`.
    public func broadcastTrees(gpus: [Int], root: Int? = nil) -> TreePacking {
        let cap = NVLinkCapacity(self, gpus: gpus)
        let k = gpus.count
        let c = cap.arcCapacities()
        let flow = MaxFlow(capacities: c)
        func rate(_ r: Int) -> Double { (0..<k).filter { $0 != r }.map { flow.maxFlow(from: r, to: $0) }.min() ?? 0 }
        var best = root ?? 0
        var bestRate = k > 1 ? rate(best) : 0
        if root == nil {
            for r in 1..<max(1, k) {
                let x = rate(r)
                if x > bestRate * (1 + 1e-12) {
                    best = r
                    bestRate = x
                }
            }
        }
        guard k > 1, bestRate > 0 else { return TreePacking(rate: Bandwidth(bytesPerSecond: 0), root: best, trees: []) }
        var trees: [PackedTree] = []
        if cap.isPureSwitch {
            let share = c[best][(best + 1) % k]
            for j in 0..<k where j != best {
                var parent = [Int](repeating: j, count: k)
                parent[best] = -1
                parent[j] = best
                trees.append(PackedTree(parent: parent, rate: Bandwidth(bytesPerSecond: share)))
            }
        } else {
            var arcs: [WeightedArc] = []
            for i in 0..<k { for j in 0..<k where i != j && c[i][j] > 0 { arcs.append(WeightedArc(u: i, v: j, w: c[i][j])) } }
            let packer = TreePacker(arcs: arcs, nodeCount: k)
            for t in packer.pack(oracle: { minimumArborescence(nodeCount: k, root: best, arcs: $0) }) {
                var parent = [Int](repeating: -1, count: k)
                for a in t.arcs { parent[arcs[a].v] = arcs[a].u }
                trees.append(PackedTree(parent: parent, rate: Bandwidth(bytesPerSecond: t.rate)))
            }
        }
        return TreePacking(rate: Bandwidth(bytesPerSecond: bestRate), root: best, trees: trees)
    }
}
