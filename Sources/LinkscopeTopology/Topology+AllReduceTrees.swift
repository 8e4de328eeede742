import LinkscopeUnits

extension Topology {
    /// Undirected spanning-tree packing for all-reduce over the NVLink graph of `gpus` (docs/cost-model.md
    /// §10): reduce up and broadcast down the same tree use the two directions of each link, so an
    /// edge's capacity is its smaller direction. Rate bound: Nash-Williams/Tutte
    /// `min_P c(crossing P)/(|P| − 1)`, attained fractionally; exact by partition enumeration for
    /// ≤ 9 GPUs. NVSwitch sets use `m` one-hop star trees (root `i` collects and redistributes),
    /// each at `U/(2(m−1))`, total `m·U/(2(m−1))`. Trees are rooted at their centre (lowest rank on ties).
    public func allreduceTrees(gpus: [Int]) -> TreePacking {
        let cap = NVLinkCapacity(self, gpus: gpus)
        let k = gpus.count
        let c = cap.arcCapacities()
        var edges: [WeightedArc] = []
        for i in 0..<k {
            for j in (i + 1)..<max(i + 1, k) {
                let w = min(c[i][j], c[j][i])
                if w > 0 { edges.append(WeightedArc(u: i, v: j, w: w)) }
            }
        }
        let zero = TreePacking(rate: Bandwidth(bytesPerSecond: 0), root: nil, trees: [])
        guard k > 1 else { return zero }
        if cap.isPureSwitch, let share = edges.map(\.w).min() {
            let trees = (0..<k).map { r in
                var parent = [Int](repeating: r, count: k)
                parent[r] = -1
                return PackedTree(parent: parent, rate: Bandwidth(bytesPerSecond: share / 2))
            }
            let bound = k <= 9 ? nashWilliamsBound(k, edges) : Double(k) * share / 2
            return TreePacking(rate: Bandwidth(bytesPerSecond: bound), root: nil, trees: trees)
        }
        guard minimumSpanningTree(nodeCount: k, edges: edges) != nil else { return zero }
        let packer = TreePacker(arcs: edges, nodeCount: k)
        let packed = packer.pack { minimumSpanningTree(nodeCount: k, edges: $0) }
        let trees = packed.map { t in
            PackedTree(parent: rootedAtCentre(k, t.arcs.map { (edges[$0].u, edges[$0].v) }),
                       rate: Bandwidth(bytesPerSecond: t.rate))
        }
        let total = packed.reduce(0) { $0 + $1.rate }
        let bound = k <= 9 ? nashWilliamsBound(k, edges) : total
        return TreePacking(rate: Bandwidth(bytesPerSecond: bound), root: nil, trees: trees)
    }
}

/// `min over partitions P (|P| ≥ 2) of c(edges crossing P) / (|P| − 1)`, by enumerating
/// restricted-growth strings (Bell(9) = 21,147 partitions at most).
func nashWilliamsBound(_ k: Int, _ edges: [WeightedArc]) -> Double {
    var block = [Int](repeating: 0, count: k)
    var best = Double.infinity
    func visit(_ i: Int, _ blocks: Int) {
        if i == k {
            guard blocks >= 2 else { return }
            var crossing = 0.0
            for e in edges where block[e.u] != block[e.v] { crossing += e.w }
            best = min(best, crossing / Double(blocks - 1))
            return
        }
        for b in 0...blocks where b < k {
            block[i] = b
            visit(i + 1, max(blocks, b + 1))
        }
    }
    visit(0, 0)
    return best.isFinite ? best : 0
}

/// Parent array of a tree given as undirected edges, rooted at the vertex of least height.
func rootedAtCentre(_ k: Int, _ edges: [(Int, Int)]) -> [Int] {
    var adjacency = [[Int]](repeating: [], count: k)
    for (a, b) in edges {
        adjacency[a].append(b)
        adjacency[b].append(a)
    }
    for i in 0..<k { adjacency[i].sort() }
    func bfs(_ root: Int) -> (parent: [Int], height: Int) {
        var parent = [Int](repeating: -2, count: k)
        var depth = [Int](repeating: 0, count: k)
        parent[root] = -1
        var queue = [root], head = 0
        while head < queue.count {
            let u = queue[head]
            head += 1
            for v in adjacency[u] where parent[v] == -2 {
                parent[v] = u
                depth[v] = depth[u] + 1
                queue.append(v)
            }
        }
        return (parent, depth.max() ?? 0)
    }
    var best = bfs(0)
    for r in 1..<max(1, k) {
        let t = bfs(r)
        if t.height < best.height { best = t }
    }
    return best.parent
}
