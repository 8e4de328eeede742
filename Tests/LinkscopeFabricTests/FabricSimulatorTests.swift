import Testing
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits
@testable import LinkscopeFabric

@Suite struct FabricTimelineTests {
    /// g0 —(10 B/s, 1 s)— g1: link 0 is g0→g1.
    func pair(bandwidth: Double = 10, latency: Double = 1) throws -> Topology {
        try topology(gpus: ["g0", "g1"], links: [("g0", "g1", bandwidth, latency)])
    }

    /// g0 —(1 GB/s, 1 µs)— sw —(0.5 GB/s, 2 µs)— g1. Route g0→g1 is [0, 3], g1→g0 is [2, 1].
    func twoHop() throws -> Topology {
        try topology(gpus: ["g0", "g1"], switches: ["sw"],
                     links: [("g0", "sw", 1e9, 1e-6), ("g1", "sw", 5e8, 2e-6)])
    }

    @Test func singleTransferTakesAlphaPlusSizeOverBandwidth() throws {
        var s = Schedule()
        s.add(transfer(0, 1, 1_000_000))
        let r = try FabricSimulator(topology: try twoHop()).run(s)
        expectClose(r.taskEnd[0], 3e-6 + 1e6 / 5e8, "α + S/B with α summed over hops, B the bottleneck")
        #expect(r.taskStart[0] == 0)
        #expect(r.taskRoutes[0] == [0, 3])
        #expect(r.linkBytes == [1_000_000, 0, 0, 1_000_000])
        expectClose(r.linkBusy[0], 2e-3)
        expectClose(r.linkBusy[3], 2e-3)
        #expect(r.linkBusy[1] == 0 && r.linkBusy[2] == 0)
        expectClose(r.makespan, r.taskEnd[0])
        #expect(r.events == 2)  // drained + done
    }

    @Test func linkEfficiencyScalesCapacity() throws {
        var s = Schedule()
        s.add(transfer(0, 1, 1_000_000))
        let r = try FabricSimulator(topology: try twoHop(), options: FabricOptions(linkEfficiency: 0.8)).run(s)
        expectClose(r.taskEnd[0], 3e-6 + 1e6 / 4e8)
    }

    @Test func twoFlowsShareALinkThenTheSurvivorSpeedsUp() throws {
        var s = Schedule()
        s.add(transfer(0, 1, 100))  // X
        s.add(transfer(0, 1, 40))  // Y: 5 B/s until t = 8
        let r = try FabricSimulator(topology: try pair(), options: FabricOptions(recordLinkHistory: true)).run(s)
        // Y: 40 B at 5 B/s → served at 8, +1 s latency. X: 40 B by 8, then 60 B at 10 B/s → 14, +1.
        expectClose(r.taskEnd[1], 9)
        expectClose(r.taskEnd[0], 15)
        #expect(r.linkBytes[0] == 140)
        expectClose(r.linkBusy[0], 14)
        #expect(r.linkHistory?[0] == [RateSegment(start: 0, end: 14, bytesPerSecond: 10)])
        #expect(r.linkHistory?[1] == [])
    }

    /// Bertsekas–Gallager style: A crosses links 1 and 2, B only link 1 (10 B/s), C only link 2 (20 B/s).
    @Test func threeFlowsOnTwoLinksAreMaxMinFair() throws {
        let t = try topology(gpus: ["g0", "g1", "g2"],
                             links: [("g0", "g1", 10, 0.5), ("g1", "g2", 20, 0.5)])
        var s = Schedule()
        s.add(transfer(0, 2, 100))  // A: route [0, 2]
        s.add(transfer(0, 1, 40))  // B: [0]
        s.add(transfer(1, 2, 60))  // C: [2]
        let r = try FabricSimulator(topology: t, options: FabricOptions(recordLinkHistory: true)).run(s)
        #expect(r.taskRoutes == [[0, 2], [0], [2]])
        // t∈[0,4): link 0 bottleneck → A = B = 5; C gets 20 − 5 = 15, served at 60/15 = 4.
        // t∈[4,8): A = B = 5 (link 0 still binds); B served at 8.
        // t∈[8,14): A alone at 10 (link 0), 60 B left → 14. Latency 0.5 per hop.
        expectClose(r.taskEnd[2], 4.5)
        expectClose(r.taskEnd[1], 8.5)
        expectClose(r.taskEnd[0], 15)
        expectClose(r.makespan, 15)
        #expect(r.linkBytes[0] == 140 && r.linkBytes[2] == 160)
        expectClose(r.linkBusy[0], 14)
        expectClose(r.linkBusy[2], 14)
        #expect(r.linkHistory?[0] == [RateSegment(start: 0, end: 14, bytesPerSecond: 10)])
        #expect(r.linkHistory?[2] == [RateSegment(start: 0, end: 4, bytesPerSecond: 20),
                                      RateSegment(start: 4, end: 8, bytesPerSecond: 5),
                                      RateSegment(start: 8, end: 14, bytesPerSecond: 10)])
    }

    @Test func dependencyChainAcrossKinds() throws {
        var s = Schedule()
        let a = s.add(transfer(0, 1, 1_000_000))
        let b = s.add(.compute(device: 1, seconds: 1, lane: 0), after: [a])
        let c = s.add(.delay(seconds: 0.5), after: [b])
        s.add(transfer(1, 0, 500_000), after: [c])
        let r = try FabricSimulator(topology: try twoHop()).run(s)
        let t0 = 3e-6 + 2e-3
        expectClose(r.taskEnd[0], t0)
        expectClose(r.taskStart[1], t0)
        expectClose(r.taskEnd[1], t0 + 1)
        expectClose(r.taskStart[2], t0 + 1)
        expectClose(r.taskEnd[2], t0 + 1.5)
        expectClose(r.taskStart[3], t0 + 1.5)
        expectClose(r.taskEnd[3], t0 + 1.5 + 3e-6 + 1e-3)
        #expect(r.taskRoutes[3] == [2, 1])
        #expect(r.taskRoutes[1] == [] && r.taskRoutes[2] == [])
    }

    @Test func computeLaneQueuesByReadyTimeThenTaskID() throws {
        var s = Schedule()
        s.add(.compute(device: 0, seconds: 2, lane: 0))  // 0: [0, 2]
        let d = s.add(.delay(seconds: 1))  // 1: [0, 1]
        s.add(.compute(device: 0, seconds: 1, lane: 0), after: [d])  // 2: ready 1 → [3, 4]
        s.add(.compute(device: 0, seconds: 1, lane: 0))  // 3: ready 0 → [2, 3]
        s.add(.compute(device: 0, seconds: 1, lane: 1))  // 4: other lane → [0, 1]
        s.add(.compute(device: 1, seconds: 1, lane: 0))  // 5: other device → [0, 1]
        let r = try FabricSimulator(topology: try pair()).run(s)
        #expect(r.taskStart == [0, 0, 3, 2, 0, 0])
        #expect(r.taskEnd == [2, 1, 4, 3, 1, 1])
        #expect(r.makespan == 4)
    }

    @Test func sameInstantReadyTasksQueueByTaskID() throws {
        var s = Schedule()
        let d0 = s.add(.delay(seconds: 1))
        let d1 = s.add(.delay(seconds: 1))
        // d0 finishes first in the instant and readies task 3 first; task 2 still goes first.
        s.add(.compute(device: 0, seconds: 3, lane: 0), after: [d1])
        s.add(.compute(device: 0, seconds: 3, lane: 0), after: [d0])
        let r = try FabricSimulator(topology: try pair()).run(s)
        #expect(r.taskStart == [0, 0, 1, 4])
        #expect(r.taskEnd == [1, 1, 4, 7])
    }

    @Test func zeroSecondTasksAtOneInstantStillQueueByID() throws {
        var s = Schedule()
        let d = s.add(.delay(seconds: 1))
        let z = s.add(.delay(seconds: 0), after: [d])
        s.add(.compute(device: 0, seconds: 2, lane: 0), after: [d])  // 2: ready at 1 directly
        s.add(.compute(device: 0, seconds: 2, lane: 0), after: [z])  // 3: ready at 1 via a zero delay
        s.add(.compute(device: 0, seconds: 2, lane: 0), after: [])  // 4: ready at 0
        let r = try FabricSimulator(topology: try pair()).run(s)
        #expect(r.taskStart == [0, 1, 2, 4, 0])
        #expect(r.taskEnd == [1, 1, 4, 6, 2])
    }

    @Test func flowsStartingAtOneInstantShareFromTheStart() throws {
        var s = Schedule()
        let d0 = s.add(.delay(seconds: 1))
        let d1 = s.add(.delay(seconds: 1))
        s.add(transfer(0, 1, 50), after: [d0])
        s.add(transfer(0, 1, 50), after: [d1])
        let r = try FabricSimulator(topology: try pair(latency: 0)).run(s)
        #expect(r.taskEnd[2] == 11 && r.taskEnd[3] == 11)
        #expect(r.events == 6)
        #expect(r.staleEvents == 0)  // the batch solved once: no transient full-rate prediction
    }

    @Test func zeroByteTransferTakesOnlyLatency() throws {
        var s = Schedule()
        s.add(transfer(0, 1, 0))
        let r = try FabricSimulator(topology: try twoHop()).run(s)
        expectClose(r.taskEnd[0], 3e-6)
        #expect(r.taskRoutes[0] == [0, 3])
        #expect(r.linkBytes == [0, 0, 0, 0])
        #expect(r.linkBusy == [0, 0, 0, 0])
    }

    @Test func sameDeviceTransferIsInstant() throws {
        var s = Schedule()
        let d = s.add(.delay(seconds: 2))
        s.add(transfer(1, 1, 1 << 30), after: [d])
        let r = try FabricSimulator(topology: try twoHop()).run(s)
        #expect(r.taskStart[1] == 2 && r.taskEnd[1] == 2)
        #expect(r.taskRoutes[1] == [])
        #expect(r.linkBytes == [0, 0, 0, 0])
    }

    @Test func linkBytesAreExactIntegers() throws {
        var s = Schedule()
        let big: Int64 = (1 << 40) + 7  // not representable as a sum of doubles without care
        s.add(transfer(0, 1, big))
        s.add(transfer(0, 1, 3))
        s.add(transfer(1, 0, 5))
        let r = try FabricSimulator(topology: try twoHop()).run(s)
        #expect(r.linkBytes == [big + 3, 5, 5, big + 3])
    }

    @Test func linkBusyCountsOnlyTimeWithFlows() throws {
        var s = Schedule()
        s.add(transfer(0, 1, 20))  // [0, 2] on link 0
        let d = s.add(.delay(seconds: 5))
        s.add(transfer(0, 1, 30), after: [d])  // [5, 8]
        let r = try FabricSimulator(topology: try pair(latency: 1)).run(s)
        expectClose(r.linkBusy[0], 5)
        #expect(r.linkBusy[1] == 0)
        expectClose(r.taskEnd[2], 9)
    }

    @Test func errors() throws {
        let t = try pair()
        var s = Schedule()
        s.add(transfer(0, 1, 1, .nvlinkOnly))
        #expect(throws: FabricError.noRoute(from: 0, to: 1)) { try FabricSimulator(topology: t).run(s) }
        var u = Schedule()
        u.add(transfer(0, 9, 1))
        #expect(throws: FabricError.unknownDevice(9)) { try FabricSimulator(topology: t).run(u) }
        var v = Schedule()
        v.add(.compute(device: -1, seconds: 1, lane: 0))
        #expect(throws: FabricError.unknownDevice(-1)) { try FabricSimulator(topology: t).run(v) }
    }

    @Test func emptyScheduleAndBadDurations() throws {
        let r = try FabricSimulator(topology: try pair()).run(Schedule())
        #expect(r.makespan == 0 && r.events == 0 && r.taskEnd.isEmpty)
        var s = Schedule()
        let a = s.add(.delay(seconds: -3))
        s.add(.compute(device: 0, seconds: .nan, lane: 0), after: [a])
        let q = try FabricSimulator(topology: try pair()).run(s)
        #expect(q.taskEnd == [0, 0])
    }
}

@Suite struct FabricResidueTests {
    /// Fifty flows of awkward sizes on a link of awkward bandwidth: every flow drains with exactly
    /// one valid event (no residue ping-pong), and ends in size order.
    @Test func awkwardSizesDoNotBreedTinyEvents() throws {
        let t = try topology(gpus: ["g0", "g1"], links: [("g0", "g1", 3e9 / 7, 1e-7)])
        var s = Schedule()
        for i in 1...50 { s.add(transfer(0, 1, Int64(i) * 1_000_003 + Int64(i * i) % 17)) }
        let r = try FabricSimulator(topology: t).run(s)
        #expect(r.events == 100)
        #expect(r.staleEvents <= 50 * 51 / 2)
        for i in 1..<50 { #expect(r.taskEnd[i] > r.taskEnd[i - 1]) }
        // Processor sharing: total work conserved, so the last ends at ΣS/B + α.
        let total = (1...50).reduce(0.0) { $0 + Double(Int64($1) * 1_000_003 + Int64($1 * $1) % 17) }
        expectClose(r.makespan, total / (3e9 / 7) + 1e-7)
        expectClose(r.linkBusy[0], total / (3e9 / 7))
    }
}

@Suite struct FabricDegenerateInputTests {
    /// A hand-built topology (no validation) with a dead link: its flows never finish, nothing traps.
    @Test func zeroBandwidthLinkNeverFinishesButDoesNotTrap() throws {
        let t = Topology(name: "dead", devices: [Device(name: "a", kind: .gpu, gpuIndex: 0),
                                                 Device(name: "b", kind: .gpu, gpuIndex: 1)],
                         links: [Link(from: 0, to: 1, bandwidth: Bandwidth(bytesPerSecond: 0), latency: Seconds(0),
                                      kind: .network)],
                         gpuSpec: .v100)
        var s = Schedule()
        let x = s.add(transfer(0, 1, 10))
        s.add(.delay(seconds: 1), after: [x])
        s.add(.delay(seconds: 2))
        let r = try FabricSimulator(topology: t).run(s)
        #expect(r.taskEnd[0] == .infinity && r.taskStart[1] == .infinity)
        #expect(r.taskEnd[2] == 2)
        #expect(r.makespan == .infinity)
    }
}

@Suite struct FabricLocalityTests {
    /// Flows in other components keep their rate and their one prediction: no stale events.
    @Test func untouchedComponentsAreNotRescheduled() throws {
        let t = try topology(gpus: ["g0", "g1", "g2", "g3"],
                             links: [("g0", "g1", 10, 0), ("g1", "g2", 10, 0), ("g2", "g3", 10, 0)])
        var s = Schedule()
        s.add(transfer(0, 1, 1000))  // alone on link 0 for 100 s
        var last = s.add(transfer(2, 3, 10))
        for _ in 0..<5 { last = s.add(transfer(2, 3, 10), after: [last]) }
        let r = try FabricSimulator(topology: t).run(s)
        #expect(r.staleEvents == 0)
        #expect(r.events == 14)
        #expect(r.taskEnd[0] == 100)
        #expect(r.taskEnd[6] == 6)
    }

    /// Joining a component re-solves it: the first flow slows from 10 to 5 B/s while the second runs.
    @Test func joiningFlowReschedulesItsComponent() throws {
        let t = try topology(gpus: ["g0", "g1"], links: [("g0", "g1", 10, 0)])
        var s = Schedule()
        s.add(transfer(0, 1, 100))
        let d = s.add(.delay(seconds: 2))
        s.add(transfer(0, 1, 20), after: [d])
        let r = try FabricSimulator(topology: t).run(s)
        // [0,2): 20 B at 10; [2,6): both at 5 → second done at 6; first has 60 left → 12.
        #expect(r.taskEnd[2] == 6)
        #expect(r.taskEnd[0] == 12)
        #expect(r.staleEvents == 2)  // first flow's predictions at 10, then 18, were superseded
    }
}
