import Testing
import LinkscopeSim

/// Cases where the simulator must NOT agree with the idle-link formulas, checked by hand.
@Suite struct ContentionTests {
    @Test func twoCollectivesShareOneLink() throws {
        // Two GPUs, one 10 GB/s link each way. Broadcasts of 100 MB and 300 MB from gpu0 at once:
        // both get 5 GB/s until the small one ends at 200 MB/10 GB/s = 20 ms; the big one then has
        // 200 MB left alone: 20 ms + 20 ms = 40 ms (alone it would take 30 ms).
        let run = try simulate("""
            name: contention
            cluster:
              devices: [{id: gpu0, kind: gpu}, {id: gpu1, kind: gpu}]
              links: [{from: gpu0, to: gpu1, bandwidth: 10 GB/s, latency: 0 us, kind: nvlink}]
            collectives:
              - {op: broadcast, algorithm: direct, sizes: [100 MB], group: g}
              - {op: broadcast, algorithm: direct, sizes: [300 MB], group: g}
            """)
        let c = run.report.collectives
        try #require(c.count == 2)
        #expect(relativeError(c[0].time, 0.020) < 1e-6, "small: \(c[0].time)")
        #expect(relativeError(c[1].time, 0.040) < 1e-6, "large: \(c[1].time)")
    }

    @Test func allToAllOnAOneWayRing() throws {
        // 4 GPUs on a one-way ring (i → i+1, 12 GB/s). Each sends s = M/4 to each peer, over 1, 2 and
        // 3 hops; every link then carries 6 equal flows, so each flow gets B/6 and all end at 6s/B —
        // twice the idle-link bound (N−1)·s/B = 3s/B.
        let m = 400_000_000.0
        let s = m / 4
        let run = try simulate("name: a2a\n" + """
            cluster:
              devices: [{id: gpu0, kind: gpu}, {id: gpu1, kind: gpu}, {id: gpu2, kind: gpu}, {id: gpu3, kind: gpu}]
              links:
                - {from: gpu0, to: gpu1, bandwidth: 12 GB/s, latency: 0 us, kind: nvlink, duplex: half}
                - {from: gpu1, to: gpu2, bandwidth: 12 GB/s, latency: 0 us, kind: nvlink, duplex: half}
                - {from: gpu2, to: gpu3, bandwidth: 12 GB/s, latency: 0 us, kind: nvlink, duplex: half}
                - {from: gpu3, to: gpu0, bandwidth: 12 GB/s, latency: 0 us, kind: nvlink, duplex: half}
            collectives:
              - {op: alltoall, algorithm: direct, sizes: [400 MB]}
            """)
        let c = try #require(run.report.collectives.first)
        #expect(relativeError(c.time, 6 * s / 12e9) < 1e-6, "sim \(c.time) vs 6s/B \(6 * s / 12e9)")
        let bound = 3 * s / 12e9
        #expect(c.time > 1.9 * bound)
    }
}
