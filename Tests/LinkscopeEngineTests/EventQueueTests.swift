import Testing
import LinkscopeUnits
@testable import LinkscopeEngine

@Suite struct EventQueueTests {
    @Test func popsInTimeOrder() {
        var q = EventQueue<String>()
        q.push("c", at: 3)
        q.push("a", at: 1)
        q.push("b", at: 2)
        q.checkInvariants()
        #expect(q.count == 3)
        #expect(q.nextTime == 1)
        #expect(q.pop()?.payload == "a")
        #expect(q.pop()?.payload == "b")
        #expect(q.pop()?.payload == "c")
        #expect(q.pop() == nil)
        #expect(q.isEmpty)
    }

    @Test func sameTimeKeepsInsertionOrder() {
        var q = EventQueue<Int>()
        for i in 0..<100 { q.push(i, at: Double(i % 3)) }
        var out: [Int] = []
        while let e = q.pop() { out.append(e.payload) }
        let expected = (0..<100).filter { $0 % 3 == 0 } + (0..<100).filter { $0 % 3 == 1 }
            + (0..<100).filter { $0 % 3 == 2 }
        #expect(out == expected)
    }

    @Test func popNotAfterStopsAtLimit() {
        var q = EventQueue<Int>()
        q.push(1, at: 1)
        q.push(2, at: 2)
        #expect(q.pop(notAfter: 1.5)?.payload == 1)
        #expect(q.pop(notAfter: 1.5) == nil)
        #expect(q.count == 1)
    }

    @Test(arguments: [1, 2, 3, 42, 1234] as [UInt64])
    func matchesSortedReference(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var q = EventQueue<Int>()
        var reference: [(Double, Int)] = []
        var out: [(Double, Int)] = []
        var label = 0
        for _ in 0..<2000 {
            if Int.random(in: 0..<3, using: &rng) != 0 || reference.isEmpty {
                let t = Double(Int.random(in: 0..<50, using: &rng))  // many ties
                q.push(label, at: t)
                reference.append((t, label))
                label += 1
            } else if let e = q.pop() {
                out.append((e.time, e.payload))
                // the reference pops the smallest (time, label): labels are sequence numbers
                let i = reference.indices.min { reference[$0] < reference[$1] } ?? 0
                let r = reference.remove(at: i)
                #expect(r == (e.time, e.payload))
            }
        }
        q.checkInvariants()
        #expect(q.count == reference.count)
    }
}

@Suite struct EventLoopTests {
    @Test func clockAdvancesAndRunStopsAtLimit() {
        var loop = EventLoop<String>()
        loop.schedule("a", after: 1)
        loop.schedule("b", at: 5)
        var seen: [(Double, String)] = []
        loop.run(until: 3) { loop, e in
            seen.append((loop.now, e.payload))
            if e.payload == "a" { loop.schedule("a2", after: 1) }
        }
        #expect(seen.map(\.1) == ["a", "a2"])
        #expect(seen.map(\.0) == [1, 2])
        #expect(loop.now == 3)
        #expect(loop.processed == 2)
        loop.checkInvariants()
        loop.run { _, e in seen.append((5, e.payload)) }
        #expect(seen.last?.1 == "b")
        #expect(loop.now == 5)
    }

    @Test func cancelledEventsAreSkipped() {
        var loop = EventLoop<Int>()
        let a = loop.schedule(1, at: 1)
        loop.schedule(2, at: 1)
        let c = loop.schedule(3, at: 2)
        loop.cancel(a)
        loop.cancel(c)
        var seen: [Int] = []
        loop.run { _, e in seen.append(e.payload) }
        #expect(seen == [2])
        #expect(loop.processed == 1)
        #expect(loop.now == 1)
    }

    @Test func drainingOneInstantIncludesEventsAddedAtIt() {
        var loop = EventLoop<Int>()
        loop.schedule(0, at: 1)
        loop.schedule(9, at: 2)
        guard let first = loop.next() else {
            Issue.record("empty")
            return
        }
        var batch = [first.payload]
        loop.schedule(1, after: 0)
        while let e = loop.next(notAfter: loop.now) {
            batch.append(e.payload)
            if e.payload < 3 { loop.schedule(e.payload + 1, after: 0) }
        }
        #expect(batch == [0, 1, 2, 3])
        #expect(loop.nextTime() == 2)
    }
}
