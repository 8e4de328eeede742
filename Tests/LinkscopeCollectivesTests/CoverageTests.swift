import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeSchedule
import Testing

struct OpAlg: Sendable, CustomTestStringConvertible {
    var op: CollectiveOp, alg: Algorithm
    var testDescription: String { "\(op.rawValue)/\(alg.rawValue)" }
}

let allSupported: [OpAlg] = CollectiveOp.allCases.flatMap { op in
    CollectiveCompiler.supportedAlgorithms(for: op).map { OpAlg(op: op, alg: $0) }
}

/// A request that satisfies the algorithm's extra fields.
func fullRequest(_ c: OpAlg, ranks n: Int, bytes: Int64, chunk: Int64, root: Int = 0) -> CollectiveRequest {
    var r = request(c.op, c.alg, ranks: n, bytes: bytes, chunk: chunk, root: root % n, gamma: 1e-12)
    switch c.alg {
    case .spanningTrees:
        // Two trees rooted at the root: a chain and a star.
        let rt = root % n
        let chain = (0..<n).map { v in v == rt ? -1 : (v == 0 ? rt : (v - 1 == rt ? (rt == 0 ? -1 : 0) : v - 1)) }
        let star = (0..<n).map { $0 == rt ? -1 : rt }
        let chainOK = chain.filter { $0 == -1 }.count == 1
        r.trees = chainOK ? [WeightedTree(parent: chain, weight: 2), WeightedTree(parent: star, weight: 1)]
            : [WeightedTree(parent: star, weight: 1)]
    case .hierarchical:
        if n % 2 == 0 { r.groups = [Array(0..<(n / 2)), Array((n / 2)..<n)] }
    case .hybridPCIe:
        r.pcieShare = 0.2
    case .ps:
        r.servers = [n, n + 1]
    default: break
    }
    return r
}

@Test(arguments: allSupported)
func everySupportedCombinationCompiles(c: OpAlg) throws {
    for n in [1, 2, 3, 4, 5, 6, 8] {
        for bytes in [Int64(0), 1, 7, 1000, 65_539] {
            let r = fullRequest(c, ranks: n, bytes: bytes, chunk: 512, root: 1)
            let start = TaskID(0)
            var s = Schedule()
            s.add(.delay(seconds: 0))
            let finals = try CollectiveCompiler.compile(r, into: &s, after: [start])
            let b = ByteCounts(s)
            if n == 1 || bytes == 0 {
                #expect(finals == [start])
                #expect(s.count == 1)
                continue
            }
            #expect(!finals.isEmpty)
            #expect(b.total > 0, "\(c.testDescription) n=\(n) bytes=\(bytes)")
            for t in s.tasks.dropFirst() {
                #expect(t.tag.collective == 7)
                if case .transfer(let a, let d, let x, _) = t.kind {
                    #expect(x > 0 && x <= 512 && a != d)
                }
            }
            // Every task descends from `after`.
            for i in 1..<s.count where s.dependencies(of: TaskID(i)).isEmpty {
                Issue.record("task \(i) of \(c.testDescription) ignores `after`")
            }
            // The idealised run terminates with every task scheduled.
            #expect(IdealExecutor(alpha: 1e-6, bandwidth: 1e9).run(s).count == s.count)
        }
    }
}

@Test func unsupportedCombinationsThrow() {
    for op in CollectiveOp.allCases {
        for alg in Algorithm.allCases where !CollectiveCompiler.supportedAlgorithms(for: op).contains(alg) {
            #expect(throws: CollectiveError.unsupported(op: op, algorithm: alg)) {
                _ = try compiled(request(op, alg, ranks: 4, bytes: 100))
            }
        }
    }
    #expect(throws: CollectiveError.unsupported(op: .broadcast, algorithm: .ps)) {
        _ = try compiled(request(.broadcast, .ps, ranks: 4, bytes: 100))
    }
}

@Test func invalidRequestsThrowBeforeAddingTasks() {
    var s = Schedule()
    var r = request(.allreduce, .ring, ranks: 4, bytes: 100)
    r.rings = [[0, 1, 1, 2]]
    #expect(throws: CollectiveError.self) { _ = try CollectiveCompiler.compile(r, into: &s) }
    r = request(.allreduce, .hierarchical, ranks: 4, bytes: 100)
    r.groups = [[0, 1, 2], [3]]
    #expect(throws: CollectiveError.self) { _ = try CollectiveCompiler.compile(r, into: &s) }
    r = request(.broadcast, .spanningTrees, ranks: 3, bytes: 100, root: 1)
    r.trees = [WeightedTree(parent: [-1, 0, 0], weight: 1)]
    #expect(throws: CollectiveError.self) { _ = try CollectiveCompiler.compile(r, into: &s) }
    r = request(.reduce, .tree, ranks: 3, bytes: 100, root: 5)
    #expect(throws: CollectiveError.self) { _ = try CollectiveCompiler.compile(r, into: &s) }
    #expect(s.isEmpty)
}

@Test func compilationIsDeterministic() throws {
    for c in allSupported {
        let r = fullRequest(c, ranks: 6, bytes: 10_007, chunk: 999)
        let (a, fa) = try compiled(r)
        let (b, fb) = try compiled(r)
        #expect(a.tasks == b.tasks && a.dependencyList == b.dependencyList && fa == fb, "\(c.testDescription)")
    }
}

@Test func closedFormsCoverTheCompiledCombinations() {
    let opts = FormulaOptions(tiers: HierarchyTiers(localRanks: 2, localLatency: 1e-6, localBandwidth: 1e9, groups: 2,
                                                    remoteLatency: 1e-6, remoteBandwidth: 1e9),
                              pcieBandwidth: 1e9)
    for op in CollectiveOp.allCases {
        for alg in Algorithm.allCases {
            let supported = CollectiveCompiler.supportedAlgorithms(for: op).contains(alg)
            for n in [1, 4] {
                let t = CostFormulas.time(op: op, algorithm: alg, ranks: n, bytes: 1e6, bandwidth: 1e9, latency: 1e-6,
                                          options: opts)
                #expect((t != nil) == supported, "\(op)/\(alg) n=\(n)")
            }
        }
    }
}
