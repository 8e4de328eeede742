import Foundation
import LinkscopeScenario
import LinkscopeSim

/// Package root, found from this file's location (Tests/LinkscopeSimTests/…).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func load(_ yaml: String, file: String = "test.yaml") throws -> Scenario {
    try ScenarioLoader.load(yaml: yaml, file: file)
}

func simulate(_ yaml: String, timeline: Bool = false) throws -> SimulationRun {
    try Simulator.run(load(yaml), options: RunOptions(recordTimeline: timeline, recordLinkHistory: timeline))
}

/// Relative difference |a − b| / |b|.
func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / abs(b) }

/// A custom graph of `n` GPUs in a ring, each hop `gbps` GB/s per direction; `duplex: half` makes it
/// one-way (one directed ring), full duplex gives two directed rings (both directions).
func ringGraph(_ n: Int, gbps: Double, latency: String = "0 us", duplex: String = "half") -> String {
    var s = "cluster:\n  devices:\n"
    for i in 0..<n { s += "    - {id: gpu\(i), kind: gpu}\n" }
    s += "  links:\n"
    for i in 0..<n {
        s += "    - {from: gpu\(i), to: gpu\((i + 1) % n), bandwidth: \(gbps) GB/s, latency: \(latency), kind: nvlink, duplex: \(duplex)}\n"
    }
    return s
}

/// `n` GPUs, each with its own link to a switch, and a host CPU behind one link: a PS's NIC.
func starGraph(_ n: Int, gbps: Double, hostGbps: Double) -> String {
    var s = "cluster:\n  devices:\n"
    for i in 0..<n { s += "    - {id: gpu\(i), kind: gpu}\n" }
    s += "    - {id: sw, kind: switch}\n    - {id: host, kind: cpu}\n  links:\n"
    for i in 0..<n { s += "    - {from: gpu\(i), to: sw, bandwidth: \(gbps) GB/s, latency: 0 us, kind: network}\n" }
    s += "    - {from: host, to: sw, bandwidth: \(hostGbps) GB/s, latency: 0 us, kind: network}\n"
    return s
}
