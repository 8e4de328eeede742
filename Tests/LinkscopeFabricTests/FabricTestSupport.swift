import Testing
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits
@testable import LinkscopeFabric

/// SplitMix64: a tiny seeded generator so that sweeps are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `a ≈ b` within 1e-9 relative (absolute near zero).
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    if a == b { return true }
    return abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

func expectClose(_ a: Double, _ b: Double, _ what: @autoclosure () -> String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(close(a, b), "\(what()): \(a) vs \(b)", sourceLocation: sourceLocation)
}

/// A link given as (from, to, bytes/s, latency s); full duplex, so spec `i` is links `2i` and `2i+1`.
typealias L = (String, String, Double, Double)

func topology(gpus: [String], switches: [String] = [], links: [L]) throws -> Topology {
    let devices = gpus.map { DeviceSpec(id: $0, kind: .gpu) } + switches.map { DeviceSpec(id: $0, kind: .networkSwitch) }
    let specs = links.map {
        LinkSpec(from: $0.0, to: $0.1, bandwidth: Bandwidth(bytesPerSecond: $0.2), latency: Seconds($0.3),
                 kind: .network)
    }
    return try Topology.custom(name: "test", devices: devices, links: specs)
}

func transfer(_ from: Int, _ to: Int, _ bytes: Int64, _ path: TransferPath = .automatic) -> TaskKind {
    .transfer(from: Int32(from), to: Int32(to), bytes: bytes, path: path)
}
