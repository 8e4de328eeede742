import LinkscopeSchedule

extension Emitter {
    /// Ring all-reduce (docs/cost-model.md §6), one or more rings. Ring j carries its `ringWeights` share of the buffer
    /// (exact split) as an independent ring all-reduce tagged `channel = j`; rings run concurrently.
    mutating func compileRingAllReduce(path: TransferPath = .automatic, channelOffset: Int = 0,
                                       bytes: Int64? = nil) throws(CollectiveError) {
        let orders = try ringOrders()
        let shares = try ringShares(bytes ?? request.bytes, rings: orders.count)
        for (j, order) in orders.enumerated() {
            ringAllReduce(order: order, bytes: shares[j], channel: channelOffset + j, start: start, path: path)
        }
    }
}
