import LinkscopeScenario

/// One compute step of a pipeline stage: forward or backward of model chunk `chunk` for micro-batch
/// `micro`.
struct PipelineOp: Hashable {
    enum Direction: Hashable { case forward, backward }
    var direction: Direction
    var chunk: Int
    var micro: Int
}

/// The order in which each pipeline stage runs its forward and backward steps (Huang et al. 2019;
/// Narayanan et al. 2021). The simulator adds the data dependencies between stages; this only fixes
/// each GPU's order, which is what distinguishes the schedules.
enum PipelineOrder {
    /// Ops of stage `k` of `stages`, with `micro` micro-batches and `v` model chunks per stage
    /// (chunk `j·stages + k` lives on stage k).
    static func ops(schedule: Parallelism.PipelineSchedule, stage k: Int, stages p: Int, micro m: Int,
                    virtual v: Int) -> [PipelineOp] {
        switch schedule {
        case .vanilla, .gpipe:
            // All forwards, then all backwards (vanilla is GPipe with one micro-batch: the whole batch).
            return (0..<m).map { PipelineOp(direction: .forward, chunk: k, micro: $0) }
                + (0..<m).map { PipelineOp(direction: .backward, chunk: k, micro: $0) }
        case .oneFOneB:
            let warmup = min(p - k - 1, m)
            var out = (0..<warmup).map { PipelineOp(direction: .forward, chunk: k, micro: $0) }
            for i in 0..<(m - warmup) {
                out.append(PipelineOp(direction: .forward, chunk: k, micro: warmup + i))
                out.append(PipelineOp(direction: .backward, chunk: k, micro: i))
            }
            for i in (m - warmup)..<m { out.append(PipelineOp(direction: .backward, chunk: k, micro: i)) }
            return out
        case .interleaved:
            return interleaved(stage: k, stages: p, micro: m, virtual: v)
        }
    }

    /// Megatron-LM's interleaved 1F1B (`forward_backward_pipelining_with_interleaving`): micro-batches
    /// advance in groups of `p` through the v chunks; warm-up `(p − k − 1)·2 + (v − 1)·p` forwards.
    static func interleaved(stage k: Int, stages p: Int, micro m: Int, virtual v: Int) -> [PipelineOp] {
        let total = m * v
        func op(_ i: Int, _ direction: PipelineOp.Direction) -> PipelineOp {
            let group = i / (p * v)
            let model = (i / p) % v
            let micro = group * p + i % p
            let chunkIndex = direction == .forward ? model : v - 1 - model
            return PipelineOp(direction: direction, chunk: chunkIndex * p + k, micro: micro)
        }
        let warmup = m == p ? total : min((p - k - 1) * 2 + (v - 1) * p, total)
        var out = (0..<warmup).map { op($0, .forward) }
        for i in 0..<(total - warmup) {
            out.append(op(warmup + i, .forward))
            out.append(op(i, .backward))
        }
        for i in (total - warmup)..<total { out.append(op(i, .backward)) }
        return out
    }

    /// Contiguous split of `weights` into `parts` non-empty groups minimising the heaviest group
    /// (docs/cost-model.md §13 stage balancing); ties go to the split that fills earlier groups first.
    /// Returns group sizes.
    static func balance(_ weights: [Double], parts: Int) -> [Int] {
        let n = weights.count
        guard parts > 1 else { return [n] }
        guard n * n * parts <= 50_000_000 else {
            return (0..<parts).map { n / parts + ($0 < n % parts ? 1 : 0) }
        }
        var prefix = [0.0]
        for w in weights { prefix.append(prefix.last! + w) }
        // best[j][i]: minimal heaviest group splitting the first i layers into j groups.
        var best = Array(repeating: Array(repeating: Double.infinity, count: n + 1), count: parts + 1)
        var cut = Array(repeating: Array(repeating: 0, count: n + 1), count: parts + 1)
        best[0][0] = 0
        for j in 1...parts {
            for i in j...(n - (parts - j)) {
                for c in (j - 1)..<i {
                    let cost = max(best[j - 1][c], prefix[i] - prefix[c])
                    // Strictly better by a relative margin, so float noise never picks a different split.
                    if cost < best[j][i] * (1 - 1e-12) {
                        best[j][i] = cost
                        cut[j][i] = c
                    }
                }
            }
        }
        var sizes: [Int] = []
        var i = n
        for j in stride(from: parts, through: 1, by: -1) {
            let c = cut[j][i]
            sizes.append(i - c)
            i = c
        }
        return sizes.reversed()
    }
}
