import LinkscopeCostModel
import LinkscopeSchedule

/// Binomial-tree algorithms rooted at `request.root` (docs/cost-model.md §7/§8). Relative rank v hangs under v with its
/// lowest set bit cleared. On dedicated links a rank's sends to its children overlap, so a power-of-two N takes
/// `lg N` hops; whether a rank's sends share a port is the fabric's business.
extension Emitter {
    var binomialTree: RankTree {
        get throws(CollectiveError) {
            try RankTree(parent: RankTree.binomialParents(ranks: ranks, root: request.root))
        }
    }

    /// Tree all-reduce: pipelined binomial reduce to rank 0 (or the root) then broadcast back.
    mutating func compileTreeAllReduce() throws(CollectiveError) {
        treeAllReduce(try binomialTree, bytes: request.bytes, channel: 0)
    }

    /// Pipelined binomial broadcast from the root.
    mutating func compileTreeBroadcast() throws(CollectiveError) {
        let tree = try binomialTree
        let sizes = chunks(request.bytes, cap: Self.cap(transfersPerChunk: ranks))
        treeBroadcast(tree, sizes: sizes, rootReady: Array(repeating: start, count: sizes.count), channel: 0)
    }

    /// Pipelined binomial reduce to the root.
    mutating func compileTreeReduce() throws(CollectiveError) {
        let tree = try binomialTree
        let sizes = chunks(request.bytes, cap: Self.cap(transfersPerChunk: ranks))
        _ = treeReduce(tree, sizes: sizes, start: start, channel: 0)
    }

    /// Subtree block totals (blocks = floor/ceil of `bytes/N` per rank).
    private func subtreeBytes(_ tree: RankTree, blocks: [Int64]) -> [Int64] {
        var total = blocks
        for v in tree.order.reversed() where tree.parent[v] >= 0 { total[tree.parent[v]] += total[v] }
        return total
    }

    /// Binomial gather (`bytes` = total gathered): a rank forwards its subtree's blocks once its children's
    /// arrived. Root receives `(N−1)s`; `⌈lg N⌉α + (N−1)sβ`.
    mutating func compileTreeGather() throws(CollectiveError) {
        let tree = try binomialTree
        let blocks = Traffic.evenSplit(request.bytes, parts: ranks)
        let sub = subtreeBytes(tree, blocks: blocks)
        let cap = Self.cap(transfersPerChunk: ranks)
        var ready = Array(repeating: [TaskID](), count: ranks)
        for v in tree.order.reversed() where v != tree.root {
            let p = tree.parent[v]
            let deps = tree.children[v].isEmpty ? start : join(ready[v], phase: .gather)
            ready[p] += chunkedSend(v, p, bytes: sub[v], after: deps, phase: .gather,
                                    step: tree.height - tree.depth[v], reduce: false, cap: cap)
        }
    }

    /// Binomial scatter (`bytes` = the root's total): each rank passes each child its subtree's blocks.
    mutating func compileTreeScatter() throws(CollectiveError) {
        let tree = try binomialTree
        let blocks = Traffic.evenSplit(request.bytes, parts: ranks)
        let sub = subtreeBytes(tree, blocks: blocks)
        let cap = Self.cap(transfersPerChunk: ranks)
        var have = Array(repeating: start, count: ranks)
        for v in tree.order {
            for c in tree.children[v] {
                have[c] = chunkedSend(v, c, bytes: sub[c], after: have[v], phase: .scatter, step: tree.depth[v],
                                      reduce: false, cap: cap)
            }
        }
    }
}
