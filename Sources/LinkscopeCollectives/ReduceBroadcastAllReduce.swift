import LinkscopeSchedule

extension Emitter {
    /// Reduce to the root then broadcast from it (docs/cost-model.md §5): the root receives and sends `(N−1)M`.
    /// Pipelined by chunk: the root broadcasts chunk c once it has reduced chunk c from every rank.
    mutating func compileReduceBroadcastAllReduce() {
        let n = ranks, root = request.root
        let sizes = chunks(request.bytes, cap: Self.cap(transfersPerChunk: 2 * n))
        for (c, b) in sizes.enumerated() {
            var reduced: [TaskID] = []
            for i in 0..<n where i != root {
                let got = send(i, root, bytes: b, after: start, phase: .reduce, step: 0, chunk: c)
                reduced += reduce(at: root, bytes: b, after: got, phase: .reduce, step: 0, chunk: c)
            }
            let deps = join(reduced.isEmpty ? start : reduced, phase: .reduce)
            for i in 0..<n where i != root {
                _ = send(root, i, bytes: b, after: deps, phase: .broadcast, step: 1, chunk: c)
            }
        }
    }
}
