import LinkscopeCostModel

/// Which algorithm names a scenario may pair with which operation. The loader rejects other pairs at
/// the `algorithm` value. Deliberately a little permissive: what the collectives library does not
/// implement for a pair it reports itself at simulation time.
public enum AlgorithmSupport {
    /// The operations `algorithm` is accepted for.
    public static func operations(for algorithm: Algorithm) -> [CollectiveOp] {
        switch algorithm {
        case .ring: return [.allreduce, .reduce, .broadcast, .allgather, .reducescatter]
        case .tree, .doubleBinaryTree: return [.allreduce, .reduce, .broadcast]
        case .halvingDoubling: return [.allreduce, .reducescatter]
        case .recursiveDoubling: return [.allreduce, .allgather]
        case .direct, .naive: return CollectiveOp.allCases
        case .reduceBroadcast: return [.allreduce]
        case .hierarchical: return [.allreduce, .reduce, .broadcast, .allgather, .reducescatter]
        case .spanningTrees: return [.allreduce, .reduce, .broadcast]
        case .hybridPCIe: return [.allreduce, .broadcast]
        case .ps: return [.allreduce]
        case .nvls: return [.allreduce, .allgather, .reducescatter]
        case .auto: return [.allreduce, .reduce, .broadcast, .allgather, .reducescatter, .alltoall, .sendrecv]
        }
    }

    /// Whether `algorithm` implements `op`.
    public static func supports(_ op: CollectiveOp, _ algorithm: Algorithm) -> Bool {
        operations(for: algorithm).contains(op)
    }

    /// The algorithms accepted for `op`, in declaration order.
    public static func algorithms(for op: CollectiveOp) -> [Algorithm] {
        Algorithm.allCases.filter { supports(op, $0) }
    }

    /// The default algorithm of an operation: `ring` where it applies, else `direct`.
    public static func defaultAlgorithm(for op: CollectiveOp) -> Algorithm {
        supports(op, .ring) ? .ring : .direct
    }
}
