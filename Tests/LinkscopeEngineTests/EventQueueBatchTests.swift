import Testing
@testable import LinkscopeEngine

/// The queue batches consecutive pushes at one time; these cases pin the order where batches could mix.
@Suite struct EventQueueBatchTests {
    @Test func twoBatchesAtOneTimePopInPushOrder() {
        var q = EventQueue<Int>()
        q.push(0, at: 1)
        q.push(1, at: 1)  // same batch as 0
        q.push(2, at: 2)
        q.push(3, at: 1)  // a second batch at time 1, after the first
        q.push(4, at: 1)
        q.checkInvariants()
        var out: [Int] = []
        while let e = q.pop() { out.append(e.payload) }
        #expect(out == [0, 1, 3, 4, 2])
    }

    @Test func pushAtTheInstantBeingDrained() {
        var q = EventQueue<Int>()
        for i in 0..<3 { q.push(i, at: 5) }
        var out: [Int] = []
        var extra = 10
        while let e = q.pop() {
            out.append(e.payload)
            if extra < 13 {  // handling an event schedules another at the same instant, as zero-delay tasks do
                q.push(extra, at: e.time)
                extra += 1
            }
            q.checkInvariants()
        }
        #expect(out == [0, 1, 2, 10, 11, 12])
        #expect(q.isEmpty && q.count == 0)
    }

    @Test func slotsAreReusedAfterDraining() {
        var q = EventQueue<Int>()
        for round in 0..<4 {
            for i in 0..<50 { q.push(round * 100 + i, at: Double(round)) }
            q.push(-1, at: Double(round) + 0.5)
            var out: [Int] = []
            while let e = q.pop(notAfter: Double(round)) { out.append(e.payload) }
            #expect(out == Array((round * 100)..<(round * 100 + 50)))
            #expect(q.pop()?.payload == -1)
        }
        #expect(q.nodesAllocated <= 51)  // storage of drained events is reused
        #expect(q.peekID() == nil)
    }
}
