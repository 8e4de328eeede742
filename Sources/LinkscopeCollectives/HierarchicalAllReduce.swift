import LinkscopeCostModel
import LinkscopeSchedule

extension Emitter {
    /// Hierarchical (2-D) all-reduce (docs/cost-model.md §8; NCCL inter-node, ASTRA-sim `localBWAware`):
    /// 1. in every group, ring reduce-scatter of the whole buffer into p1 segments;
    /// 2. for each segment, a ring all-reduce among the ranks holding it (same local position in every group),
    ///    on 1/p1 of the data;
    /// 3. in every group, ring all-gather of the segments.
    /// Phases hand over per segment (a segment's inter-group all-reduce starts as soon as that segment is reduced
    /// in the groups), never through a global barrier. `groups` must partition the ranks into equal sizes;
    /// none given = one group (a plain ring all-reduce).
    mutating func compileHierarchicalAllReduce() throws(CollectiveError) {
        let groups = request.groups.isEmpty ? [Array(0..<ranks)] : request.groups
        let p1 = groups[0].count, p2 = groups.count, m = request.bytes
        guard p1 > 0, groups.allSatisfy({ $0.count == p1 }),
              groups.flatMap({ $0 }).sorted() == Array(0..<ranks)
        else { throw .invalidRequest("groups must partition ranks 0..<\(ranks) into equal sizes") }
        let cap = Self.cap(transfersPerChunk: ranks * 2 * (p1 + p2))
        let c1 = chunkCount((m + Int64(p1) - 1) / Int64(p1), cap: cap)
        let segments = Traffic.evenSplit(m, parts: p1)
        let holder = { (s: Int) in (s + p1 - 1) % p1 }  // group position owning reduced segment s

        // 1. intra-group reduce-scatter.
        var reducedAt = Array(repeating: Array(repeating: [TaskID](), count: p1), count: p2)  // [g][s]
        for (g, order) in groups.enumerated() {
            var pass = RingPass(bytes: m, segments: p1, chunks: c1, start: start)
            ringSteps(order: order, pass: &pass, steps: p1 - 1, shift: 0, phase: .intraReduceScatter,
                      stepOffset: 0, reduce: true, channel: g)
            for s in 0..<p1 {
                reducedAt[g][s] = join(Array(pass.state[(s * c1)..<((s + 1) * c1)].joined()),
                                       phase: .intraReduceScatter, channel: g)
            }
        }

        // 2. inter-group ring all-reduce of each segment among its holders.
        var doneAt = reducedAt  // [g][s]
        if p2 > 1 {
            for s in 0..<p1 {
                let order = groups.map { $0[holder(s)] }
                let c2 = chunkCount((segments[s] + Int64(p2) - 1) / Int64(p2), cap: cap)
                var pass = RingPass(bytes: segments[s], segments: p2, chunks: c2, start: [])
                let local = (0..<p2).map { reducedAt[$0][s] }
                // Lazily, each holder's sends wait for its reduced segment (gate), and its output stands for
                // the eager join of its arrivals, its own reduced piece and its local input.
                let joins = local.map { p2 * c2 + Self.unique($0).count > 8 }
                var lazyPass = pass
                lazyPass.state = Array(repeating: start, count: pass.state.count)
                if let outputs = addRingProgram(order: order, pass: lazyPass, steps: 2 * (p2 - 1), shift: 0,
                                                phase: .interAllReduce, channel: s, path: .automatic, gates: local,
                                                outputIsJoin: joins) {
                    for q in 0..<p2 { doneAt[q][s] = [outputs[q]] }
                    continue
                }
                ringSteps(order: order, pass: &pass, steps: p2 - 1, shift: 0, phase: .interAllReduce, stepOffset: 0,
                          reduce: true, channel: s, localReady: local)
                let owned = pass.state
                let arrivals = ringSteps(order: order, pass: &pass, steps: p2 - 1, shift: 1, phase: .interAllReduce,
                                         stepOffset: p2 - 1, reduce: false, channel: s, collectArrivals: true)
                for q in 0..<p2 {
                    let mine = (q + 1) % p2
                    let own = Array(owned[(mine * c2)..<((mine + 1) * c2)].joined())
                    doneAt[q][s] = join(arrivals[q] + own + local[q], phase: .interAllReduce, channel: s)
                }
            }
        }

        // 3. intra-group all-gather, segment s starting at its holder once its inter all-reduce is done there.
        for (g, order) in groups.enumerated() {
            var pass = RingPass(bytes: m, segments: p1, chunks: c1, start: start)
            for s in 0..<p1 {
                for c in 0..<c1 { pass.state[s * c1 + c] = doneAt[g][s] }
            }
            ringSteps(order: order, pass: &pass, steps: p1 - 1, shift: 1, phase: .intraAllGather,
                      stepOffset: 0, reduce: false, channel: g)
        }
    }
}
