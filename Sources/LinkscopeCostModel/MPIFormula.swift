import Foundation

/// The MPI algorithm table of Thakur, Rabenseifner & Gropp (IJHPCA 2005), docs/cost-model.md §8 `[Ext-R]`.
/// `lg` is the real log2 where the paper writes `lg p`, `⌈lg p⌉` where it rounds.
public enum MPIFormula: String, CaseIterable, Sendable {
    case allGatherRing = "all-gather ring"
    case allGatherRecursiveDoubling = "all-gather recursive doubling"
    case allGatherBruck = "all-gather Bruck"
    case broadcastBinomial = "broadcast binomial tree"
    case broadcastScatterAllGather = "broadcast scatter + all-gather"
    case reduceScatterRecursiveHalving = "reduce-scatter recursive halving"
    case reduceScatterPairwise = "reduce-scatter pairwise exchange"
    case reduceScatterRecursiveDoubling = "reduce-scatter recursive doubling"
    case allReduceRecursiveDoubling = "all-reduce recursive doubling"
    case allReduceRabenseifner = "all-reduce Rabenseifner"
    case allReduceRing = "all-reduce ring"
    case reduceBinomial = "reduce binomial"
    case reduceRabenseifner = "reduce Rabenseifner"
    case allToAllBruck = "all-to-all Bruck"
    case allToAllPairwise = "all-to-all pairwise exchange"

    /// Time in seconds for `p` ranks and `n` bytes (β = 1/bandwidth, γ per byte).
    public func time(ranks p: Int, bytes n: Double, bandwidth: Double, latency a: Double, gamma g: Double = 0) -> Double {
        guard p > 1 else { return 0 }
        let P = Double(p), lg = log2(P), clg = Double(CostFormulas.ceilLog2(p))
        let beta = 1 / bandwidth, f = (P - 1) / P
        switch self {
        case .allGatherRing: return (P - 1) * a + f * n * beta
        case .allGatherRecursiveDoubling: return lg * a + f * n * beta
        case .allGatherBruck: return clg * a + f * n * beta
        case .broadcastBinomial: return clg * (a + n * beta)
        case .broadcastScatterAllGather: return (lg + P - 1) * a + 2 * f * n * beta
        case .reduceScatterRecursiveHalving: return lg * a + f * n * (beta + g)
        case .reduceScatterPairwise: return (P - 1) * a + f * n * (beta + g)
        case .reduceScatterRecursiveDoubling: return lg * a + n * (lg - f) * (beta + g)
        case .allReduceRecursiveDoubling: return lg * (a + n * beta + n * g)
        case .allReduceRabenseifner, .reduceRabenseifner: return 2 * lg * a + 2 * f * n * beta + f * n * g
        case .allReduceRing: return 2 * (P - 1) * a + 2 * f * n * beta + f * n * g
        case .reduceBinomial: return clg * (a + n * beta + n * g)
        case .allToAllBruck: return lg * a + n / 2 * lg * beta
        case .allToAllPairwise: return (P - 1) * a + n * beta
        }
    }
}
