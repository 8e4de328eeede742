import LinkscopeSchedule

/// A rooted tree over ranks, from a parent array, with children (ascending) and a breadth-first order.
struct RankTree {
    let parent: [Int]
    let root: Int
    let children: [[Int]]
    let depth: [Int]
    /// Ranks in breadth-first order from the root (parents before children).
    let order: [Int]
    var height: Int { depth.max() ?? 0 }

    /// Validates `parent` (one root, every rank reaches it, no cycles).
    init(parent: [Int]) throws(CollectiveError) {
        let n = parent.count
        let roots = parent.indices.filter { parent[$0] == -1 }
        guard roots.count == 1, let root = roots.first else {
            throw .invalidRequest("tree needs exactly one root (parent −1), has \(roots.count)")
        }
        var children = Array(repeating: [Int](), count: n)
        for (r, p) in parent.enumerated() where p != -1 {
            guard p >= 0, p < n, p != r else { throw .invalidRequest("tree parent \(p) of rank \(r) out of range") }
            children[p].append(r)
        }
        var depth = Array(repeating: -1, count: n)
        var order = [root]
        depth[root] = 0
        var head = 0
        while head < order.count {
            let v = order[head]
            head += 1
            for c in children[v] {
                depth[c] = depth[v] + 1
                order.append(c)
            }
        }
        guard order.count == n else { throw .invalidRequest("tree does not span all \(n) ranks (cycle?)") }
        self.parent = parent
        self.root = root
        self.children = children
        self.depth = depth
        self.order = order
    }

    /// Binomial tree rooted at `root`: relative rank v hangs under v with its lowest set bit cleared.
    static func binomialParents(ranks n: Int, root: Int) -> [Int] {
        (0..<n).map { r in
            let v = (r - root + n) % n
            return v == 0 ? -1 : ((v & (v - 1)) + root) % n
        }
    }

    /// NCCL's in-order binary tree (`ncclGetBtree`): rank 0 is the root with a single child; a rank's level is
    /// its number of trailing zero bits, so the odd ranks are the leaves.
    static func binaryTreeParents(ranks n: Int) -> [Int] {
        (0..<n).map { r in
            if r == 0 { return -1 }
            var bit = 1
            while bit < n, bit & r == 0 { bit <<= 1 }
            var up = (r ^ bit) | (bit << 1)
            if up >= n { up = r ^ bit }
            return up
        }
    }

    /// NCCL's double binary tree (`ncclGetDtree`): tree 0 the binary tree; tree 1 mirrored (`r → N−1−r`) for
    /// even N, shifted (`r → r−1`) for odd N, so that every rank is interior in at most one tree.
    static func doubleBinaryTreeParents(ranks n: Int) -> ([Int], [Int]) {
        let t0 = binaryTreeParents(ranks: n)
        var t1 = Array(repeating: -1, count: n)
        for r in 0..<n {
            let (virtualRank, back): (Int, (Int) -> Int) =
                n % 2 == 0 ? (n - 1 - r, { n - 1 - $0 }) : ((r - 1 + n) % n, { ($0 + 1) % n })
            let p = t0[virtualRank]
            t1[r] = p == -1 ? -1 : back(p)
        }
        return (t0, t1)
    }
}

extension Emitter {
    /// Pipelined reduce up `tree`: chunk c leaves a rank once all its children's chunk c arrived (and were reduced).
    /// Returns per chunk what the root's reduced chunk waits for. Step tag = `height − depth(sender)`.
    mutating func treeReduce(_ tree: RankTree, sizes: [Int64], start: [TaskID], channel: Int,
                             phase: Phase = .reduce) -> [[TaskID]] {
        let h = tree.height
        var rootReady: [[TaskID]] = []
        rootReady.reserveCapacity(sizes.count)
        for (c, b) in sizes.enumerated() {
            var ready = Array(repeating: [TaskID](), count: tree.parent.count)
            for v in tree.order.reversed() {
                let deps = tree.children[v].isEmpty ? start : Self.unique(ready[v])
                if v == tree.root {
                    rootReady.append(deps)
                    continue
                }
                let p = tree.parent[v]
                let step = h - tree.depth[v]
                let got = send(v, p, bytes: b, after: deps, phase: phase, step: step, chunk: c, channel: channel)
                ready[p] += reduce(at: p, bytes: b, after: got, phase: phase, step: step, chunk: c, channel: channel)
            }
        }
        return rootReady
    }

    /// Pipelined broadcast down `tree`: a rank forwards chunk c to its children once it holds chunk c.
    /// Step tag = `depth(sender)`. Returns per rank its arrivals.
    @discardableResult
    mutating func treeBroadcast(_ tree: RankTree, sizes: [Int64], rootReady: [[TaskID]], channel: Int,
                                phase: Phase = .broadcast) -> [[TaskID]] {
        var arrivals = Array(repeating: [TaskID](), count: tree.parent.count)
        for (c, b) in sizes.enumerated() {
            var have = Array(repeating: [TaskID](), count: tree.parent.count)
            have[tree.root] = rootReady[c]
            for v in tree.order {
                for child in tree.children[v] {
                    have[child] = send(v, child, bytes: b, after: have[v], phase: phase, step: tree.depth[v],
                                       chunk: c, channel: channel)
                    arrivals[child] += have[child]
                }
            }
        }
        return arrivals
    }

    /// Tree all-reduce: pipelined reduce to the root then broadcast down the same tree (docs/cost-model.md §7, §10);
    /// chunk c's broadcast starts as soon as the root has reduced chunk c.
    mutating func treeAllReduce(_ tree: RankTree, bytes: Int64, channel: Int) {
        let n = tree.parent.count
        let sizes = chunks(bytes, cap: Self.cap(transfersPerChunk: 2 * n))
        let ready = treeReduce(tree, sizes: sizes, start: start, channel: channel)
        treeBroadcast(tree, sizes: sizes, rootReady: ready, channel: channel)
    }
}
