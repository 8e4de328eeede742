/// Maximum flow on a small directed graph with real capacities (Dinic's algorithm).
///
/// Used for Blink's root min-cut: the broadcast rate from `r` is `min_{v≠r} maxflow(r→v)`
/// (Edmonds' branching theorem, docs/cost-model.md §10).
/// - Complexity: O(V²E) per `maxFlow` call.
public struct MaxFlow: Sendable {
    /// Nodes of the graph, numbered 0..<nodeCount.
    public let nodeCount: Int
    private var to: [Int] = []
    private var capacity: [Double] = []
    private var adjacency: [[Int]]

    /// A graph of `nodeCount` nodes and no arcs.
    public init(nodeCount: Int) {
        self.nodeCount = nodeCount
        adjacency = Array(repeating: [], count: nodeCount)
    }

    /// Adds the arc `from → to`; edge `2k` is the arc, `2k+1` its residual twin.
    public mutating func addEdge(from a: Int, to b: Int, capacity c: Double) {
        precondition(a >= 0 && a < nodeCount && b >= 0 && b < nodeCount, "MaxFlow node out of range")
        adjacency[a].append(to.count)
        to.append(b)
        capacity.append(max(0, c))
        adjacency[b].append(to.count)
        to.append(a)
        capacity.append(0)
    }

    /// Value of a maximum flow from `s` to `t`; the graph itself is left unchanged.
    public func maxFlow(from s: Int, to t: Int) -> Double {
        if s == t { return .infinity }
        var residual = capacity
        var total = 0.0
        let eps = 1e-9 * (capacity.max() ?? 0)
        while true {
            // BFS levels on the residual graph.
            var level = [Int](repeating: -1, count: nodeCount)
            level[s] = 0
            var queue = [s], head = 0
            while head < queue.count {
                let u = queue[head]
                head += 1
                for e in adjacency[u] where residual[e] > eps && level[to[e]] < 0 {
                    level[to[e]] = level[u] + 1
                    queue.append(to[e])
                }
            }
            if level[t] < 0 { return total }
            var iterator = [Int](repeating: 0, count: nodeCount)
            func push(_ u: Int, _ limit: Double) -> Double {
                if u == t { return limit }
                while iterator[u] < adjacency[u].count {
                    let e = adjacency[u][iterator[u]]
                    let v = to[e]
                    if residual[e] > eps && level[v] == level[u] + 1 {
                        let pushed = push(v, min(limit, residual[e]))
                        if pushed > 0 {
                            residual[e] -= pushed
                            residual[e ^ 1] += pushed
                            return pushed
                        }
                    }
                    iterator[u] += 1
                }
                return 0
            }
            while true {
                let f = push(s, .infinity)
                if f <= 0 { break }
                total += f
            }
        }
    }

    /// Builds the graph of a capacity matrix (`c[i][j] > 0` becomes an arc).
    public init(capacities c: [[Double]]) {
        self.init(nodeCount: c.count)
        for i in c.indices {
            for j in c[i].indices where i != j && c[i][j] > 0 { addEdge(from: i, to: j, capacity: c[i][j]) }
        }
    }
}
