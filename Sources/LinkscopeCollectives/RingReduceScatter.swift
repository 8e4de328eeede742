import LinkscopeSchedule

extension Emitter {
    /// Ring reduce-scatter (docs/cost-model.md §7/§8): `bytes` is the input per rank, cut into N segments; after `N−1`
    /// steps the rank at position s−1 owns reduced segment s. Every rank sends `(N−1)` segments.
    mutating func compileRingReduceScatter() throws(CollectiveError) {
        let orders = try ringOrders()
        let shares = try ringShares(request.bytes, rings: orders.count)
        let n = ranks
        for (j, order) in orders.enumerated() {
            let chunks = ringChunks(bytes: shares[j], ranks: n, steps: n - 1)
            var pass = RingPass(bytes: shares[j], segments: n, chunks: chunks, start: start)
            ringSteps(order: order, pass: &pass, steps: n - 1, shift: 0, phase: .reduceScatter, stepOffset: 0,
                      reduce: true, channel: j)
        }
    }
}
