import LinkscopeSchedule

extension Emitter {
    /// The first ring rotated so that the root comes first: the chain `root → … → last`.
    func chainFromRoot() throws(CollectiveError) -> [Int] {
        let order = try ringOrders()[0]
        guard let at = order.firstIndex(of: request.root) else { return order }
        return Array(order[at...] + order[..<at])
    }

    /// Pipelined chain (ring) broadcast (docs/cost-model.md §7): the root's buffer, in chunks of ≤ chunkBytes, flows
    /// down the chain; hop h of chunk c waits only for hop h−1 of chunk c. Time `(N−2+C)(α + c/B)`.
    mutating func compileChainBroadcast() throws(CollectiveError) {
        let chain = try chainFromRoot()
        let n = chain.count
        let sizes = chunks(request.bytes, cap: Self.cap(transfersPerChunk: n))
        var at = Array(repeating: start, count: sizes.count)
        for h in 0..<(n - 1) {
            for (c, b) in sizes.enumerated() {
                at[c] = send(chain[h], chain[h + 1], bytes: b, after: at[c], phase: .broadcast, step: h, chunk: c)
            }
        }
    }

    /// Pipelined chain reduce (docs/cost-model.md §7): partial sums flow `last → … → root`, reduced at each hop.
    mutating func compileChainReduce() throws(CollectiveError) {
        let chain = try chainFromRoot()
        let n = chain.count
        let sizes = chunks(request.bytes, cap: Self.cap(transfersPerChunk: n))
        var at = Array(repeating: start, count: sizes.count)
        for h in 0..<(n - 1) {
            let from = chain[n - 1 - h], to = chain[n - 2 - h]
            for (c, b) in sizes.enumerated() {
                let got = send(from, to, bytes: b, after: at[c], phase: .reduce, step: h, chunk: c)
                at[c] = reduce(at: to, bytes: b, after: got, phase: .reduce, step: h, chunk: c)
            }
        }
    }
}
