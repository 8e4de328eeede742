import LinkscopeCostModel
import LinkscopeUnits

/// How much work one collective may add before compiling it is refused with an error.
///
/// Chunk counts are capped (`transferBudget`), but an algorithm still needs a minimum number of transfers with
/// a single chunk: a ring all-reduce over n ranks moves 2·n·(n−1) messages. On 65,536 GPUs that is 8.6 billion
/// transfers, hours of compiling; the request is refused up front with a message instead.
extension CollectiveCompiler {
    /// Most transfers one collective may need with one chunk per message (about 10 s of simulation in a release
    /// build on a laptop core).
    public static let maximumTransfers = 24_000_000

    /// Transfers the algorithm needs with one chunk per message: an estimate within a small factor, never an
    /// overestimate by more than the ring and tree counts it multiplies by.
    public static func minimumTransfers(_ r: CollectiveRequest) -> Double {
        let n = Double(r.participants.count)
        guard n > 1 else { return 0 }
        let rings = Double(max(1, r.rings.count))
        let log2n = Double(Int.bitWidth - (r.participants.count - 1).leadingZeroBitCount)  // ⌈log2 n⌉
        switch (r.op, r.algorithm) {
        case (.sendrecv, _): return 1
        case (.allreduce, .ring), (.allreduce, .hybridPCIe): return rings * 2 * n * (n - 1)
        case (.allgather, .ring), (.reducescatter, .ring): return rings * n * (n - 1)
        case (.broadcast, .ring), (.reduce, .ring): return n - 1
        case (_, .direct), (_, .naive):
            return [.broadcast, .reduce, .gather, .scatter].contains(r.op) ? n - 1 : n * (n - 1)
        case (_, .halvingDoubling), (_, .recursiveDoubling): return 2 * n * max(1, log2n)
        case (_, .ps): return 2 * n * Double(max(1, r.servers.count))
        case (_, .spanningTrees): return 2 * n * Double(max(1, r.trees.count))
        case (_, .hierarchical):
            let largest = Double(r.groups.map(\.count).max() ?? 1)
            return 2 * n * max(1, largest)
        default: return 2 * n
        }
    }

    /// Most transfers a ring all-reduce compiled lazily (`CollectiveRequest.lazyRings`) may make: memory no longer
    /// grows with them, only time (16,384 GPUs: 537 M transfers, minutes).
    public static let maximumLazyTransfers = 1_100_000_000

    /// The transfer limit that applies to `r`: higher for a ring all-reduce that compiles to ring programs.
    public static func transferLimit(_ r: CollectiveRequest) -> Int {
        let lazy = r.lazyRings && r.nccl == nil && r.reductionSecondsPerByte <= 0 && r.op == .allreduce
            && r.algorithm == .ring
        return lazy ? maximumLazyTransfers : maximumTransfers
    }

    /// Throws when the collective would need more transfers than its limit (`transferLimit`).
    static func checkSize(_ r: CollectiveRequest) throws(CollectiveError) {
        let need = minimumTransfers(r)
        let limit = transferLimit(r)
        guard need <= Double(limit) else {
            throw .invalidRequest("\(r.algorithm.rawValue) \(r.op.rawValue) over \(r.participants.count) ranks needs at "
                + "least \(Self.count(need)) transfers, more than the simulator's limit of "
                + "\(Self.count(Double(limit))) per collective (use fewer GPUs or a hierarchical algorithm)")
        }
    }

    /// The request with a coarser `chunkBytes` when its chunks would multiply into more than 1/64 of the
    /// transfer budget (terabyte messages in 4 MiB pieces: minutes of simulation for no insight). Pieces then grow
    /// so the collective stays near that size; ordinary sizes keep their chunking.
    static func coarsened(_ r: CollectiveRequest) -> CollectiveRequest {
        let perChunk = max(1, minimumTransfers(r))
        let n = Int64(max(1, r.participants.count))
        // Segment-based algorithms cut the message into n segments before chunking them.
        let segmented: Set<Algorithm> = [.ring, .halvingDoubling, .direct, .naive, .hierarchical, .hybridPCIe]
        let message = segmented.contains(r.algorithm) && [.allreduce, .allgather, .reducescatter, .alltoall].contains(r.op)
            ? r.bytes / n : r.bytes
        let target = Double(transferBudget) / 64
        let pieces = Double(message) / Double(max(1, r.chunkBytes))
        guard pieces * perChunk > target else { return r }
        let allowed = max(1, (target / perChunk).rounded(.down))
        var out = r
        out.chunkBytes = max(r.chunkBytes, Int64(min(Double(Int64.max / 2), (Double(message) / allowed).rounded(.up))))
        return out
    }

    static func count(_ v: Double) -> String {
        if v >= 1e9 { return Format.fixed(v / 1e9, decimals: 1) + " G" }
        if v >= 1e6 { return Format.fixed(v / 1e6, decimals: 1) + " M" }
        return String(Int(v))
    }
}
