import Foundation
import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeUnits
import Testing
@testable import LinkscopeReplay

/// Chakra graphs replayed over a modelled interconnect. Times in µs unless said otherwise.
struct ChakraReplayTests {
    static let topology: Topology = {
        do { return try Topology.preset("dgx-a100") } catch { fatalError("dgx-a100 preset: \(error)") }
    }()

    static func close(_ a: Double, _ b: Double, _ tol: Double = 0.01) -> Bool { abs(a - b) <= tol }

    func replay(_ graphs: [ChakraGraph], options: ChakraReplayOptions = ChakraReplayOptions(), gpus: [Int]? = nil)
        throws -> ReplayResult {
        try ChakraPlan(graphs: graphs, options: options).run(topology: Self.topology, gpus: gpus, algorithm: .ring)
    }

    static func etGraphs() throws -> [ChakraGraph] {
        try ChakraFixture.graphs({ ChakraFixture.allReduceET(rank: $0) }, name: { "chakra.\($0).et" })
    }

    /// Bandwidth out of GPU `a` (its NVLinks to the NVSwitches together: the fabric spreads a transfer over
    /// them) and the summed latency of the route from `a` to `b` (bytes/s, s).
    static func path(_ a: Int, _ b: Int) throws -> (bandwidth: Double, latency: Double) {
        let t = topology
        let da = try #require(t.device(ofGPU: a))
        let db = try #require(t.device(ofGPU: b))
        let route = try #require(t.route(from: da, to: db))
        let bw = t.outgoing[da].filter { t.links[$0].kind == .nvlink }.reduce(0.0) { $0 + t.links[$1].bandwidth.bytesPerSecond }
        let lat = route.reduce(0.0) { $0 + t.links[$1].latency.value }
        return (bw, lat)
    }

    @Test func twoRankAllReduceMatchesTheRingFormula() throws {
        let r = try replay(try Self.etGraphs(), gpus: [0, 1])
        #expect(r.worldSize == 2 && r.mirrored.isEmpty && r.gpus == [0, 1])
        let c = try #require(r.collectives.first)
        #expect(r.collectives.count == 1)
        #expect(c.op == "allreduce" && c.bytes == ChakraFixture.allReduceBytes && c.ranks == [0, 1])
        #expect(c.mode == .resimulated && c.algorithm == "ring" && c.processGroup == "0")
        // Ring all-reduce, N = 2: 2(N−1)/N · M/B of bandwidth time plus one path latency per step (2(N−1) steps).
        let (bw, lat) = try Self.path(0, 1)
        let n = 2.0, m = Double(ChakraFixture.allReduceBytes)
        let expected = 2 * (n - 1) / n * m / bw + 2 * (n - 1) * lat
        #expect(abs(c.predictedSeconds - expected) / expected < 0.01,
                "predicted \(c.predictedSeconds * 1e6) µs, formula \(expected * 1e6) µs")
        // Timing: the all-reduce starts when the slower rank (300 µs) is ready; bwd (50 µs) follows on both.
        let tAR = c.predictedSeconds * 1e6
        let ar0 = try #require(r.predictedTimeline.chakraTimes("nccl:all_reduce", rank: 0).first)
        let ar1 = try #require(r.predictedTimeline.chakraTimes("nccl:all_reduce", rank: 1).first)
        #expect(Self.close(ar0.0, 100) && Self.close(ar1.0, 300))
        #expect(Self.close(ar0.1, 300 + tAR) && Self.close(ar1.1, ar0.1))
        for rank in 0...1 {
            let bwd = try #require(r.predictedTimeline.chakraTimes("bwd", rank: rank).first)
            #expect(Self.close(bwd.0, 300 + tAR) && Self.close(bwd.1, 350 + tAR))
        }
        // Per rank: total, compute, communication (waiting included), idle.
        let p0 = r.ranks[0].predicted, p1 = r.ranks[1].predicted
        #expect(Self.close(p0.spanSeconds * 1e6, 350 + tAR) && Self.close(p1.spanSeconds * 1e6, 350 + tAR))
        #expect(Self.close(p0.computeSeconds * 1e6, 150) && Self.close(p1.computeSeconds * 1e6, 350))
        #expect(Self.close(p0.communicationSeconds * 1e6, 200 + tAR) && Self.close(p1.communicationSeconds * 1e6, tAR))
        #expect(Self.close(p0.idleSeconds * 1e6, 0) && Self.close(p1.idleSeconds * 1e6, 0))
        #expect(Self.close(r.iterations[0].predictedSeconds * 1e6, 350 + tAR))
        // No start times in the trace: no original figures, no original timeline.
        #expect(r.iterations[0].originalSeconds == 0 && r.originalTimeline.spans.isEmpty)
        #expect(r.predictedTimeline.collectives.count == 1)
        #expect(r.warnings.isEmpty, "\(r.warnings)")
    }

    @Test func jsonizerAndFeederFormsGiveIdenticalResults() throws {
        let et = try Self.etGraphs()
        let jsonizer = try ChakraFixture.graphs({ Array(ChakraFixture.allReduceJsonizer(rank: $0).utf8) }, name: { "chakra.\($0).json" })
        let feeder = try ChakraFixture.graphs({ Array(ChakraFixture.allReduceFeeder(rank: $0).utf8) }, name: { "feeder.\($0).json" })
        #expect(jsonizer.map(\.format) == [.jsonizer, .jsonizer] && feeder.map(\.format) == [.feeder, .feeder])
        #expect(jsonizer[0].version == "0.0.4" && jsonizer[0].metadata.map(\.name) == ["schema", "pid"])
        func summary(_ gs: [ChakraGraph]) throws -> String {
            let r = try replay(gs, gpus: [0, 1])
            var s = r.ranks.map { "\($0.rank) \($0.predicted)" }.joined(separator: "\n")
            s += r.collectives.map { "\($0.op) \($0.bytes) \($0.ranks) \($0.mode) \($0.predictedSeconds)" }.joined(separator: "\n")
            s += r.iterations.map { "\($0.predictedSeconds)" }.joined()
            return s
        }
        let reference = try summary(et)
        #expect(try summary(jsonizer) == reference)
        #expect(try summary(feeder) == reference)
        // Same node content from all three readers.
        for (a, b) in zip(et[1].nodes, jsonizer[1].nodes) {
            #expect(a.id == b.id && a.name == b.name && a.type == b.type && a.durationMicros == b.durationMicros)
            #expect(a.commType == b.commType && a.commSize == b.commSize && a.pgName == b.pgName)
            #expect(a.ctrlDeps + a.dataDeps == b.ctrlDeps + b.dataDeps)
        }
    }

    @Test func committedFixtureFilesMatchTheInCodeOnes() throws {
        let dir = ChakraFixture.fixtures.path
        let files: [(String, [UInt8])] = [0, 1].flatMap { r in
            [("chakra.\(r).et", ChakraFixture.allReduceET(rank: r)),
             ("jsonizer/chakra.\(r).json", Array(ChakraFixture.allReduceJsonizer(rank: r).utf8)),
             ("feeder/chakra.\(r).json", Array(ChakraFixture.allReduceFeeder(rank: r).utf8))]
        }
        if ProcessInfo.processInfo.environment["LINKSCOPE_WRITE_FIXTURES"] == "1" {
            for (name, bytes) in files {
                let url = URL(fileURLWithPath: dir + "/" + name)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url)
            }
        }
        for (name, bytes) in files {
            let g = try ChakraReader.read(path: dir + "/" + name)
            #expect(try ChakraReader.load(dir + "/" + name) == bytes, "\(name) differs from the in-code fixture")
            #expect(g.rank == ChakraReader.rank(fromFileName: name))
        }
        let graphs = try ChakraReader.read(paths: [dir + "/chakra.1.et", dir + "/chakra.0.et"])
        #expect(graphs.map(\.rank) == [0, 1])
        #expect(throws: ReplayError.self) { try ChakraReader.read(paths: [dir + "/chakra.0.et", dir + "/jsonizer/chakra.0.json"]) }
        #expect(throws: ReplayError.self) { try ChakraReader.read(path: dir + "/missing.et") }
        #expect(ChakraReader.looksLikeChakra(path: dir + "/jsonizer/chakra.0.json"))
        #expect(ChakraReader.looksLikeChakra(path: dir + "/feeder/chakra.0.json"))
    }

    // MARK: Send/recv

    static func p2pRank(_ rank: Int) -> ChakraGraph {
        func comm(_ id: UInt64, _ type: ChakraNodeType, size: Int64, tag: Int64, deps: [UInt64]) -> ChakraNode {
            ChakraNode(id: id, name: "\(type == .commSend ? "send" : "recv")#\(id)", type: type, dataDeps: deps, attributes: [
                ChakraAttribute(name: "comm_size", value: .int(size)), ChakraAttribute(name: "comm_src", value: .int(0)),
                ChakraAttribute(name: "comm_dst", value: .int(1)), ChakraAttribute(name: "comm_tag", value: .int(tag))])
        }
        if rank == 0 {
            return ChakraGraph(file: "p2p.0.et", rank: 0, format: .protobuf, nodes: [
                ChakraNode(id: 1, name: "produce", type: .comp, durationMicros: 10),
                comm(2, .commSend, size: 1 << 20, tag: 5, deps: [1]),
                comm(3, .commSend, size: 32 << 20, tag: 5, deps: [2]),
            ])
        }
        return ChakraGraph(file: "p2p.1.et", rank: 1, format: .protobuf, nodes: [
            ChakraNode(id: 1, name: "warmup", type: .comp, durationMicros: 40),
            comm(2, .commRecv, size: 1 << 20, tag: 5, deps: [1]),
            comm(3, .commRecv, size: 32 << 20, tag: 5, deps: [1]),
            ChakraNode(id: 4, name: "consume", type: .comp, dataDeps: [3], durationMicros: 5),
        ])
    }

    @Test func sendRecvPairsAreMatchedInOrderAndTransferred() throws {
        let r = try replay([Self.p2pRank(0), Self.p2pRank(1)], gpus: [0, 1])
        #expect(r.collectives.count == 2)
        #expect(r.collectives.map(\.op) == ["sendrecv", "sendrecv"] && r.collectives.map(\.ranks) == [[0, 1], [0, 1]])
        #expect(r.collectives.map(\.bytes) == [1 << 20, 32 << 20], "k-th send meets k-th recv")
        #expect(r.collectives.allSatisfy { $0.mode == .resimulated })
        let (bw, lat) = try Self.path(0, 1)
        let first = 1e6 * (Double(1 << 20) / bw + lat)
        let second = 1e6 * (Double(32 << 20) / bw + lat)
        // First transfer: both ready at 40 (recv waits for warmup). Second: the send follows the first send.
        let s2 = try #require(r.predictedTimeline.chakraTimes("send#2", rank: 0).first)
        let r2 = try #require(r.predictedTimeline.chakraTimes("recv#2", rank: 1).first)
        #expect(Self.close(s2.0, 10) && Self.close(r2.0, 40))
        #expect(Self.close(s2.1, 40 + first) && Self.close(r2.1, s2.1))
        let s3 = try #require(r.predictedTimeline.chakraTimes("send#3", rank: 0).first)
        #expect(Self.close(s3.0, s2.1) && Self.close(s3.1, s2.1 + second, 0.05))
        let consume = try #require(r.predictedTimeline.chakraTimes("consume", rank: 1).first)
        #expect(Self.close(consume.0, s3.1) && Self.close(consume.1 - consume.0, 5))
        // With rank 1 missing the sends still cross the fabric (the peer is mirrored).
        let solo = try replay([Self.p2pRank(0)], gpus: [0, 1])
        #expect(solo.mirrored.map(\.rank) == [1] && solo.collectives.allSatisfy { $0.mode == .resimulated })
    }

    // MARK: Dependencies, mirroring, errors

    @Test func dependencyOrderIsRespected() throws {
        // Listed out of order; a diamond A → (B, C) → D plus a host op H that D also waits for.
        let g = ChakraGraph(file: "dag.0.et", rank: 0, format: .protobuf, nodes: [
            ChakraNode(id: 4, name: "D", type: .comp, ctrlDeps: [2], dataDeps: [3, 5], durationMicros: 10),
            ChakraNode(id: 2, name: "B", type: .comp, dataDeps: [1], durationMicros: 50),
            ChakraNode(id: 3, name: "C", type: .comp, dataDeps: [1], durationMicros: 70),
            ChakraNode(id: 1, name: "A", type: .comp, durationMicros: 100),
            ChakraNode(id: 5, name: "H", type: .comp, durationMicros: 400,
                       attributes: [ChakraAttribute(name: "is_cpu_op", value: .bool(true))]),
            ChakraNode(id: 6, name: "M", type: .memLoad, dataDeps: [1], durationMicros: 30),
            ChakraNode(id: 7, name: "meta", type: .metadata, dataDeps: [99]),
        ])
        let r = try replay([g])
        let tl = r.predictedTimeline
        func t(_ n: String) throws -> (Double, Double) { try #require(tl.chakraTimes(n, rank: 0).first) }
        let a = try t("A"), b = try t("B"), c = try t("C"), d = try t("D"), h = try t("H"), m = try t("M")
        #expect(Self.close(a.0, 0) && Self.close(a.1, 100))
        #expect(b.0 >= a.1 - 0.01 && c.0 >= a.1 - 0.01 && m.0 >= a.1 - 0.01)
        #expect(Self.close(b.0, 100) && Self.close(c.0, 150), "B and C share the GPU lane, in graph order")
        #expect(Self.close(m.0, 100), "memory runs on its own lane")
        #expect(Self.close(h.0, 0) && Self.close(h.1, 400), "the host op overlaps GPU work")
        #expect(Self.close(d.0, 400) && Self.close(d.1, 410), "D waits for B, C and the host op")
        let p = r.ranks[0].predicted
        #expect(Self.close(p.computeSeconds * 1e6, 230) && Self.close(p.memorySeconds * 1e6, 30))
        #expect(Self.close(p.spanSeconds * 1e6, 410) && Self.close(p.idleSeconds * 1e6, 180))
        #expect(r.warnings.contains { $0.contains("1 dependency on node ids not in the file") })
    }

    @Test func missingRankIsMirrored() throws {
        let graphs = try Self.etGraphs()
        let plan = try ChakraPlan(graphs: [graphs[0]], options: ChakraReplayOptions(worldSize: 4))
        #expect(plan.worldSize == 4 && plan.givenRanks == [0])
        #expect(plan.mirrored.map(\.rank) == [1, 2, 3] && plan.mirrored.allSatisfy { $0.source == 0 })
        #expect(plan.warnings.contains { $0.contains("mirrored from rank 0") })
        let r = try plan.run(topology: Self.topology, gpus: [0, 1, 2, 3])
        let c = try #require(r.collectives.first)
        #expect(c.ranks == [0, 1, 2, 3] && c.mode == .resimulated, "the all-reduce spans every GPU")
        #expect(r.ranks.map(\.mirrors) == [[1, 2, 3]])
        // A 4-GPU all-reduce of the same size is slower than the 2-GPU one on the same NVSwitch (2(N−1)/N).
        let two = try replay(graphs, gpus: [0, 1])
        #expect(c.predictedSeconds > two.collectives[0].predictedSeconds)
    }

    @Test func badGraphsThrow() throws {
        #expect(throws: ReplayError.self) { try ChakraPlan(graphs: []) }
        let cyclic = ChakraGraph(file: "cyc.0.et", rank: 0, format: .protobuf, nodes: [
            ChakraNode(id: 1, name: "a", type: .comp, dataDeps: [2]), ChakraNode(id: 2, name: "b", type: .comp, dataDeps: [1])])
        #expect(throws: ReplayError.self) { try ChakraPlan(graphs: [cyclic]) }
        let graphs = try Self.etGraphs()
        #expect(throws: ReplayError.self) { try ChakraPlan(graphs: [graphs[0], graphs[0]]) }
        let plan = try ChakraPlan(graphs: graphs)
        #expect(throws: ReplayError.self) { try plan.run(topology: Self.topology, gpus: [0]) }
        #expect(throws: ReplayError.self) { try plan.run(topology: Self.topology, gpus: [0, 99]) }
        #expect(throws: ReplayError.self) { try ChakraPlan(graphs: graphs, options: ChakraReplayOptions(worldSize: 1)) }
        // A PyTorch Execution Trace is recognised and refused with advice.
        let et = #"{"schema": "1.0.2-chakra.0.0.4", "pid": 1, "nodes": [{"id": 1, "name": "[pytorch|profiler|execution_trace|process]"}]}"#
        #expect(throws: ReplayError.self) { try ChakraReader.decode(Array(et.utf8), file: "et.json") }
    }

    @Test func unknownSizeAndTypeKeepMeasuredDurations() throws {
        func rank(_ r: Int, attrs: [ChakraAttribute]) -> ChakraGraph {
            ChakraGraph(file: "k.\(r).et", rank: r, format: .protobuf, nodes: [
                ChakraNode(id: 1, name: "coll", type: .commColl, durationMicros: 250, attributes: attrs)])
        }
        let noSize = [ChakraAttribute(name: "comm_type", value: .int(2))]
        let r1 = try replay([rank(0, attrs: noSize), rank(1, attrs: noSize)])
        #expect(r1.collectives[0].mode == .keptSizeUnknown && r1.collectives[0].op == "allgather")
        #expect(Self.close(r1.collectives[0].predictedSeconds * 1e6, 250))
        let badType = [ChakraAttribute(name: "comm_type", value: .int(42)), ChakraAttribute(name: "comm_size", value: .int(1024))]
        let r2 = try replay([rank(0, attrs: badType), rank(1, attrs: badType)])
        #expect(r2.collectives[0].mode == .keptUnsupported && r2.collectives[0].op == "comm_type 42")
        let barrier = [ChakraAttribute(name: "comm_type", value: .int(9))]
        let r3 = try replay([rank(0, attrs: barrier), rank(1, attrs: barrier)])
        #expect(r3.collectives[0].mode == .resimulated && r3.collectives[0].op == "barrier" && r3.collectives[0].bytes == 0)
        #expect(r3.collectives[0].predictedSeconds == 0)
    }

    @Test func commSizeConventions() {
        #expect(ChakraCollectiveType.allGather.requestBytes(commSize: 100, ranks: 4) == 400)
        #expect(ChakraCollectiveType.gather.requestBytes(commSize: 100, ranks: 4) == 400)
        #expect(ChakraCollectiveType.allReduce.requestBytes(commSize: 100, ranks: 4) == 100)
        #expect(ChakraCollectiveType.reduceScatter.requestBytes(commSize: 100, ranks: 4) == 100)
        #expect(ChakraCollectiveType.allToAll.requestBytes(commSize: 100, ranks: 4) == 100)
        #expect(ChakraCollectiveType.barrier.requestBytes(commSize: 100, ranks: 4) == 0)
        #expect(ChakraCollectiveType.allGather.requestBytes(commSize: .max, ranks: 4) == .max)
        #expect(ChakraCollectiveType.reduceScatterBlock.op == .reducescatter && ChakraCollectiveType.barrier.op == .allreduce)
    }

    @Test func startTimesGiveAnOriginalComparison() throws {
        var graphs = try Self.etGraphs()
        for r in 0...1 {
            graphs[r].nodes[0].startMicros = 1_000
            graphs[r].nodes[1].startMicros = 1_000 + ChakraFixture.fwdMicros(rank: 1)
            graphs[r].nodes[1].durationMicros = r == 0 ? 900 : 700
            graphs[r].nodes[2].startMicros = 2_000
        }
        let r = try replay(graphs, gpus: [0, 1])
        #expect(Self.close(r.iterations[0].originalSeconds * 1e6, 1200), "first start 1000 → rank 0's all-reduce ends at 2200")
        #expect(Self.close(r.collectives[0].originalSeconds * 1e6, 900))
        #expect(!r.originalTimeline.spans.isEmpty)
        #expect(ReplayReport.text(r).contains("allreduce"))
    }

    // MARK: Robustness and determinism

    @Test func fuzzedInputsNeverCrash() throws {
        var rng = SplitMix64(seed: 0xC4A4_2A)
        let seeds: [(String, [UInt8])] = [
            ("f.et", ChakraFixture.allReduceET(rank: 0)),
            ("f.json", Array(ChakraFixture.allReduceJsonizer(rank: 0).utf8)),
            ("g.json", Array(ChakraFixture.allReduceFeeder(rank: 1).utf8)),
        ]
        var decoded = 0, rejected = 0
        for iteration in 0..<3000 {
            let (name, base) = seeds[iteration % seeds.count]
            var bytes = base
            switch rng.next() % 5 {
            case 0:  // truncate
                bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1))))
            case 1:  // flip bytes
                for _ in 0..<(1 + rng.next() % 4) where !bytes.isEmpty {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            case 2:  // insert random bytes
                for _ in 0..<(1 + rng.next() % 8) {
                    bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: Int(rng.next() % UInt64(bytes.count + 1)))
                }
            case 3:  // pure noise
                bytes = (0..<(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            default:  // delete a run
                if !bytes.isEmpty {
                    let at = Int(rng.next() % UInt64(bytes.count))
                    bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(rng.next() % 16)))
                }
            }
            do {
                let g = try ChakraReader.decode(bytes, file: name)
                decoded += 1
                _ = try? ChakraPlan(graphs: [g])
            } catch {
                rejected += 1
                let offset = error.position ?? -1
                #expect(offset >= 0 && offset <= bytes.count, "offset \(offset) of \(bytes.count) bytes")
            }
        }
        #expect(decoded > 0 && rejected > 0)
    }

    @Test func sameInputGivesIdenticalResults() throws {
        func once() throws -> String {
            let r = try replay(try Self.etGraphs() + [], gpus: [2, 5])
            let p = try replay([Self.p2pRank(0), Self.p2pRank(1)])
            return ReplayReport.json(r).serialized() + ReplayReport.json(p).serialized() + ChakraReport.text(r)
        }
        #expect(try once() == once())
    }
}

extension Timeline {
    /// (start, end) in µs of the spans named `name` on rank `rank`, in start order.
    func chakraTimes(_ name: String, rank: Int) -> [(Double, Double)] {
        spans.filter { names[Int($0.name)] == name && tracks[Int($0.track)].process == "rank \(rank)" }
            .sorted { $0.start < $1.start }
            .map { (Double($0.start) / 1e3, Double($0.end) / 1e3) }
    }
}
