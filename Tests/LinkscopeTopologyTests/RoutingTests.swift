import LinkscopeUnits
import Testing
@testable import LinkscopeTopology

func names(_ t: Topology, _ route: [Int]?) -> [String] {
    guard let r = route, let first = r.first else { return [] }
    return [t.devices[t.links[first].from].name] + r.map { t.devices[t.links[$0].to].name }
}

@Test func directNVLinkRoute() throws {
    let t = try Topology.preset("dgx1-v100")
    #expect(names(t, t.route(from: t.gpus[0], to: t.gpus[1])) == ["gpu0", "gpu1"])
}

@Test func noNVLinkPairCrossesSocketsWithoutGPUTransit() throws {
    let t = try Topology.preset("dgx1-v100")
    let r = names(t, t.route(from: t.gpus[0], to: t.gpus[5]))
    #expect(r == ["gpu0", "pcie0", "cpu0", "cpu1", "pcie2", "gpu5"])
    let pcie = names(t, t.route(from: t.gpus[0], to: t.gpus[1], preference: .avoidNVLink))
    #expect(pcie == ["gpu0", "pcie0", "gpu1"])
    // NVLink only: no direct link, so a GPU must relay (the only NVLink path).
    #expect(names(t, t.route(from: t.gpus[0], to: t.gpus[5], preference: .nvlinkOnly)) == ["gpu0", "gpu1", "gpu5"])
}

@Test func gpuRelaysOnlyWhenNothingElseConnects() throws {
    let spec = { (a: String, b: String) in
        LinkSpec(from: a, to: b, bandwidth: .gigabytesPerSecond(25), latency: .microseconds(0.3), kind: .nvlink)
    }
    let t = try Topology.custom(name: "chain", devices: ["g0", "g1", "g2"].map { DeviceSpec(id: $0, kind: .gpu) },
                                links: [spec("g0", "g1"), spec("g1", "g2")])
    #expect(names(t, t.route(from: 0, to: 2)) == ["g0", "g1", "g2"])
    var table = RouteTable(t)
    #expect(table.route(fromGPU: 0, toGPU: 2) == t.route(from: 0, to: 2))
    #expect(table.route(fromGPU: 0, toGPU: 1)?.count == 1)
}

@Test func nvswitchPlanesSpreadAndSplit() throws {
    let t = try Topology.preset("dgx-a100")
    let r = names(t, t.route(from: t.gpus[0], to: t.gpus[1]))
    #expect(r == ["gpu0", "nvsw1", "gpu1"])
    let split = t.routeSplit(from: t.gpus[0], to: t.gpus[1])
    #expect(split.count == 6)
    #expect(abs(split.reduce(0) { $0 + $1.fraction } - 1) < 1e-12)
    let h = try Topology.preset("dgx-h100")
    let hs = h.routeSplit(from: h.gpus[2], to: h.gpus[7]).map(\.fraction)
    #expect(hs.count == 4 && abs(hs[0] - 125.0 / 450) < 1e-12)
}

@Test func multiNodeRouteUsesNearNICAndStableSpine() throws {
    let t = try Topology.preset("dgx-a100", nodes: 16)
    let src = t.gpus[3], dst = t.gpus[13 * 8 + 6]
    let r = names(t, t.route(from: src, to: dst))
    // Node 0 sits on leaf 0, node 13 on leaf 3; spine = (0 + 13 + GPU 3) mod 4 spines = 0.
    #expect(r == ["n0.gpu3", "n0.pcie1", "n0.nic3", "leaf0", "spine0", "leaf3", "n13.nic6", "n13.pcie3", "n13.gpu6"])
    // Determinism: a RouteTable gives the same answer, twice.
    var table = RouteTable(t)
    #expect(table.route(from: src, to: dst) == t.route(from: src, to: dst))
    #expect(table.route(from: src, to: dst) == t.route(from: src, to: dst))
}

@Test func routeTableMatchesDirectRoutesAndIsFast() throws {
    let t = try Topology.preset("dgx-a100", nodes: 128)
    var table = RouteTable(t)
    // Every GPU to its ring successor, plus a few spot checks against the one-off router.
    let clock = ContinuousClock()
    var hops = 0
    let elapsed = clock.measure {
        for g in 0..<t.gpuCount {
            hops += table.route(fromGPU: g, toGPU: (g + 1) % t.gpuCount)?.count ?? -1000
        }
    }
    #expect(hops > 0)
    for (a, b) in [(0, 1023), (7, 8), (500, 3)] {
        #expect(table.route(fromGPU: a, toGPU: b) == t.route(from: t.gpus[a], to: t.gpus[b]))
    }
    // Debug build; the release figure is reported in the commit message.
    #expect(elapsed < .seconds(30))
}

/// The cached `RouteTable.routeSplit` answers exactly as `Topology.routeSplit`, before and after the
/// source's search has settled further (NVSwitch planes inside a node, one route across the fabric).
@Test func routeTableSplitMatchesTopologySplit() throws {
    let t = try Topology.preset("dgx-a100", nodes: 4)
    var table = RouteTable(t)
    let pairs = [(0, 1), (0, 9), (0, 3), (5, 30), (5, 6), (9, 8)]
    for (a, b) in pairs + pairs {
        let (da, db) = (t.gpus[a], t.gpus[b])
        #expect(table.routeSplit(from: da, to: db) == t.routeSplit(from: da, to: db), "GPU \(a) to \(b)")
    }
    #expect(table.routeSplit(from: t.gpus[0], to: t.gpus[1]).count == 6)
}
