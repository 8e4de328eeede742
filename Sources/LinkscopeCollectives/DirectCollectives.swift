import LinkscopeCostModel
import LinkscopeSchedule

/// Direct (flat, one-hop) algorithms: every message goes straight to its destination (ASTRA-sim `direct`,
/// docs/cost-model.md §7/§8). Messages are chunked; per-chunk dependencies only.
extension Emitter {
    /// Direct all-reduce: RS-direct (rank i sends segment j to rank j, which reduces) then AG-direct (rank j
    /// sends its reduced segment to everyone); chunk c of the all-gather waits for chunk c of the reduce-scatter.
    mutating func compileDirectAllReduce() {
        let n = ranks
        let segments = Traffic.evenSplit(request.bytes, parts: n)
        let c = chunkCount(segments.max() ?? 0, cap: Self.cap(transfersPerChunk: 2 * n * n))
        let pieces = segments.map { Traffic.evenSplit($0, parts: c) }
        for k in 0..<c {
            var reduced = Array(repeating: [TaskID](), count: n)
            for j in 0..<n {
                for i in 0..<n where i != j {
                    let got = send(i, j, bytes: pieces[j][k], after: start, phase: .reduceScatter, step: 0, chunk: k)
                    reduced[j] += reduce(at: j, bytes: pieces[j][k], after: got, phase: .reduceScatter, step: 0,
                                         chunk: k)
                }
            }
            for j in 0..<n {
                let deps = reduced[j].isEmpty ? start : Self.unique(reduced[j])
                for i in 0..<n where i != j {
                    _ = send(j, i, bytes: pieces[j][k], after: deps, phase: .allGather, step: 1, chunk: k)
                }
            }
        }
    }

    /// Direct all-gather: rank j sends its block (floor/ceil of bytes/N) to every other rank.
    mutating func compileDirectAllGather() {
        let n = ranks
        let blocks = Traffic.evenSplit(request.bytes, parts: n)
        let cap = Self.cap(transfersPerChunk: n * n)
        for j in 0..<n {
            for i in 0..<n where i != j {
                _ = chunkedSend(j, i, bytes: blocks[j], after: start, phase: .allGather, step: 0, reduce: false,
                                cap: cap)
            }
        }
    }

    /// Direct reduce-scatter: rank i sends block j of its input to rank j, which reduces it.
    mutating func compileDirectReduceScatter() {
        let n = ranks
        let blocks = Traffic.evenSplit(request.bytes, parts: n)
        let cap = Self.cap(transfersPerChunk: n * n)
        for j in 0..<n {
            for i in 0..<n where i != j {
                _ = chunkedSend(i, j, bytes: blocks[j], after: start, phase: .reduceScatter, step: 0, reduce: true,
                                cap: cap)
            }
        }
    }

    /// Direct all-to-all: `bytes` is the total per rank (its own block included); rank i sends block j (floor/ceil
    /// of bytes/N) to rank j.
    mutating func compileDirectAllToAll() {
        let n = ranks
        let blocks = Traffic.evenSplit(request.bytes, parts: n)
        let cap = Self.cap(transfersPerChunk: n * n)
        for i in 0..<n {
            for s in 1..<n {
                let j = (i + s) % n  // pairwise order: shift s at step s
                _ = chunkedSend(i, j, bytes: blocks[j], after: start, phase: .allToAll, step: s, reduce: false,
                                cap: cap)
            }
        }
    }

    /// Send/recv in the nccl-tests pattern: every rank sends the whole buffer to its successor `(r + 1) mod N`
    /// (for N = 2, an exchange).
    mutating func compileSendRecv() {
        let n = ranks
        let cap = Self.cap(transfersPerChunk: n)
        for i in 0..<n {
            _ = chunkedSend(i, (i + 1) % n, bytes: request.bytes, after: start, phase: .sendRecv, step: 0,
                            reduce: false, cap: cap)
        }
    }

    /// Flat broadcast: the root sends the buffer to every other rank.
    mutating func compileDirectBroadcast() {
        let cap = Self.cap(transfersPerChunk: ranks)
        for i in 0..<ranks where i != request.root {
            _ = chunkedSend(request.root, i, bytes: request.bytes, after: start, phase: .broadcast, step: 0,
                            reduce: false, cap: cap)
        }
    }

    /// Flat reduce: every rank sends its buffer to the root, which reduces each arrival.
    mutating func compileDirectReduce() {
        let cap = Self.cap(transfersPerChunk: ranks)
        for i in 0..<ranks where i != request.root {
            _ = chunkedSend(i, request.root, bytes: request.bytes, after: start, phase: .reduce, step: 0,
                            reduce: true, cap: cap)
        }
    }

    /// Flat gather (`bytes` = total gathered): rank i sends its block to the root.
    mutating func compileDirectGather() {
        let blocks = Traffic.evenSplit(request.bytes, parts: ranks)
        let cap = Self.cap(transfersPerChunk: ranks)
        for i in 0..<ranks where i != request.root {
            _ = chunkedSend(i, request.root, bytes: blocks[i], after: start, phase: .gather, step: 0, reduce: false,
                            cap: cap)
        }
    }

    /// Flat scatter (`bytes` = the root's total): the root sends block i to rank i.
    mutating func compileDirectScatter() {
        let blocks = Traffic.evenSplit(request.bytes, parts: ranks)
        let cap = Self.cap(transfersPerChunk: ranks)
        for i in 0..<ranks where i != request.root {
            _ = chunkedSend(request.root, i, bytes: blocks[i], after: start, phase: .scatter, step: 0, reduce: false,
                            cap: cap)
        }
    }
}
