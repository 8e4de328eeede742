import LinkscopeUnits
import Testing
@testable import LinkscopeTopology

@Test func maxFlowTextbookNetwork() {
    // CLRS Figure 26.1: maximum flow 23.
    var f = MaxFlow(nodeCount: 6)
    for (a, b, c) in [(0, 1, 16.0), (0, 2, 13), (1, 2, 10), (2, 1, 4), (1, 3, 12), (3, 2, 9), (2, 4, 14), (4, 3, 7),
                      (3, 5, 20), (4, 5, 4)] {
        f.addEdge(from: a, to: b, capacity: c)
    }
    #expect(abs(f.maxFlow(from: 0, to: 5) - 23) < 1e-9)
    #expect(f.maxFlow(from: 5, to: 0) == 0)
    // Parallel paths add; a bottleneck in series limits.
    let g = MaxFlow(capacities: [[0, 3, 2, 0], [0, 0, 0, 1], [0, 0, 0, 5], [0, 0, 0, 0]])
    #expect(abs(g.maxFlow(from: 0, to: 3) - 3) < 1e-9)
}

@Test func arborescenceContractsCycles() {
    let arcs = [WeightedArc(u: 0, v: 1, w: 10), WeightedArc(u: 0, v: 2, w: 10), WeightedArc(u: 1, v: 2, w: 1),
                WeightedArc(u: 2, v: 1, w: 1)]
    let t = minimumArborescence(nodeCount: 3, root: 0, arcs: arcs)?.sorted()
    #expect(t == [0, 2])
    #expect(minimumArborescence(nodeCount: 3, root: 0, arcs: [arcs[2], arcs[3]]) == nil)
}

@Test func nashWilliamsTriangle() {
    let tri = [WeightedArc(u: 0, v: 1, w: 1), WeightedArc(u: 1, v: 2, w: 1), WeightedArc(u: 0, v: 2, w: 1)]
    #expect(abs(nashWilliamsBound(3, tri) - 1.5) < 1e-12)
    // A path's bound is its weakest edge.
    #expect(abs(nashWilliamsBound(3, [tri[0], WeightedArc(u: 1, v: 2, w: 0.25)]) - 0.25) < 1e-12)
    let packed = TreePacker(arcs: tri, nodeCount: 3).pack { minimumSpanningTree(nodeCount: 3, edges: $0) }
    let total = packed.reduce(0) { $0 + $1.rate }
    #expect(total > 0.95 * 1.5 * 0.95 && total <= 1.5 + 1e-9)
}

@Test func permutationsAreLexicographic() {
    var a = [1, 2, 3]
    var seen = [a]
    while nextPermutation(&a) { seen.append(a) }
    #expect(seen.count == 6 && seen.last == [3, 2, 1])
}
