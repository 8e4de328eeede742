import LinkscopeCostModel
import LinkscopeSchedule

extension Emitter {
    /// "recursive-doubling" all-gather, run as Bruck's dissemination so any N works (docs/cost-model.md §8): at step k
    /// rank i sends the `min(2^k, N − 2^k)` blocks it holds (its own and the next ones) to rank `i − 2^k`.
    /// `⌈lg N⌉` steps, `(N−1)` blocks sent per rank: the same cost as recursive doubling for powers of two.
    mutating func compileBruckAllGather() {
        let n = ranks
        let blocks = Traffic.evenSplit(request.bytes, parts: n)
        let steps = CostFormulas.ceilLog2(n)
        let cap = Self.cap(transfersPerChunk: n * max(steps, 1))
        var ready = Array(repeating: start, count: n)
        var dist = 1, step = 0
        while dist < n {
            let count = min(dist, n - dist)
            var next = ready
            for i in 0..<n {
                let to = (i - dist + n) % n
                let bytes = (0..<count).reduce(Int64(0)) { $0 + blocks[(i + $1) % n] }
                let got = chunkedSend(i, to, bytes: bytes, after: ready[i], phase: .allGather, step: step,
                                      reduce: false, cap: cap)
                next[to] = join(got + ready[to], phase: .allGather, step: step)
            }
            ready = next
            dist *= 2
            step += 1
        }
    }
}
