import LinkscopeCostModel
import LinkscopeSchedule

extension Emitter {
    /// Parameter-server sync (docs/cost-model.md §3/§4): every worker pushes shard j of its gradient to server j
    /// (`serverShares`, equal when empty; exact split), the server reduces each arrival (γ), then every worker
    /// pulls shard j back. Synchronous SGD: server j applies the update once it holds shard j from every
    /// worker, so the pulls of a shard wait for all of its pushes (push then pull, `2·N·M_j/B_ps`); pushes
    /// and pulls are chunked so that each stream still pipelines, and different shards overlap.
    /// Servers are device indices and may be workers' own devices: that worker's push and pull of its shard
    /// stay local (no task, no network bytes), so co-located k = N moves `2(N−1)M/N` per node.
    mutating func compileParameterServer() throws(CollectiveError) {
        let servers = request.servers.isEmpty ? [request.participants.first ?? 0] : request.servers
        let weights = request.serverShares.isEmpty ? Array(repeating: 1.0, count: servers.count) : request.serverShares
        guard weights.count == servers.count, let shards = Split.weighted(request.bytes, weights) else {
            throw .invalidRequest("serverShares must hold one non-negative share per server, not all zero")
        }
        guard servers.allSatisfy({ $0 >= 0 }) else { throw .invalidRequest("server device must be ≥ 0") }
        let n = ranks
        let cap = Self.cap(transfersPerChunk: 2 * n * servers.count)
        for (j, server) in servers.enumerated() {
            let sd = Int32(truncatingIfNeeded: server)
            let pieces = chunks(shards[j], cap: cap)
            var pushed: [TaskID] = []
            for (c, b) in pieces.enumerated() {
                for w in 0..<n {
                    let got = transfer(devices[w], sd, bytes: b, after: start, phase: .push, step: 0, chunk: c,
                                       channel: j)
                    pushed += reduce(device: sd, bytes: b, after: got, phase: .push, step: 0, chunk: c, channel: j)
                }
            }
            // Each stream is FIFO, so the last chunk of every worker's push marks the whole shard.
            let deps = join(pushed, phase: .update, channel: j)
            for (c, b) in pieces.enumerated() {
                for w in 0..<n {
                    _ = transfer(sd, devices[w], bytes: b, after: deps, phase: .pull, step: 1, chunk: c, channel: j)
                }
            }
        }
    }
}
