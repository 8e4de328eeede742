import HeapModule
import LinkscopeCostModel

/// Per-rank plans: Kahn order, resolved dependencies, per-group serialisation of collectives.
extension ChakraPlan {
    static func opName(_ n: ChakraNode) -> String {
        if let t = n.commType { return t == .barrier ? "barrier" : t.op.rawValue }
        if let raw = n.rawCommType { return "comm_type \(raw)" }
        return "unknown"
    }

    static func collectiveBytes(_ n: ChakraNode, ranks: Int) -> Int64 {
        guard let t = n.commType else { return max(0, n.commSize ?? 0) }
        return max(0, t.requestBytes(commSize: max(0, n.commSize ?? 0), ranks: ranks))
    }

    /// Nodes in Kahn order (ties by file order), dependencies resolved.
    static func rankPlan(_ g: ChakraGraph, warnings: inout [String]) throws(ReplayError) -> ChakraRankPlan {
        let n = g.nodes.count
        var byID: [UInt64: Int] = [:]  // lookup only
        var duplicates = 0
        for (i, node) in g.nodes.enumerated() {
            if byID[node.id] == nil { byID[node.id] = i } else { duplicates += 1 }
        }
        if duplicates > 0 { warnings.append("\(g.file): \(duplicates) node id(s) repeat; dependencies use the first") }
        var deps = [[Int]](repeating: [], count: n)
        var dangling = 0
        for (i, node) in g.nodes.enumerated() {
            var list: [Int] = []
            for d in node.ctrlDeps + node.dataDeps {
                guard let j = byID[d] else { dangling += 1; continue }
                if j != i && !list.contains(j) { list.append(j) }
            }
            deps[i] = list.sorted()
        }
        if dangling > 0 { warnings.append("\(g.file): \(dangling) dependenc\(dangling == 1 ? "y" : "ies") on node ids not in the file ignored") }
        var indegree = deps.map(\.count)
        var children = [[Int]](repeating: [], count: n)
        for i in 0..<n { for d in deps[i] { children[d].append(i) } }
        var heap = Heap<Int>()  // Kahn's algorithm by file order
        for i in 0..<n where indegree[i] == 0 { heap.insert(i) }
        var order: [Int] = []
        order.reserveCapacity(n)
        while let i = heap.popMin() {
            order.append(i)
            for c in children[i] {
                indegree[c] -= 1
                if indegree[c] == 0 { heap.insert(c) }
            }
        }
        if order.count < n {
            let stuck = (0..<n).first { indegree[$0] > 0 } ?? 0
            let node = g.nodes[stuck]
            throw .dependencyCycle(file: g.file, position: node.offset, node: node.id, name: node.name)
        }
        var position = [Int](repeating: 0, count: n)
        for (p, i) in order.enumerated() { position[i] = p }
        let hasTimes = g.nodes.contains { $0.startMicros > 0 }
        var steps: [ChakraStep] = []
        steps.reserveCapacity(n)
        for i in order {
            let node = g.nodes[i]
            let work: ChakraWork
            switch node.type {
            case .comp: work = node.isCPUOp ? .host : .gpuCompute
            case .memLoad, .memStore: work = .memory
            case .commColl, .commSend, .commRecv: work = .communication
            case .metadata, .invalid: work = .none
            }
            let dur = node.durationMicros > UInt64(Int64.max / 1000) ? Int64.max / 1000 : Int64(node.durationMicros)
            let start = node.startMicros > UInt64(Int64.max / 1000) ? Int64.max / 1000 : Int64(node.startMicros)
            steps.append(ChakraStep(node: i, id: node.id, name: node.name.isEmpty ? "node \(node.id)" : node.name, work: work,
                                    duration: dur * 1000, deps: deps[i].map { position[$0] }.sorted(), comm: -1,
                                    bytes: max(0, node.commSize ?? 0), originalStart: hasTimes ? start * 1000 : nil))
        }
        return ChakraRankPlan(rank: g.rank, file: g.file, format: g.format, steps: steps, hasTimes: hasTimes)
    }

    /// Adds "previous collective of the same group" dependencies (send/recv are left free: serialising them as
    /// well would deadlock the usual paired exchanges).
    static func serialize(_ plans: inout [ChakraRankPlan], graphs: [ChakraGraph]) {
        for r in plans.indices {
            var last: [String: Int] = [:]  // lookup only
            for s in plans[r].steps.indices where graphs[r].nodes[plans[r].steps[s].node].type == .commColl {
                let node = graphs[r].nodes[plans[r].steps[s].node]
                let pg = node.pgName.map { $0.isEmpty ? "default" : $0 } ?? "default"
                if let p = last[pg], !plans[r].steps[s].deps.contains(p) {
                    plans[r].steps[s].deps.append(p)
                    plans[r].steps[s].deps.sort()
                }
                last[pg] = s
            }
        }
    }
}
