import Testing
import LinkscopeSchedule
import LinkscopeTopology
@testable import LinkscopeFabric

/// Mirrored tasks (`FabricSimulator.run(_:mirrors:)`): two identical chains (compute, then a transfer
/// to a peer over its own links) run with the second mirroring the first give the same times, bytes
/// and busy time as simulating both.
@Suite struct FabricMirrorTests {
    /// g0→g2 through sa and g1→g3 through sb never share a link (sa–sb only connects the halves).
    func twoDisjointPairs() throws -> Topology {
        try topology(gpus: ["g0", "g1", "g2", "g3"], switches: ["sa", "sb"],
                     links: [("g0", "sa", 1e9, 1e-6), ("g2", "sa", 5e8, 2e-6),
                             ("g1", "sb", 1e9, 1e-6), ("g3", "sb", 5e8, 2e-6), ("sa", "sb", 1e9, 1e-6)])
    }

    func chains() -> (Schedule, [Int32]) {
        var s = Schedule()
        var mirrors: [Int32] = []
        func add(_ kind: TaskKind, after: [TaskID], mirror: TaskID?) -> TaskID {
            let id = s.add(kind, after: after)
            mirrors.append(mirror.map { Int32($0.index) } ?? -1)
            return id
        }
        let c0 = add(.compute(device: 0, seconds: 0.001, lane: 0), after: [], mirror: nil)
        let c1 = add(.compute(device: 1, seconds: 0.001, lane: 0), after: [], mirror: c0)
        let t0 = add(transfer(0, 2, 1_000_000), after: [c0], mirror: nil)
        let t1 = add(transfer(1, 3, 1_000_000), after: [c1], mirror: t0)
        let d0 = add(.compute(device: 2, seconds: 0.002, lane: 0), after: [t0], mirror: nil)
        _ = add(.compute(device: 3, seconds: 0.002, lane: 0), after: [t1], mirror: d0)
        return (s, mirrors)
    }

    @Test func mirrorsGiveTheSimulatedTimesBytesAndBusyTime() throws {
        let (s, mirrors) = chains()
        let fabric = FabricSimulator(topology: try twoDisjointPairs())
        let full = try fabric.run(s)
        let mirrored = try fabric.run(s, mirrors: mirrors)
        #expect(mirrored.taskStart == full.taskStart)
        #expect(mirrored.taskEnd == full.taskEnd)
        #expect(mirrored.linkBytes == full.linkBytes)
        for (a, b) in zip(mirrored.linkBusy, full.linkBusy) { expectClose(a, b) }
        #expect(mirrored.events < full.events)
        expectClose(mirrored.makespan, 0.001 + 3e-6 + 2e-3 + 0.002)
    }

    /// A mirror whose own dependency finishes later than its representative starts when it is ready.
    @Test func lateMirrorFinishesWhenReady() throws {
        var s = Schedule()
        let early = s.add(.compute(device: 0, seconds: 0.001, lane: 0))
        let late = s.add(.compute(device: 1, seconds: 0.005, lane: 0))
        let m = s.add(.compute(device: 1, seconds: 0.001, lane: 1), after: [late])
        let r = s.add(.compute(device: 0, seconds: 0.001, lane: 1), after: [early])
        var mirrors = Array(repeating: Int32(-1), count: s.count)
        mirrors[m.index] = Int32(r.index)
        let result = try FabricSimulator(topology: try twoDisjointPairs()).run(s, mirrors: mirrors)
        expectClose(result.taskEnd[r.index], 0.002)
        expectClose(result.taskStart[m.index], 0.005)
        expectClose(result.taskEnd[m.index], 0.005)
    }
}
