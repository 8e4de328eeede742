import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeSchedule
import Testing

@Test(arguments: [2, 3, 4, 5, 8])
func allGatherEachRankSendsNMinusOneBlocks(n: Int) throws {
    // Divisible total: every rank sends (N−1)s, whatever the algorithm forwards.
    let total: Int64 = 10_080, s = total / Int64(n)
    for alg in CollectiveCompiler.supportedAlgorithms(for: .allgather) {
        let b = ByteCounts(try compiled(request(.allgather, alg, ranks: n, bytes: total, chunk: 700)).0)
        #expect(b.total == Int64(n - 1) * total, "\(alg)")
        for r in 0..<n {
            #expect(b.sent(r) == Int64(n - 1) * s, "\(alg) rank \(r)")
            #expect(b.received(r) == Int64(n - 1) * s, "\(alg) rank \(r)")
        }
    }
    // Indivisible total: each rank still receives exactly everything but its own block.
    let odd: Int64 = 10_001
    let blocks = Traffic.evenSplit(odd, parts: n)
    for alg in CollectiveCompiler.supportedAlgorithms(for: .allgather) {
        let b = ByteCounts(try compiled(request(.allgather, alg, ranks: n, bytes: odd, chunk: 700)).0)
        #expect(b.total == Int64(n - 1) * odd, "\(alg)")
        for r in 0..<n { #expect(b.received(r) == odd - blocks[r], "\(alg) rank \(r)") }
    }
}

@Test(arguments: [2, 3, 4, 5, 8])
func reduceScatterVolume(n: Int) throws {
    let input: Int64 = 10_080
    for alg in CollectiveCompiler.supportedAlgorithms(for: .reducescatter) {
        let (s, _) = try compiled(request(.reducescatter, alg, ranks: n, bytes: input, chunk: 333))
        let b = ByteCounts(s)
        if alg != .halvingDoubling || CostFormulas.isPowerOfTwo(n) {
            #expect(b.total == Int64(n - 1) * input, "\(alg)")
            for r in 0..<n { #expect(b.sent(r) == Int64(n - 1) * input / Int64(n), "\(alg) rank \(r)") }
        } else {
            // Folded ranks first hand over their whole input; then each gets its block back.
            #expect(b.total > Int64(n - 1) * input)
        }
    }
}

@Test(arguments: [2, 3, 4, 5, 8])
func allReduceVolumes(n: Int) throws {
    let m: Int64 = 12_345
    let twoNm1M = 2 * Int64(n - 1) * m
    for alg in [Algorithm.ring, .tree, .doubleBinaryTree, .direct, .reduceBroadcast] {
        let (s, _) = try compiled(request(.allreduce, alg, ranks: n, bytes: m, chunk: 1000))
        #expect(ByteCounts(s).total == twoNm1M, "\(alg)")
    }
    if CostFormulas.isPowerOfTwo(n) {
        let (hd, _) = try compiled(request(.allreduce, .halvingDoubling, ranks: n, bytes: m, chunk: 1000))
        #expect(ByteCounts(hd).total == twoNm1M)
        let (rd, _) = try compiled(request(.allreduce, .recursiveDoubling, ranks: n, bytes: m, chunk: 1000))
        #expect(ByteCounts(rd).total == Int64(n * CostFormulas.floorLog2(n)) * m)
        for r in 0..<n { #expect(ByteCounts(rd).sent(r) == Int64(CostFormulas.floorLog2(n)) * m) }
    } else {
        // MPICH fold: r = N − p' extra ranks add 2M each.
        let p = CostFormulas.powerOfTwoFloor(n), extra = Int64(n - p)
        let (hd, _) = try compiled(request(.allreduce, .halvingDoubling, ranks: n, bytes: m, chunk: 1000))
        #expect(ByteCounts(hd).total == 2 * Int64(p - 1) * m + 2 * extra * m)
    }
}

@Test func halvingDoublingPerRankIsRingVolume() throws {
    let m: Int64 = 8 * 1_000
    let (s, _) = try compiled(request(.allreduce, .halvingDoubling, ranks: 8, bytes: m, chunk: 300))
    let b = ByteCounts(s)
    for r in 0..<8 {
        #expect(b.sent(r) == 2 * 7 * m / 8)
        #expect(b.received(r) == 2 * 7 * m / 8)
    }
    // Partners differ by one bit.
    for p in b.pairs.keys { #expect((p.from ^ p.to).nonzeroBitCount == 1) }
}

@Test(arguments: [2, 3, 5, 8])
func rootedCollectives(n: Int) throws {
    let m: Int64 = 5_000
    for root in [0, n - 1] {
        for alg in CollectiveCompiler.supportedAlgorithms(for: .broadcast) where alg != .spanningTrees {
            let (s, _) = try compiled(request(.broadcast, alg, ranks: n, bytes: m, chunk: 700, root: root))
            let b = ByteCounts(s)
            for r in 0..<n { #expect(b.received(r) == (r == root ? 0 : m), "bcast \(alg) root \(root)") }
        }
        for alg in CollectiveCompiler.supportedAlgorithms(for: .reduce) {
            let (s, _) = try compiled(request(.reduce, alg, ranks: n, bytes: m, chunk: 700, root: root))
            let b = ByteCounts(s)
            for r in 0..<n { #expect(b.sent(r) == (r == root ? 0 : m), "reduce \(alg) root \(root)") }
        }
        let blocks = Traffic.evenSplit(m, parts: n)
        let others = m - blocks[root]
        let (g, _) = try compiled(request(.gather, .direct, ranks: n, bytes: m, chunk: 700, root: root))
        #expect(ByteCounts(g).received(root) == others)
        #expect(ByteCounts(g).total == others)
        let (sc, _) = try compiled(request(.scatter, .direct, ranks: n, bytes: m, chunk: 700, root: root))
        #expect(ByteCounts(sc).sent(root) == others)
        for op in [CollectiveOp.gather, .scatter] {
            let (t, _) = try compiled(request(op, .tree, ranks: n, bytes: m, chunk: 700, root: root))
            let b = ByteCounts(t)
            if op == .gather { #expect(b.received(root) == others) } else { #expect(b.sent(root) == others) }
            for r in 0..<n where r != root {
                // Every non-root rank ends up with (or contributes) exactly its own block net.
                let net = op == .gather ? b.sent(r) - b.received(r) : b.received(r) - b.sent(r)
                #expect(net == blocks[r])
            }
        }
    }
}

@Test func allToAllAndSendRecv() throws {
    let n = 5, total: Int64 = 1_003
    let blocks = Traffic.evenSplit(total, parts: n)
    let (s, _) = try compiled(request(.alltoall, .direct, ranks: n, bytes: total, chunk: 100))
    let b = ByteCounts(s)
    for r in 0..<n {
        #expect(b.sent(r) == total - blocks[r])
        #expect(b.received(r) == Int64(n - 1) * blocks[r])
    }
    let (sr, _) = try compiled(request(.sendrecv, .direct, ranks: n, bytes: 999, chunk: 100))
    let c = ByteCounts(sr)
    for r in 0..<n {
        #expect(c.pairs[ByteCounts.Pair(from: Int32(r), to: Int32((r + 1) % n))] == 999)
    }
    #expect(c.total == 999 * Int64(n))
}

@Test func chunkingPreservesTotals() throws {
    for c in allSupported {
        let big = try compiled(fullRequest(c, ranks: 6, bytes: 100_003, chunk: 1 << 40)).0
        let small = try compiled(fullRequest(c, ranks: 6, bytes: 100_003, chunk: 1_000)).0
        let a = ByteCounts(big), b = ByteCounts(small)
        #expect(a.pairs == b.pairs, "\(c.testDescription)")
        #expect(b.transfers > a.transfers, "\(c.testDescription)")
    }
}

@Test func hierarchicalBytes() throws {
    // 2 groups × 4 ranks, M divisible by everything.
    let m: Int64 = 8 * 3 * 1_000
    var r = request(.allreduce, .hierarchical, ranks: 8, bytes: m, chunk: 500)
    r.groups = [[0, 1, 2, 3], [4, 5, 6, 7]]
    let (s, _) = try compiled(r)
    var intra: [Int: Int64] = [:], inter: [Int: Int64] = [:]
    for t in s.tasks {
        guard case .transfer(let a, let b, let x, _) = t.kind else { continue }
        if t.tag.phase == .interAllReduce {
            inter[Int(a), default: 0] += x
            #expect(a / 4 != b / 4)
        } else {
            intra[Int(a), default: 0] += x
            #expect(a / 4 == b / 4)
        }
    }
    for rank in 0..<8 {
        #expect(intra[rank] == 2 * 3 * m / 4)  // RS + AG over p1 = 4
        #expect(inter[rank] == 2 * 1 * (m / 4) / 2)  // ring AR of M/p1 over p2 = 2
    }
    #expect(ByteCounts(s).total == 8 * (2 * 3 * m / 4 + m / 4))
}

@Test func spanningTreesSplitByWeight() throws {
    var r = request(.allreduce, .spanningTrees, ranks: 4, bytes: 1_000_001, chunk: 50_000)
    r.trees = [WeightedTree(parent: [-1, 0, 1, 2], weight: 3), WeightedTree(parent: [1, -1, 1, 1], weight: 1)]
    let (s, _) = try compiled(r)
    let t0 = ByteCounts(s, channel: 0), t1 = ByteCounts(s, channel: 1)
    // Tree i carries D_i = D·w_i/Σw (exact split: 750,001 + 250,000), up and down each of its 3 edges.
    #expect(t0.total == 2 * 3 * 750_001)
    #expect(t1.total == 2 * 3 * 250_000)
    #expect(t0.pairs[ByteCounts.Pair(from: 1, to: 0)] == 750_001)
    #expect(t1.pairs[ByteCounts.Pair(from: 1, to: 3)] == 250_000)

    var b = request(.broadcast, .spanningTrees, ranks: 4, bytes: 1_000, chunk: 100)
    b.trees = [WeightedTree(parent: [-1, 0, 0, 0], weight: 1), WeightedTree(parent: [-1, 0, 1, 2], weight: 1)]
    let bc = ByteCounts(try compiled(b).0)
    for rank in 1..<4 { #expect(bc.received(rank) == 1_000) }
}

@Test func multiRingSplitsByWeight() throws {
    var r = request(.allreduce, .ring, ranks: 4, bytes: 4_000, chunk: 1 << 30)
    r.rings = [[0, 1, 2, 3], [0, 3, 2, 1]]
    r.ringWeights = [3, 1]
    let (s, _) = try compiled(r)
    #expect(ByteCounts(s, channel: 0).total == 2 * 3 * 3_000)
    #expect(ByteCounts(s, channel: 1).total == 2 * 3 * 1_000)
    let ring1 = ByteCounts(s, channel: 1).pairs
    #expect(ring1[ByteCounts.Pair(from: 3, to: 2)] == Int64(1_500))  // 2(N−1) segments of 250
}

@Test func hybridSplitUsesBothPaths() throws {
    // §21 H: 150 GB/s NVLink + 16 GB/s PCIe → 9.64 % on PCIe.
    let split = HybridSplit(bytes: 1e8, nvlinkBandwidth: 150e9, pcieBandwidth: 16e9)
    var r = request(.allreduce, .hybridPCIe, ranks: 4, bytes: 100_000_000, chunk: 4 << 20)
    r.pcieShare = split.pcieShare
    let (s, _) = try compiled(r)
    let pcie = ByteCounts(s, path: .avoidNVLink), nvl = ByteCounts(s, path: .automatic)
    let x = Int64((1e8 * split.pcieShare).rounded())
    #expect(pcie.total == 2 * 3 * x)
    #expect(nvl.total == 2 * 3 * (100_000_000 - x))
    #expect(abs(Double(x) / 1e8 - 0.0964) < 5e-4)
}
