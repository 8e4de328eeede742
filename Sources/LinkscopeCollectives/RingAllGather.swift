import LinkscopeSchedule

extension Emitter {
    /// Ring all-gather (docs/cost-model.md §7/§8): `bytes` is the total gathered size; the rank at ring position s
    /// contributes segment s (floor/ceil of bytes/N). `N−1` steps; every rank sends `(N−1)` segments.
    mutating func compileRingAllGather() throws(CollectiveError) {
        let orders = try ringOrders()
        let shares = try ringShares(request.bytes, rings: orders.count)
        let n = ranks
        for (j, order) in orders.enumerated() {
            let chunks = ringChunks(bytes: shares[j], ranks: n, steps: n - 1)
            var pass = RingPass(bytes: shares[j], segments: n, chunks: chunks, start: start)
            ringSteps(order: order, pass: &pass, steps: n - 1, shift: 0, phase: .allGather, stepOffset: 0,
                      reduce: false, channel: j)
        }
    }
}
