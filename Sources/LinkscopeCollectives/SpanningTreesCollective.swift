import LinkscopeSchedule

extension Emitter {
    /// The request's packed trees, validated, with their exact byte shares (by weight).
    func weightedTrees() throws(CollectiveError) -> [(RankTree, Int64)] {
        guard !request.trees.isEmpty else { throw .invalidRequest("spanning-trees needs at least one tree") }
        var trees: [RankTree] = []
        for t in request.trees {
            guard t.parent.count == ranks else {
                throw .invalidRequest("tree has \(t.parent.count) parents for \(ranks) ranks")
            }
            trees.append(try RankTree(parent: t.parent))
        }
        guard let shares = Split.weighted(request.bytes, request.trees.map(\.weight)) else {
            throw .invalidRequest("tree weights must be non-negative and not all zero")
        }
        return Array(zip(trees, shares))
    }

    /// Spanning-tree all-reduce (Blink; docs/cost-model.md §10): tree i carries `bytes·w_i/Σw` (exact split), reduced
    /// up to its own root and broadcast back down the same tree, pipelined by chunk; channel = tree index.
    mutating func compileSpanningTreesAllReduce() throws(CollectiveError) {
        for (i, (tree, bytes)) in try weightedTrees().enumerated() {
            treeAllReduce(tree, bytes: bytes, channel: i)
        }
    }

    /// Spanning-tree broadcast (docs/cost-model.md §10): arborescences from the root, each carrying its weighted share.
    mutating func compileSpanningTreesBroadcast() throws(CollectiveError) {
        let trees = try weightedTrees()
        for (i, (tree, _)) in trees.enumerated() where tree.root != request.root {
            throw .invalidRequest("broadcast tree \(i) is rooted at \(tree.root), not at root \(request.root)")
        }
        for (i, (tree, bytes)) in trees.enumerated() {
            let sizes = chunks(bytes, cap: Self.cap(transfersPerChunk: ranks * trees.count))
            treeBroadcast(tree, sizes: sizes, rootReady: Array(repeating: start, count: sizes.count), channel: i)
        }
    }
}
