import Foundation
import LinkscopeScenario
import Testing
@testable import LinkscopeSim

/// Extreme but valid scenarios: a clear error or a report, quickly; never a trap or an endless run.
struct ExtremeInputTests {
    /// Runs `body` and returns its wall time in seconds.
    func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    @Test func bookCNNOn65536GPUsIsRefusedNotTrapped() throws {
        // Used to trap in the training planner (Int16(rank) past 32,767 ranks, while adding forward compute tasks);
        // the ring's 2·n·(n−1) transfers are then refused before compiling.
        let yaml = """
            cluster: {preset: dgx2, nodes: 4096}
            model: {preset: book-mnist-cnn}
            training: {iterations: 1, overlap: false, sync: {algorithm: ring}}
            """
        let seconds = try timed {
            #expect {
                _ = try simulate(yaml)
            } throws: { error in
                let text = "\(error)"
                return text.contains("65536 ranks") && text.contains("limit")
            }
        }
        #expect(seconds < 10)
    }

    @Test func exabyteCollectiveIsAClearError() throws {
        // 1e12 MiB ≈ 1 EB: traffic counters would overflow Int64 (used to trap in Accounting).
        let yaml = """
            cluster: {preset: dgx1-v100}
            collectives: [{op: allreduce, algorithm: ring, size: 1e12 MiB}]
            """
        #expect {
            _ = try simulate(yaml)
        } throws: { error in "\(error)".contains("EB") }
    }

    @Test func petabyteSizesFinishQuickly() throws {
        // Petabytes cut into 4 MiB chunks would be hundreds of millions of pieces; the chunk cap keeps
        // one collective to a few million transfers, so this must answer (report or error) in seconds.
        let yaml = """
            cluster: {preset: dgx1-v100}
            collectives: [{op: allreduce, algorithm: ring, sizes: [1000 TB]}]
            """
        let seconds = timed { _ = try? simulate(yaml) }
        #expect(seconds < 10)
    }
}
