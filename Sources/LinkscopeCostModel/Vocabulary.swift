/// Collective operations (docs/output-formats.md "Operations").
public enum CollectiveOp: String, CaseIterable, Sendable, Codable {
    case allreduce, reduce, broadcast, gather, scatter, allgather, reducescatter, alltoall, sendrecv

    /// nccl-tests busbw factor (docs/cost-model.md §9) for `n` ranks.
    public func busBandwidthFactor(ranks n: Int) -> Double {
        let n = Double(n)
        switch self {
        case .allreduce: return n > 1 ? 2 * (n - 1) / n : 1
        case .reducescatter, .allgather, .alltoall: return n > 1 ? (n - 1) / n : 1
        case .broadcast, .reduce, .sendrecv: return 1
        case .gather, .scatter: return n > 1 ? (n - 1) / n : 1
        }
    }
}

/// Algorithm names (docs/output-formats.md); `ps` only for data-parallel sync / all-reduce.
public enum Algorithm: String, CaseIterable, Sendable, Codable {
    case ring, tree
    case doubleBinaryTree = "double-binary-tree"
    case halvingDoubling = "halving-doubling"
    case recursiveDoubling = "recursive-doubling"
    case direct, naive
    case reduceBroadcast = "reduce-broadcast"
    case hierarchical
    case spanningTrees = "spanning-trees"
    case hybridPCIe = "hybrid-pcie"
    case ps
    /// NVLink SHARP (NCCL's NVLS; NVSwitch nodes from Hopper on), NCCL-like model only.
    case nvls
    /// What NCCL's tuner would pick (algorithm and protocol), NCCL-like model.
    case auto

    /// The NCCL algorithm this name runs as under the NCCL-like model; nil = not an NCCL algorithm
    /// (`auto` → nil too: the tuner picks).
    public var ncclAlgorithm: NCCLAlgorithm? {
        switch self {
        case .ring: return .ring
        case .tree, .doubleBinaryTree: return .tree
        case .nvls: return .nvls
        default: return nil
        }
    }
}

/// How a sharded parameter server splits the model (docs/cost-model.md §4).
public enum ShardingPolicy: String, CaseIterable, Sendable, Codable {
    /// Equal shards of M/k bytes.
    case balanced
    /// Whole layers per shard, assigned greedily; the largest shard decides the time.
    case layerWise = "layer-wise"
}

/// Where parameter servers live.
public enum ServerPlacement: String, CaseIterable, Sendable, Codable {
    /// On the first k of the job's GPUs (co-located with workers).
    case gpus
    /// On the host CPUs of the nodes, reached over PCIe.
    case hosts
}

/// Element type of gradients and activations.
public enum DType: String, CaseIterable, Sendable, Codable {
    case fp32, fp16, bf16, int8
    /// Bytes per element.
    public var bytes: Int {
        switch self {
        case .fp32: return 4
        case .fp16, .bf16: return 2
        case .int8: return 1
        }
    }
}
