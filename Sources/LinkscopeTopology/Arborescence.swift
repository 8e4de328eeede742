/// A weighted arc for the tree oracles.
struct WeightedArc: Sendable {
    var u: Int
    var v: Int
    var w: Double
}

/// Minimum-cost arborescence rooted at `root` (Chu–Liu / Edmonds 1967): every vertex but the root
/// takes its cheapest incoming arc; a cycle is contracted with reduced costs and solved again.
/// Ties go to the lower arc index, so the result is deterministic.
/// - Returns: indices into `arcs` of the chosen arcs (one per non-root vertex), nil when some
///   vertex is unreachable from the root.
/// - Complexity: O(V·E).
func minimumArborescence(nodeCount n: Int, root: Int, arcs: [WeightedArc]) -> [Int]? {
    var inArc = [Int](repeating: -1, count: n)
    for (i, a) in arcs.enumerated() where a.u != a.v && a.v != root {
        if inArc[a.v] < 0 || a.w < arcs[inArc[a.v]].w { inArc[a.v] = i }
    }
    for v in 0..<n where v != root && inArc[v] < 0 { return nil }
    // Find a cycle of chosen arcs, walking each vertex's parent chain.
    var mark = [Int](repeating: -1, count: n)
    var cycle: [Int]?
    for s in 0..<n where s != root && mark[s] < 0 {
        var v = s
        while v != root && mark[v] < 0 {
            mark[v] = s
            v = arcs[inArc[v]].u
        }
        if v != root && mark[v] == s {
            var c = [v]
            var w = arcs[inArc[v]].u
            while w != v {
                c.append(w)
                w = arcs[inArc[w]].u
            }
            cycle = c
            break
        }
    }
    guard let cycle else { return (0..<n).filter { $0 != root }.map { inArc[$0] } }
    var inCycle = [Bool](repeating: false, count: n)
    for v in cycle { inCycle[v] = true }
    var newID = [Int](repeating: 0, count: n)
    var next = 0
    for v in 0..<n where !inCycle[v] {
        newID[v] = next
        next += 1
    }
    for v in cycle { newID[v] = next }
    var contracted: [WeightedArc] = []
    var origin: [Int] = []
    for (i, a) in arcs.enumerated() {
        let nu = newID[a.u], nv = newID[a.v]
        if nu == nv { continue }
        let w = inCycle[a.v] ? a.w - arcs[inArc[a.v]].w : a.w
        contracted.append(WeightedArc(u: nu, v: nv, w: w))
        origin.append(i)
    }
    guard let sub = minimumArborescence(nodeCount: next + 1, root: newID[root], arcs: contracted) else { return nil }
    var chosen = sub.map { origin[$0] }
    guard let entering = chosen.first(where: { inCycle[arcs[$0].v] }) else { return nil }
    let entry = arcs[entering].v
    for v in cycle where v != entry { chosen.append(inArc[v]) }
    return chosen
}

/// Minimum spanning tree of undirected edges (Kruskal; ties to the lower edge index).
/// - Returns: edge indices, nil when the graph is disconnected.
func minimumSpanningTree(nodeCount n: Int, edges: [WeightedArc]) -> [Int]? {
    var parent = Array(0..<n)
    func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x {
            parent[x] = parent[parent[x]]
            x = parent[x]
        }
        return x
    }
    let order = edges.indices.sorted { edges[$0].w != edges[$1].w ? edges[$0].w < edges[$1].w : $0 < $1 }
    var chosen: [Int] = []
    for e in order {
        let a = find(edges[e].u), b = find(edges[e].v)
        if a != b {
            parent[a] = b
            chosen.append(e)
        }
    }
    return chosen.count == n - 1 ? chosen : nil
}
