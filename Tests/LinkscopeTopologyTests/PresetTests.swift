import LinkscopeUnits
import Testing
@testable import LinkscopeTopology

/// Sum of outgoing NVLink bandwidth of a GPU, GB/s per direction.
func nvlinkOut(_ t: Topology, gpu: Int) -> Double {
    guard let d = t.device(ofGPU: gpu) else { return -1 }
    return t.outgoing[d].filter { t.links[$0].kind == .nvlink }
        .reduce(0) { $0 + t.links[$1].bandwidth.gigabytesPerSecond }
}

func count(_ t: Topology, _ kind: DeviceKind) -> Int { t.devices.filter { $0.kind == kind }.count }

@Test func dgx1V100MatchesLinkMatrix() throws {
    let t = try Topology.preset("dgx1-v100")
    #expect(t.gpuCount == 8)
    #expect(count(t, .cpu) == 2 && count(t, .pcieSwitch) == 4 && count(t, .nic) == 4)
    // 16 NVLink pairs, 8 GPU-switch, 4 switch-CPU, 4 NIC-switch, 1 QPI; each duplex.
    #expect(t.links.count == 2 * (16 + 8 + 4 + 4 + 1))
    for g in 0..<8 { #expect(nvlinkOut(t, gpu: g) == 150) }
    for a in 0..<8 {
        for b in 0..<8 where a != b {
            let ls = t.links(from: t.gpus[a], to: t.gpus[b])
            let lanes = ls.reduce(0) { $0 + t.links[$1].lanes }
            #expect(lanes == NodeTemplate.dgx1V100Links[a][b], "pair \(a)-\(b)")
        }
    }
    let qpi = t.links.filter { $0.kind == .qpi }
    #expect(qpi.count == 2 && qpi[0].bandwidth.gigabytesPerSecond == 19.2)
    #expect(t.deviceIndex(named: "nic3") != nil && t.gpuSpec == .v100)
}

@Test func dgx1P100EverySingleLink() throws {
    let t = try Topology.preset("dgx1-p100")
    for g in 0..<8 { #expect(nvlinkOut(t, gpu: g) == 80) }
    #expect(t.links.filter { $0.kind == .nvlink }.count == 32)
    #expect(t.gpuSpec == .p100)
}

@Test func nvswitchPresets() throws {
    let dgx2 = try Topology.preset("dgx2")
    #expect(dgx2.gpuCount == 16 && count(dgx2, .nvswitch) == 12 && count(dgx2, .nic) == 8)
    for g in 0..<16 { #expect(nvlinkOut(dgx2, gpu: g) == 150) }
    // 16 × 6 GPU-switch links plus 6 × 8 inter-board lanes = 48 lanes, 1.2 TB/s per direction.
    let boardLanes = dgx2.links.filter {
        dgx2.devices[$0.from].kind == .nvswitch && dgx2.devices[$0.to].kind == .nvswitch
    }
    #expect(boardLanes.count == 12 && boardLanes.reduce(0) { $0 + $1.lanes } == 96)
    let a100 = try Topology.preset("dgx-a100")
    #expect(count(a100, .nvswitch) == 6 && count(a100, .nic) == 8 && count(a100, .cpu) == 2)
    for g in 0..<8 { #expect(nvlinkOut(a100, gpu: g) == 300) }
    #expect(a100.links.first { $0.kind == .pcie }?.bandwidth.gigabytesPerSecond == 31.5)
    let h100 = try Topology.preset("dgx-h100")
    #expect(count(h100, .nvswitch) == 4)
    for g in 0..<8 { #expect(nvlinkOut(h100, gpu: g) == 450) }
    let g0 = h100.outgoing[h100.gpus[0]].filter { h100.links[$0].kind == .nvlink }.map { h100.links[$0].lanes }
    #expect(g0 == [5, 4, 4, 5])
}

@Test func pcieBoxHasNoNVLink() throws {
    let t = try Topology.preset("pcie-4gpu")
    #expect(t.gpuCount == 4 && !t.links.contains { $0.kind == .nvlink })
    #expect(count(t, .pcieSwitch) == 2 && count(t, .cpu) == 1 && count(t, .nic) == 1)
}

@Test func multiNodeNamingAndNumbering() throws {
    let t = try Topology.preset("dgx-a100", nodes: 2)
    #expect(t.gpuCount == 16 && t.nodeCount == 2)
    #expect(t.devices[t.gpus[11]].name == "n1.gpu3" && t.devices[t.gpus[11]].node == 1)
    #expect(t.deviceIndex(named: "leaf0") != nil)
    // Two nodes fit one leaf: no spine.
    #expect(t.deviceIndex(named: "spine0") == nil)
    try t.validateConnectivity()
}

@Test func fabricOversubscriptionAndErrors() throws {
    let full = try Topology.preset("dgx-a100", nodes: 16)
    let half = try Topology.preset("dgx-a100", nodes: 16, fabric: FabricSpec(oversubscription: 2))
    func uplink(_ t: Topology) -> Double {
        t.links.filter { t.devices[$0.from].name.hasPrefix("leaf") && t.devices[$0.to].name.hasPrefix("spine") }
            .reduce(0) { $0 + $1.bandwidth.gigabytesPerSecond }
    }
    // 4 leaves × 32 HDR ports × 25 GB/s at full bisection.
    #expect(abs(uplink(full) - 4 * 32 * 25) < 1e-6)
    #expect(abs(uplink(half) - 4 * 32 * 25 / 2) < 1e-6)
    #expect(throws: TopologyError.self) { try Topology.preset("dgx9") }
    #expect(throws: TopologyError.self) { try Topology.preset("dgx1-v100", nodes: 0) }
    #expect(throws: TopologyError.self) {
        try Topology.preset("dgx1-v100", nodes: 2, fabric: FabricSpec(oversubscription: 0.5))
    }
    let rail = try Topology.preset("dgx-a100", nodes: 4, fabric: FabricSpec(kind: .leafSpine))
    #expect(rail.devices.filter { $0.name.hasPrefix("leaf") }.count == 8)
    try rail.validateConnectivity()
}

@Test func largeClusterBuildsFast() throws {
    let clock = ContinuousClock()
    var t: Topology?
    let elapsed = try clock.measure { t = try Topology.preset("dgx-a100", nodes: 128) }
    #expect(t?.gpuCount == 1024)
    #expect(elapsed < .seconds(1))
}
