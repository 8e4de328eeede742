import LinkscopeSchedule

extension Emitter {
    /// Naive all-to-all all-reduce (docs/cost-model.md §5): every rank sends its full buffer to every peer and reduces
    /// what it receives: `(N−1)M` each way per rank, `N(N−1)M` in total.
    mutating func compileNaiveAllReduce() {
        let n = ranks
        let cap = Self.cap(transfersPerChunk: n * n)
        for i in 0..<n {
            for s in 1..<n {
                _ = chunkedSend(i, (i + s) % n, bytes: request.bytes, after: start, phase: .allToAll, step: s - 1,
                                reduce: true, cap: cap)
            }
        }
    }
}
