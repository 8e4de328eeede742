import LinkscopeCostModel
import LinkscopeUnits

/// Sizes the simulator can account for exactly: byte counters are Int64, so the traffic a run moves (summed
/// over links, hops, collectives and iterations) must stay well below 2^63 B (9.2 EB). Scenarios beyond that
/// get a clear error before anything is compiled, instead of an arithmetic trap.
enum SimulationLimits {
    /// Most bytes a run may move in total, counted with a margin for hop counts (2^62 B ≈ 4.6 EB).
    static let maximumTrafficBytes = Double(Int64(1) << 62)
    /// Longest route, in hops, the estimate assumes (GPU → switch → NIC → leaf → spine → leaf → NIC → switch → GPU).
    static let hopBound = 8.0

    /// Upper bound of the link bytes one collective moves: every rank sends the message to everyone for the
    /// naive and direct algorithms, about twice the message otherwise, each byte over at most `hopBound` links.
    static func trafficBound(bytes: Int64, ranks: Int, algorithm: Algorithm) -> Double {
        let n = Double(max(1, ranks))
        let perRank = (algorithm == .naive || algorithm == .direct) ? n : 2
        return Double(bytes) * n * perRank * hopBound
    }

    /// Throws when `total` (bytes, a sum of `trafficBound`s) is beyond what the counters hold.
    static func check(total: Double, what: String) throws(SimulationError) {
        guard total <= maximumTrafficBytes else {
            throw .invalid("\(what) would move about \(Self.exa(total)) EB over the links, more than linkscope "
                + "counts exactly (4.6 EB); use smaller sizes, fewer GPUs or fewer iterations")
        }
    }

    static func exa(_ bytes: Double) -> String { Format.number(bytes / 1e18, significant: 3) }
}
