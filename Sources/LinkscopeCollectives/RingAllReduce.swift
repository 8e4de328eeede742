import LinkscopeSchedule

extension Emitter {
    /// Ring all-reduce (docs/cost-model.md §6), one or more rings. Ring j carries its `ringWeights` share of the buffer
    /// (exact split) as an independent ring all-reduce tagged `channel = j`; rings run concurrently.
    mutating func compileRingAllReduce(path: TransferPath = .automatic, channelOffset: Int = 0,
                                       bytes: Int64? = nil) throws(CollectiveError) {
        let orders = try ringOrders()
        let shares = try ringShares(bytes ?? request.bytes, rings: orders.count)
        // Past the eager limit only ring programs may run; a ring with empty segments cannot be one.
        if Double(orders.count) * 2 * Double(ranks) * Double(ranks - 1) > Double(CollectiveCompiler.maximumTransfers),
           shares.contains(where: { $0 < Int64(ranks) }) {
            throw .invalidRequest("a ring all-reduce over \(ranks) ranks needs at least \(ranks) bytes per ring to run "
                + "past \(CollectiveCompiler.count(Double(CollectiveCompiler.maximumTransfers))) transfers")
        }
        for (j, order) in orders.enumerated() {
            ringAllReduce(order: order, bytes: shares[j], channel: channelOffset + j, start: start, path: path)
        }
    }
}
