import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeSchedule
import Testing

/// For every device, the set of devices whose data provably reached it: the senders of the transfers it receives
/// and of everything those transfers (transitively) depend on, plus itself. Devices < 64.
func reach(_ s: Schedule, devices: Int) -> [UInt64] {
    var src = Array(repeating: UInt64(0), count: s.count)
    var out = (0..<devices).map { UInt64(1) << UInt64($0) }
    for i in 0..<s.count {
        var bits: UInt64 = 0
        for d in s.dependencies(of: TaskID(i)) { bits |= src[d.index] }
        if case .transfer(let a, let b, _, _) = s.tasks[i].kind {
            bits |= UInt64(1) << UInt64(a)  // the sender's own data; anything else must come through deps
            src[i] = bits
            out[Int(b)] |= bits
        } else {
            src[i] = bits
        }
    }
    return out
}

@Test(arguments: [2, 3, 4, 5, 6, 7, 8, 12])
func allReduceReachesEveryRank(n: Int) throws {
    let everyone = n == 64 ? UInt64.max : (UInt64(1) << UInt64(n)) - 1
    for alg in CollectiveCompiler.supportedAlgorithms(for: .allreduce) where alg != .ps {
        let r = fullRequest(OpAlg(op: .allreduce, alg: alg), ranks: n, bytes: 10_007, chunk: 2_000)
        let (s, _) = try compiled(r)
        let seen = reach(s, devices: n + 2)
        for d in 0..<n { #expect(seen[d] & everyone == everyone, "\(alg) rank \(d) of \(n)") }
    }
    for op in [CollectiveOp.allgather] {
        for alg in CollectiveCompiler.supportedAlgorithms(for: op) {
            let (s, _) = try compiled(request(op, alg, ranks: n, bytes: 10_007, chunk: 2_000))
            let seen = reach(s, devices: n)
            for d in 0..<n { #expect(seen[d] == everyone, "\(op) \(alg) rank \(d) of \(n)") }
        }
    }
    for alg in CollectiveCompiler.supportedAlgorithms(for: .reduce) {
        let (s, _) = try compiled(request(.reduce, alg, ranks: n, bytes: 10_007, chunk: 2_000, root: 1))
        #expect(reach(s, devices: n)[1] == everyone, "reduce \(alg)")
    }
    for alg in CollectiveCompiler.supportedAlgorithms(for: .broadcast) where alg != .spanningTrees {
        let (s, _) = try compiled(request(.broadcast, alg, ranks: n, bytes: 10_007, chunk: 2_000, root: 1))
        for d in 0..<n { #expect(reach(s, devices: n)[d] & 2 == 2, "bcast \(alg)") }
    }
}

@Test(arguments: [4, 6, 8, 10, 16])
func doubleBinaryTreesAreComplementary(n: Int) throws {
    // Every rank is interior (has children) in at most one of the two trees (even N, NCCL's mirror).
    let r = request(.allreduce, .doubleBinaryTree, ranks: n, bytes: 2_000)
    let (s, _) = try compiled(r)
    var children = [[Set<Int32>]](repeating: Array(repeating: [], count: n), count: 2)
    for t in s.tasks where t.tag.phase == .broadcast {
        if case .transfer(let a, let b, _, _) = t.kind { children[Int(t.tag.instance)][Int(a)].insert(b) }
    }
    for d in 0..<n { #expect(children[0][d].isEmpty || children[1][d].isEmpty, "rank \(d)") }
    #expect(ByteCounts(s, channel: 0).total == 2 * Int64(n - 1) * 1_000)
}
