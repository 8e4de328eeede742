import LinkscopeSchedule
import Testing

/// `Schedule`: the task DAG collectives compile into, stored flat (CSR dependencies).
@Suite struct ScheduleTests {
    /// A diamond a → {b, c} → d: ids in insertion order, each task's dependencies as given, in order.
    @Test func dependenciesAreStoredPerTaskInOrder() {
        var s = Schedule()
        let a = s.add(.compute(device: 0, seconds: 1e-3, lane: 0))
        let b = s.add(.transfer(from: 0, to: 1, bytes: 100, path: .automatic), after: [a])
        let c = s.add(.transfer(from: 0, to: 2, bytes: 200, path: .nvlinkOnly), after: [a])
        let d = s.add(.delay(seconds: 5e-6), after: [c, b])
        #expect([a, b, c, d] == [TaskID(0), TaskID(1), TaskID(2), TaskID(3)])
        #expect(s.count == 4)
        #expect(Array(s.dependencies(of: a)).isEmpty)
        #expect(Array(s.dependencies(of: b)) == [a])
        #expect(Array(s.dependencies(of: d)) == [c, b])
        #expect(s.dependencyList == [a, a, c, b])
        #expect(s[d].dependencyStart == 2 && s[d].dependencyCount == 2)
    }

    /// Only transfers count towards the bytes moved.
    @Test func transferredBytesSumsTransfersOnly() {
        var s = Schedule()
        #expect(s.isEmpty && s.transferredBytes == 0)
        let t = s.add(.transfer(from: 0, to: 1, bytes: 4_805_528, path: .automatic))
        s.add(.compute(device: 1, seconds: 1, lane: 0), after: [t])
        s.add(.transfer(from: 1, to: 0, bytes: 1 << 30, path: .avoidNVLink), after: [t])
        #expect(s.transferredBytes == 4_805_528 + (1 << 30))
    }

    /// A served dependency is kept apart from the ordinary ones (-1 when absent).
    @Test func servedDependencyIsRecorded() {
        var s = Schedule()
        let first = s.add(.transfer(from: 0, to: 1, bytes: 1 << 20, path: .automatic))
        let second = s.add(.transfer(from: 0, to: 1, bytes: 1 << 20, path: .automatic), after: [TaskID]([]),
                           afterServed: first)
        #expect(s[first].servedDependency == -1)
        #expect(s[second].servedDependency == first.rawValue)
        #expect(s[second].dependencyCount == 0)
    }

    /// Tags survive unchanged; task ids order by index.
    @Test func tagsAndIDOrder() {
        var s = Schedule()
        let tag = TaskTag(collective: 3, phase: .reduceScatter, step: 2, chunk: 1, instance: 5)
        let id = s.add(.delay(seconds: 0), tag: tag)
        #expect(s[id].tag == tag)
        #expect(TaskID(1) < TaskID(2))
        #expect(TaskID(7).index == 7)
    }

    /// Phase names as reports and timelines print them: unique except the pipeline stages, which read as
    /// forward/backward like the data-parallel phases.
    @Test func phaseNames() {
        #expect(Phase.reduceScatter.name == "reduce-scatter")
        #expect(Phase.none.name.isEmpty)
        #expect(Phase.stageForward.name == Phase.forward.name)
        let named = Phase.allCases.filter { $0 != .none && $0 != .stageForward && $0 != .stageBackward }.map(\.name)
        #expect(Set(named).count == named.count)
    }
}
