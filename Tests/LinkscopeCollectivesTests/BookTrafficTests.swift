import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeSchedule
import Testing

/// docs/cost-model.md §21 A from compiled schedules: M = 4,805,528 B at N = 2, 4, 8.
let bookM: Int64 = 4_805_528

struct BookCase: Sendable {
    var n: Int, psIn: Int64, psTotal: Int64, ringPerWorker: Int64, ringTotal: Int64, naivePerWorker: Int64,
        naiveTotal: Int64
}

let bookCases: [BookCase] = [
    BookCase(n: 2, psIn: 9_611_056, psTotal: 19_222_112, ringPerWorker: 4_805_528, ringTotal: 9_611_056,
             naivePerWorker: 4_805_528, naiveTotal: 9_611_056),
    BookCase(n: 4, psIn: 19_222_112, psTotal: 38_444_224, ringPerWorker: 7_208_292, ringTotal: 28_833_168,
             naivePerWorker: 14_416_584, naiveTotal: 57_666_336),
    BookCase(n: 8, psIn: 38_444_224, psTotal: 76_888_448, ringPerWorker: 8_409_674, ringTotal: 67_277_392,
             naivePerWorker: 33_638_696, naiveTotal: 269_109_568),
]

@Test(arguments: bookCases)
func singleParameterServerSchedule(row: BookCase) throws {
    var r = request(.allreduce, .ps, ranks: row.n, bytes: bookM, chunk: 1 << 20)
    r.servers = [100]  // a dedicated server device
    let (s, finals) = try compiled(r)
    let b = ByteCounts(s)
    #expect(b.received(100) == row.psIn)
    #expect(b.sent(100) == row.psIn)
    #expect(b.total == row.psTotal)
    for w in 0..<row.n {
        #expect(b.sent(w) == bookM)
        #expect(b.received(w) == bookM)
    }
    #expect(!finals.isEmpty)
    let traffic = Traffic.singleParameterServer(workers: row.n, bytes: bookM)
    #expect(traffic.networkTotal == b.total)
}

@Test(arguments: bookCases)
func ringSchedule(row: BookCase) throws {
    for chunk in [Int64(1 << 40), 100_000] {
        let (s, _) = try compiled(request(.allreduce, .ring, ranks: row.n, bytes: bookM, chunk: chunk))
        let b = ByteCounts(s)
        #expect(b.total == row.ringTotal)
        for w in 0..<row.n {
            #expect(b.sent(w) == row.ringPerWorker)
            #expect(b.received(w) == row.ringPerWorker)
        }
        // Only ring neighbours talk.
        for p in b.pairs.keys { #expect(p.to == (p.from + 1) % Int32(row.n)) }
    }
}

@Test(arguments: bookCases)
func naiveSchedule(row: BookCase) throws {
    let (s, _) = try compiled(request(.allreduce, .naive, ranks: row.n, bytes: bookM, chunk: 1 << 20))
    let b = ByteCounts(s)
    #expect(b.total == row.naiveTotal)
    for w in 0..<row.n {
        #expect(b.sent(w) == row.naivePerWorker)
        #expect(b.received(w) == row.naivePerWorker)
    }
    #expect(b.pairs.count == row.n * (row.n - 1))
    #expect(b.pairs.values.allSatisfy { $0 == bookM })
}

@Test(arguments: bookCases)
func reduceBroadcastAndColocatedPS(row: BookCase) throws {
    let (s, _) = try compiled(request(.allreduce, .reduceBroadcast, ranks: row.n, bytes: bookM, chunk: 1 << 20))
    let b = ByteCounts(s)
    #expect(b.total == row.ringTotal)
    #expect(b.received(0) == Int64(row.n - 1) * bookM)
    #expect(b.sent(0) == Int64(row.n - 1) * bookM)

    var ps = request(.allreduce, .ps, ranks: row.n, bytes: bookM, chunk: 1 << 20)
    ps.servers = Array(0..<row.n)  // k = N co-located
    let (s2, _) = try compiled(ps)
    let c = ByteCounts(s2)
    #expect(c.total == row.ringTotal)
    for w in 0..<row.n {
        #expect(c.sent(w) == row.ringPerWorker)
        #expect(c.received(w) == row.ringPerWorker)
    }
}

@Test func shardedParameterServerByShares() throws {
    var r = request(.allreduce, .ps, ranks: 4, bytes: 1000, chunk: 64)
    r.servers = [10, 11]
    r.serverShares = [0.75, 0.25]
    let (s, _) = try compiled(r)
    let b = ByteCounts(s)
    #expect(b.received(10) == 4 * 750)
    #expect(b.received(11) == 4 * 250)
    #expect(b.total == 2 * 4 * 1000)
    #expect(throws: CollectiveError.self) {
        var bad = r
        bad.serverShares = [1]
        _ = try compiled(bad)
    }
}
