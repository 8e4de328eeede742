import Testing
@testable import LinkscopeCostModel

/// docs/cost-model.md §21 A: the book CNN, M = 4,805,528 B.
let bookM: Int64 = 4_805_528

struct BookRow: Sendable {
    var n: Int, psIn: Int64, psTotal: Int64, ringPerWorker: Int64, ringTotal: Int64, naivePerWorker: Int64,
        naiveTotal: Int64
}

let bookTable: [BookRow] = [
    BookRow(n: 2, psIn: 9_611_056, psTotal: 19_222_112, ringPerWorker: 4_805_528, ringTotal: 9_611_056,
            naivePerWorker: 4_805_528, naiveTotal: 9_611_056),
    BookRow(n: 4, psIn: 19_222_112, psTotal: 38_444_224, ringPerWorker: 7_208_292, ringTotal: 28_833_168,
            naivePerWorker: 14_416_584, naiveTotal: 57_666_336),
    BookRow(n: 8, psIn: 38_444_224, psTotal: 76_888_448, ringPerWorker: 8_409_674, ringTotal: 67_277_392,
            naivePerWorker: 33_638_696, naiveTotal: 269_109_568),
]

@Test(arguments: bookTable)
func bookTrafficTable(row: BookRow) {
    let ps = Traffic.singleParameterServer(workers: row.n, bytes: bookM)
    #expect(ps.serverIn == row.psIn)
    #expect(ps.serverOut == row.psIn)
    #expect(ps.networkTotal == row.psTotal)
    #expect(ps.perWorkerSent == bookM && ps.perWorkerReceived == bookM)

    let ring = Traffic.ring(ranks: row.n, bytes: bookM)
    #expect(ring.perWorkerSent == row.ringPerWorker)
    #expect(ring.perWorkerReceived == row.ringPerWorker)
    #expect(ring.networkTotal == row.ringTotal)

    let naive = Traffic.naive(ranks: row.n, bytes: bookM)
    #expect(naive.perWorkerSent == row.naivePerWorker)
    #expect(naive.networkTotal == row.naiveTotal)

    // Reduce + broadcast moves the ring total, all through the root.
    let rb = Traffic.reduceBroadcast(ranks: row.n, bytes: bookM)
    #expect(rb.networkTotal == row.ringTotal)
    #expect(rb.serverIn + rb.serverOut == row.ringTotal)

    // Co-located PS (k = N) moves the ring's bytes per node.
    let colo = Traffic.colocatedParameterServer(nodes: row.n, bytes: bookM)
    #expect(colo.perWorkerSent == row.ringPerWorker)
    #expect(colo.networkTotal == row.ringTotal)

    let sharded = Traffic.shardedParameterServer(workers: row.n, shards: Traffic.evenSplit(bookM, parts: 2))
    #expect(sharded.networkTotal == row.psTotal)
    #expect(sharded.serverIn == row.psIn / 2)
}

@Test func ringPerWorkerTendsToTwoM() {
    // M, 1.5M, 1.75M → 2M.
    #expect(Traffic.ring(ranks: 2, bytes: 1000).perWorkerSent == 1000)
    #expect(Traffic.ring(ranks: 4, bytes: 1000).perWorkerSent == 1500)
    #expect(Traffic.ring(ranks: 8, bytes: 1000).perWorkerSent == 1750)
}

@Test func evenSplitIsExact() {
    for total in [Int64(0), 1, 7, 1001, 4_805_528] {
        for parts in 1...9 {
            let s = Traffic.evenSplit(total, parts: parts)
            #expect(s.reduce(0, +) == total)
            #expect((s.max() ?? 0) - (s.min() ?? 0) <= 1)
        }
    }
}

@Test func formulaTableRowsMatchTraffic() throws {
    let rows = CostFormulas.formulaTable(ranks: 4, bytes: bookM, bandwidth: 10e9, latency: 1e-6)
    let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0.scheme, $0) })
    #expect(byName["single PS"]?.serverIn == 19_222_112)
    #expect(byName["single PS"]?.networkTotal == 38_444_224)
    #expect(byName["ring"]?.perWorkerSent == 7_208_292)
    #expect(byName["naive all-to-all"]?.networkTotal == 57_666_336)
    let ps = try #require(byName["single PS"]).seconds
    #expect(abs(ps - (2e-6 + 2 * 4 * Double(bookM) / 10e9)) < 1e-12)
    #expect(rows.map(\.scheme).first == "single PS")
}
