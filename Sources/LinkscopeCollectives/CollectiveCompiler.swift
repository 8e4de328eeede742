import LinkscopeCostModel
import LinkscopeSchedule

/// Compiles collective requests into schedules of chunked, pipelined point-to-point transfers.
///
/// Chunking policy: a message (ring segment, tree payload, direct block) larger than `chunkBytes` is cut into
/// `⌈bytes/chunkBytes⌉` floor/ceil pieces that pipeline; the count is capped so one collective adds at most about
/// four million transfers (a 1 GiB ring all-reduce over 1024 GPUs, 1 MiB segments, stays unchunked: ~2.1 M).
/// Sizes not divisible by N are split floor/ceil, totals exact. Transfers between ranks on the same device and
/// empty pieces are omitted (they cost nothing and move no network bytes).
public enum CollectiveCompiler {
    /// The algorithms `compile` accepts for `op`, in the order a menu would list them.
    public static func supportedAlgorithms(for op: CollectiveOp) -> [Algorithm] {
        switch op {
        case .allreduce:
            return [.ring, .tree, .doubleBinaryTree, .halvingDoubling, .recursiveDoubling, .direct, .naive,
                    .reduceBroadcast, .hierarchical, .spanningTrees, .hybridPCIe, .ps]
        case .broadcast: return [.ring, .tree, .spanningTrees, .direct]
        case .reduce: return [.ring, .tree, .direct]
        case .gather, .scatter: return [.direct, .tree]
        case .allgather: return [.ring, .recursiveDoubling, .direct]
        case .reducescatter: return [.ring, .halvingDoubling, .direct]
        case .alltoall: return [.direct]
        case .sendrecv: return [.direct, .ring]
        }
    }

    /// Appends the collective's tasks to `schedule`, starting after `after`; returns the tasks whose
    /// completion means the collective is done (sorted; one zero-length join task when there would be more
    /// than 64). A collective that moves nothing (one rank, zero bytes) adds no task and returns `after`.
    ///
    /// Every task is tagged with the request's `collectiveID`, its phase, step, chunk and channel (ring/tree).
    /// - Throws: `CollectiveError.unsupported` for a combination not in `supportedAlgorithms(for:)`,
    ///   `.invalidRequest` for inconsistent fields (bad ring permutation, tree, groups, shares, root).
    /// - Complexity: O(tasks added + dependencies).
    public static func compile(_ request: CollectiveRequest, into schedule: inout Schedule,
                               after: [TaskID] = []) throws(CollectiveError) -> [TaskID] {
        if let nccl = request.nccl { return try compileNCCL(request, nccl, into: &schedule, after: after) }
        guard supportedAlgorithms(for: request.op).contains(request.algorithm) else {
            throw .unsupported(op: request.op, algorithm: request.algorithm)
        }
        try validate(request)
        if request.participants.count < 2 || request.bytes == 0 { return after }
        try checkSize(request)

        let first = schedule.count
        var emitter = Emitter(schedule: Schedule(), request: coarsened(request), start: Emitter.unique(after))
        swap(&emitter.schedule, &schedule)
        defer { swap(&emitter.schedule, &schedule) }
        try emitter.emit()  // every algorithm validates before adding its first task
        return emitter.finish(from: first)
    }

    /// The NCCL lowering: the model's latency as one delay, then the channels' transfers (see `NCCLLowering`).
    static func compileNCCL(_ request: CollectiveRequest, _ nccl: NCCLLowering, into schedule: inout Schedule,
                            after: [TaskID]) throws(CollectiveError) -> [TaskID] {
        try validate(request)
        if request.participants.count < 2 || request.bytes == 0 { return after }
        let first = schedule.count
        var start = Emitter.unique(after)
        if nccl.startDelay > 0 {
            let tag = TaskTag(collective: request.collectiveID)
            start = [schedule.add(.delay(seconds: nccl.startDelay), tag: tag, after: start)]
        }
        var emitter = Emitter(schedule: Schedule(), request: request, start: start)
        swap(&emitter.schedule, &schedule)
        defer { swap(&emitter.schedule, &schedule) }
        try emitter.emitNCCL(nccl)
        return emitter.finish(from: first)
    }

    static func validate(_ r: CollectiveRequest) throws(CollectiveError) {
        guard !r.participants.isEmpty else { throw .invalidRequest("no participants") }
        guard r.participants.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) }) else {
            throw .invalidRequest("participant device out of range")
        }
        guard r.bytes >= 0 else { throw .invalidRequest("bytes must be ≥ 0") }
        guard r.chunkBytes > 0 else { throw .invalidRequest("chunkBytes must be > 0") }
        guard r.root >= 0, r.root < r.participants.count else {
            throw .invalidRequest("root \(r.root) is not a rank of \(r.participants.count)")
        }
        guard r.reductionSecondsPerByte.isFinite else { throw .invalidRequest("reductionSecondsPerByte not finite") }
    }
}

extension Emitter {
    mutating func emit() throws(CollectiveError) {
        switch (request.op, request.algorithm) {
        case (.allreduce, .ring): try compileRingAllReduce()
        case (.allreduce, .tree): try compileTreeAllReduce()
        case (.allreduce, .doubleBinaryTree): try compileDoubleBinaryTreeAllReduce()
        case (.allreduce, .halvingDoubling): compileHalvingDoublingAllReduce()
        case (.allreduce, .recursiveDoubling): compileRecursiveDoublingAllReduce()
        case (.allreduce, .direct): compileDirectAllReduce()
        case (.allreduce, .naive): compileNaiveAllReduce()
        case (.allreduce, .reduceBroadcast): compileReduceBroadcastAllReduce()
        case (.allreduce, .hierarchical): try compileHierarchicalAllReduce()
        case (.allreduce, .spanningTrees): try compileSpanningTreesAllReduce()
        case (.allreduce, .hybridPCIe): try compileHybridPCIeAllReduce()
        case (.allreduce, .ps): try compileParameterServer()
        case (.broadcast, .ring): try compileChainBroadcast()
        case (.broadcast, .tree): try compileTreeBroadcast()
        case (.broadcast, .spanningTrees): try compileSpanningTreesBroadcast()
        case (.broadcast, .direct): compileDirectBroadcast()
        case (.reduce, .ring): try compileChainReduce()
        case (.reduce, .tree): try compileTreeReduce()
        case (.reduce, .direct): compileDirectReduce()
        case (.gather, .direct): compileDirectGather()
        case (.gather, .tree): try compileTreeGather()
        case (.scatter, .direct): compileDirectScatter()
        case (.scatter, .tree): try compileTreeScatter()
        case (.allgather, .ring): try compileRingAllGather()
        case (.allgather, .recursiveDoubling): compileBruckAllGather()
        case (.allgather, .direct): compileDirectAllGather()
        case (.reducescatter, .ring): try compileRingReduceScatter()
        case (.reducescatter, .halvingDoubling): compileHalvingDoublingReduceScatter()
        case (.reducescatter, .direct): compileDirectReduceScatter()
        case (.alltoall, .direct): compileDirectAllToAll()
        case (.sendrecv, .direct), (.sendrecv, .ring): compileSendRecv()
        default: throw .unsupported(op: request.op, algorithm: request.algorithm)
        }
    }

    /// The tasks added since `first` that no later task of this collective depends on (sorted), or one join
    /// task over them when there are more than 64; `start` when nothing was added.
    mutating func finish(from first: Int) -> [TaskID] {
        let end = schedule.count
        guard end > first else { return start }
        var used = Array(repeating: false, count: end - first)
        for i in first..<end {
            for d in schedule.dependencies(of: TaskID(i)) where d.index >= first { used[d.index - first] = true }
        }
        // NCCL pacing gates carry no collective tag and end nothing (see `Emitter.transfer`).
        let sinks = used.indices.filter { !used[$0] && schedule.tasks[first + $0].tag.collective >= 0 }
            .map { TaskID(first + $0) }.filter { !notSinks.contains($0) }
        guard sinks.count + programSinks > 64 else { return sinks }
        let id = schedule.add(.delay(seconds: 0), tag: tag(.none, step: 0, chunk: 0, channel: 0), after: sinks)
        return [id]
    }
}
