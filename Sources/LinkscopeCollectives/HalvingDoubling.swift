import LinkscopeCostModel
import LinkscopeSchedule

/// MPICH's fold for non-power-of-two rank counts: with p' = 2^⌊lg N⌋ and r = N − p', each even rank below 2r
/// hands its whole buffer to the next (odd) rank and sits out; the p' remaining ranks get ids 0..<p'.
struct PowerOfTwoFold {
    let activeRanks: [Int]
    /// Even ranks below 2r with their odd partner.
    let folded: [(rank: Int, partner: Int)]
    var size: Int { activeRanks.count }

    init(ranks n: Int) {
        let p = CostFormulas.powerOfTwoFloor(n), r = n - p
        var active: [Int] = []
        var folded: [(Int, Int)] = []
        for rank in 0..<n {
            if rank < 2 * r {
                if rank % 2 == 0 { folded.append((rank, rank + 1)) } else { active.append(rank) }
            } else {
                active.append(rank)
            }
        }
        activeRanks = active
        self.folded = folded
    }
}

extension Emitter {
    /// Sends `bytes` from `a` to `b` in pipeline chunks (tagged 0, 1, …), optionally reduced at `b`; returns the
    /// arrivals (or the reductions).
    mutating func chunkedSend(_ a: Int, _ b: Int, bytes: Int64, after deps: [TaskID], phase: Phase, step: Int,
                              reduce doReduce: Bool, cap: Int, channel: Int = 0) -> [TaskID] {
        var out: [TaskID] = []
        for (c, piece) in chunks(bytes, cap: cap).enumerated() where piece > 0 {
            let got = send(a, b, bytes: piece, after: deps, phase: phase, step: step, chunk: c, channel: channel)
            out += doReduce ? reduce(at: b, bytes: piece, after: got, phase: phase, step: step, chunk: c,
                                     channel: channel) : got
        }
        return out.isEmpty ? deps : out
    }

    /// Fold-in: every folded rank sends its whole buffer to its partner, which reduces it. Returns per rank
    /// what its (possibly combined) data waits for.
    mutating func foldIn(_ fold: PowerOfTwoFold, bytes: Int64, phase: Phase, cap: Int) -> [[TaskID]] {
        var ready = Array(repeating: start, count: ranks)
        for (rank, partner) in fold.folded {
            let got = chunkedSend(rank, partner, bytes: bytes, after: start, phase: phase, step: 0, reduce: true,
                                  cap: cap)
            ready[partner] = join(got + start, phase: phase)
        }
        return ready
    }

    /// Rabenseifner all-reduce (docs/cost-model.md §8): recursive-halving reduce-scatter then recursive-doubling
    /// all-gather over p' ranks, with the MPICH fold for non-power-of-two N. Messages are chunked; each step
    /// waits only for the rank's own previous receipts (no global barrier).
    mutating func compileHalvingDoublingAllReduce() {
        let n = ranks, m = request.bytes
        let fold = PowerOfTwoFold(ranks: n)
        let p = fold.size, lg = CostFormulas.floorLog2(p)
        let cap = Self.cap(transfersPerChunk: n * (2 * lg + 2))
        let foldStep = fold.folded.isEmpty ? 0 : 1
        var ready = foldIn(fold, bytes: m, phase: .reduceScatter, cap: cap).enumerated()
            .filter { fold.activeRanks.contains($0.offset) }.map(\.element)
        var lo = Array(repeating: Int64(0), count: p), hi = Array(repeating: m, count: p)
        var step = foldStep
        var saved = recursiveHalving(fold, ready: &ready, lo: &lo, hi: &hi, step: &step, cap: cap)
        var d = 1
        while d < p {
            var next = ready
            for x in 0..<p {
                let y = x ^ d
                let got = chunkedSend(fold.activeRanks[x], fold.activeRanks[y], bytes: hi[x] - lo[x],
                                      after: ready[x], phase: .allGather, step: step, reduce: false, cap: cap)
                next[y] = join(got + ready[y], phase: .allGather, step: step)
            }
            if let level = saved.popLast() { (lo, hi) = level }
            ready = next
            d *= 2
            step += 1
        }
        foldOut(fold, ready: ready, bytes: m, step: step, cap: cap)
    }

    /// Fold-out: each partner returns the full result to the rank it absorbed.
    mutating func foldOut(_ fold: PowerOfTwoFold, ready: [[TaskID]], bytes: Int64, step: Int, cap: Int) {
        for (rank, partner) in fold.folded {
            guard let id = fold.activeRanks.firstIndex(of: partner) else { continue }
            _ = chunkedSend(partner, rank, bytes: bytes, after: ready[id], phase: .allGather, step: step,
                            reduce: false, cap: cap)
        }
    }

    /// Recursive-doubling all-reduce (docs/cost-model.md §8): lg p' full-buffer exchanges with partner `x xor 2^k`,
    /// each reduced; MPICH fold for non-power-of-two N.
    mutating func compileRecursiveDoublingAllReduce() {
        let n = ranks, m = request.bytes
        let fold = PowerOfTwoFold(ranks: n)
        let p = fold.size, lg = CostFormulas.floorLog2(p)
        let cap = Self.cap(transfersPerChunk: n * (lg + 2))
        var ready = foldIn(fold, bytes: m, phase: .reduce, cap: cap).enumerated()
            .filter { fold.activeRanks.contains($0.offset) }.map(\.element)
        var d = 1, step = fold.folded.isEmpty ? 0 : 1
        while d < p {
            var next = ready
            for x in 0..<p {
                let y = x ^ d
                let got = chunkedSend(fold.activeRanks[x], fold.activeRanks[y], bytes: m, after: ready[x],
                                      phase: .reduce, step: step, reduce: true, cap: cap)
                next[y] = join(got + ready[y], phase: .reduce, step: step)
            }
            ready = next
            d *= 2
            step += 1
        }
        foldOut(fold, ready: ready, bytes: m, step: step, cap: cap)
    }

    /// Recursive-halving reduce-scatter (docs/cost-model.md §8): `bytes` is the input per rank. For power-of-two N rank
    /// x ends with the x-th halving block (≈ bytes/N); otherwise the MPICH fold, halving over p' ranks, then
    /// each active rank hands every rank its floor/ceil block `bytes/N` of what it holds.
    mutating func compileHalvingDoublingReduceScatter() {
        let n = ranks, m = request.bytes
        let fold = PowerOfTwoFold(ranks: n)
        let p = fold.size, lg = CostFormulas.floorLog2(p)
        let cap = Self.cap(transfersPerChunk: n * (lg + 2))
        var ready = foldIn(fold, bytes: m, phase: .reduceScatter, cap: cap).enumerated()
            .filter { fold.activeRanks.contains($0.offset) }.map(\.element)
        var lo = Array(repeating: Int64(0), count: p), hi = Array(repeating: m, count: p)
        var step = fold.folded.isEmpty ? 0 : 1
        recursiveHalving(fold, ready: &ready, lo: &lo, hi: &hi, step: &step, cap: cap)
        guard !fold.folded.isEmpty else { return }
        // Redistribute to the floor/ceil block layout over all N ranks.
        let blocks = Traffic.evenSplit(m, parts: n)
        var offsets: [Int64] = [0]
        for b in blocks { offsets.append((offsets.last ?? 0) + b) }
        for x in 0..<p {
            let owner = fold.activeRanks[x]
            for b in 0..<n where b != owner {
                let overlap = min(hi[x], offsets[b + 1]) - max(lo[x], offsets[b])
                if overlap > 0 {
                    _ = chunkedSend(owner, b, bytes: overlap, after: ready[x], phase: .scatter, step: step,
                                    reduce: false, cap: cap)
                }
            }
        }
    }
}

extension Emitter {
    /// Recursive halving over the folded power-of-two ranks (Rabenseifner's reduce-scatter, docs/cost-model.md §8):
    /// at distance d = p/2, p/4, …, 1 rank x sends the half of its range [lo, hi) that partner x^d keeps and
    /// reduces the half it keeps. Updates `ready`, the ranges and `step`; returns the ranges as they were
    /// before each step, for the all-gather that retraces them.
    @discardableResult
    mutating func recursiveHalving(_ fold: PowerOfTwoFold, ready: inout [[TaskID]], lo: inout [Int64],
                                   hi: inout [Int64], step: inout Int, cap: Int) -> [([Int64], [Int64])] {
        let p = fold.size
        var saved: [([Int64], [Int64])] = []
        var d = p / 2
        while d >= 1 {
            saved.append((lo, hi))
            var next = ready
            for x in 0..<p {
                let y = x ^ d
                let mid = lo[x] + (hi[x] - lo[x]) / 2
                let bytes = x & d == 0 ? hi[x] - mid : mid - lo[x]
                let got = chunkedSend(fold.activeRanks[x], fold.activeRanks[y], bytes: bytes, after: ready[x],
                                      phase: .reduceScatter, step: step, reduce: true, cap: cap)
                next[y] = join(got + ready[y], phase: .reduceScatter, step: step)
            }
            for x in 0..<p {
                let mid = lo[x] + (hi[x] - lo[x]) / 2
                if x & d == 0 { hi[x] = mid } else { lo[x] = mid }
            }
            ready = next
            d /= 2
            step += 1
        }
        return saved
    }
}
