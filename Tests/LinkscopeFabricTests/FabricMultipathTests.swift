import Testing
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits
@testable import LinkscopeFabric

/// Transfers inside an NVSwitch node use every switch plane; stream order waits for bytes served only.
@Suite struct FabricMultipathTests {
    @Test func nvswitchPairUsesEveryPlane() throws {
        // DGX A100: each GPU has 2 NVLinks (50 GB/s) to each of 6 switches. One plane alone would give
        // 50 GB/s; split over all six a pair gets 300 GB/s: 300 MB in 1 ms plus 2 hops × 0.3 us.
        let t = try Topology.preset("dgx-a100")
        var s = Schedule()
        let a = try #require(t.device(ofGPU: 0))
        let b = try #require(t.device(ofGPU: 1))
        s.add(transfer(a, b, 300_000_000))
        let r = try FabricSimulator(topology: t).run(s)
        expectClose(r.taskEnd[0], 1e-3 + 0.6e-6, "end")
        let nvlinkHops = r.taskRoutes[0].filter { t.links[Int($0)].kind == .nvlink }
        #expect(nvlinkHops.count == 12, "6 planes × 2 hops")
        let carried = r.linkBytes.reduce(Int64(0), +)
        #expect(carried == 2 * 300_000_000, "every byte crosses exactly two hops, split exactly")
    }

    @Test func servedDependencyOverlapsLatency() throws {
        // One 10 GB/s link with 1 ms latency. Piece 2 waits only until piece 1's bytes are served
        // (10 ms), so both are delivered 10 ms apart: 11 ms and 21 ms. A normal dependency would
        // make piece 2 wait for delivery: 11 ms + 10 ms + 1 ms = 22 ms.
        let t = try topology(gpus: ["a", "b"], links: [("a", "b", 10e9, 1e-3)])
        var s = Schedule()
        let first = s.add(transfer(0, 1, 100_000_000))
        s.add(transfer(0, 1, 100_000_000), after: [], afterServed: first)
        var chained = Schedule()
        let c1 = chained.add(transfer(0, 1, 100_000_000))
        chained.add(transfer(0, 1, 100_000_000), after: [c1])
        let r = try FabricSimulator(topology: t).run(s)
        let rc = try FabricSimulator(topology: t).run(chained)
        expectClose(r.taskEnd[0], 0.011, "piece 1")
        expectClose(r.taskStart[1], 0.010, "piece 2 starts when piece 1 is served")
        expectClose(r.taskEnd[1], 0.021, "piece 2")
        expectClose(rc.taskEnd[1], 0.022, "delivery dependency")
    }

    @Test func servedDependencyOnComputeMeansFinished() throws {
        let t = try topology(gpus: ["a", "b"], links: [("a", "b", 10e9, 0)])
        var s = Schedule()
        let c = s.add(.compute(device: 0, seconds: 0.005, lane: 0))
        s.add(transfer(0, 1, 10_000_000), after: [], afterServed: c)
        let r = try FabricSimulator(topology: t).run(s)
        expectClose(r.taskStart[1], 0.005)
        expectClose(r.taskEnd[1], 0.006)
    }
}
