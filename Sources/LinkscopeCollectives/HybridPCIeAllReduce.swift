import LinkscopeSchedule

extension Emitter {
    /// Hybrid PCIe + NVLink all-reduce (docs/cost-model.md §11): `pcieShare` of the buffer (rounded to whole bytes) runs
    /// as a ring all-reduce in participant order with `TransferPath.avoidNVLink` (channel = number of rings); the
    /// rest runs concurrently on the request's rings with automatic routing (NVLink where it exists).
    /// Choose `pcieShare` with `HybridSplit` (the §11 equalisation and clamp).
    mutating func compileHybridPCIeAllReduce() throws(CollectiveError) {
        let share = request.pcieShare
        guard share.isFinite, share >= 0, share <= 1 else { throw .invalidRequest("pcieShare must be in 0...1") }
        let pcie = min(request.bytes, max(0, Int64((Double(request.bytes) * share).rounded())))
        let orders = try ringOrders()
        try compileRingAllReduce(path: .automatic, channelOffset: 0, bytes: request.bytes - pcie)
        ringAllReduce(order: Array(0..<ranks), bytes: pcie, channel: orders.count, start: start, path: .avoidNVLink)
    }
}
