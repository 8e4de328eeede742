import Testing
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits
@testable import LinkscopeFabric

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
