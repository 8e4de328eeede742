import Testing
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits
@testable import LinkscopeFabric

/// A deliberately slow, obviously-correct fabric: at every step it re-solves max-min fair rates of
/// all active flows from scratch, advances to the next event, and repeats. No components, no
/// versions, no heaps. Shares the fabric's semantics, none of its code.
struct ReferenceFabric {
    let topology: Topology
    var efficiency: Double = 1

    struct Result {
        var start: [Double]
        var end: [Double]
        var linkBytes: [Int64]
        var linkBusy: [Double]
    }

    private struct ActiveFlow {
        var task: Int
        var links: [Int]
        var bytes: Double
        var remaining: Double
        var latency: Double
    }

    /// Max-min fair rates by the textbook loop: find the link with the least residual share,
    /// freeze its flows at that share, repeat.
    private func waterfill(_ flows: [ActiveFlow]) -> [Double] {
        var rate = Array(repeating: 0.0, count: flows.count)
        var frozen = Array(repeating: false, count: flows.count)
        var residual = topology.links.map { $0.bandwidth.bytesPerSecond * efficiency }
        while true {
            var count = Array(repeating: 0, count: residual.count)
            for (f, flow) in flows.enumerated() where !frozen[f] { for l in flow.links { count[l] += 1 } }
            var best = -1
            var share = Double.infinity
            for l in residual.indices where count[l] > 0 && residual[l] / Double(count[l]) < share {
                share = residual[l] / Double(count[l])
                best = l
            }
            guard best >= 0 else { return rate }
            for (f, flow) in flows.enumerated() where !frozen[f] && flow.links.contains(best) {
                frozen[f] = true
                rate[f] = share
                for l in flow.links { residual[l] -= share }
            }
        }
    }

    func run(_ s: Schedule) -> Result {
        let n = s.count
        var start = Array(repeating: 0.0, count: n)
        var end = Array(repeating: 0.0, count: n)
        var linkBytes = Array(repeating: Int64(0), count: topology.links.count)
        var linkBusy = Array(repeating: 0.0, count: topology.links.count)
        var successors = Array(repeating: [Int](), count: n)
        var pending = Array(repeating: 0, count: n)
        for i in 0..<n {
            for d in s.dependencies(of: TaskID(i)) {
                successors[d.index].append(i)
                pending[i] += 1
            }
        }
        var timed: [(time: Double, seq: Int, task: Int)] = []
        var seq = 0
        var flows: [ActiveFlow] = []
        var laneKeys: [Int] = []  // creation order
        var laneBusy: [Bool] = []
        var laneWaiting: [[(ready: Double, task: Int)]] = []
        var now = 0.0

        func laneOf(_ device: Int32, _ lane: UInt8) -> Int {
            let key = Int(device) << 8 | Int(lane)
            if let i = laneKeys.firstIndex(of: key) { return i }
            laneKeys.append(key)
            laneBusy.append(false)
            laneWaiting.append([])
            return laneKeys.count - 1
        }
        func at(_ time: Double, _ task: Int) {
            timed.append((time, seq, task))
            seq += 1
        }
        func begin(_ i: Int) {
            switch s.tasks[i].kind {
            case .delay(let seconds):
                start[i] = now
                at(now + max(0, seconds), i)
            case .compute(let device, _, let lane):
                laneWaiting[laneOf(device, lane)].append((now, i))
            case .transfer(let from, let to, let bytes, let path):
                start[i] = now
                if from == to {
                    at(now, i)
                    return
                }
                let pref: PathPreference = path == .automatic ? .automatic : (path == .avoidNVLink ? .avoidNVLink : .nvlinkOnly)
                let route = topology.route(from: Int(from), to: Int(to), preference: pref) ?? []
                let latency = route.reduce(0.0) { $0 + topology.links[$1].latency.value }
                if bytes <= 0 {
                    at(now + latency, i)
                } else {
                    for l in route { linkBytes[l] += bytes }
                    flows.append(ActiveFlow(task: i, links: route, bytes: Double(bytes), remaining: Double(bytes),
                                            latency: latency))
                }
            }
        }

        for i in 0..<n where pending[i] == 0 { begin(i) }
        while true {
            var progress = true
            while progress {
                progress = false
                while let k = timed.indices.filter({ timed[$0].time <= now })
                    .min(by: { (timed[$0].time, timed[$0].seq) < (timed[$1].time, timed[$1].seq) }) {
                    let e = timed.remove(at: k)
                    end[e.task] = now
                    if case .compute(let device, _, let lane) = s.tasks[e.task].kind { laneBusy[laneOf(device, lane)] = false }
                    for x in successors[e.task] {
                        pending[x] -= 1
                        if pending[x] == 0 { begin(x) }
                    }
                    progress = true
                }
                for l in laneKeys.indices where !laneBusy[l] && !laneWaiting[l].isEmpty {
                    let k = laneWaiting[l].indices.min {
                        (laneWaiting[l][$0].ready, laneWaiting[l][$0].task) < (laneWaiting[l][$1].ready, laneWaiting[l][$1].task)
                    } ?? 0
                    let w = laneWaiting[l].remove(at: k)
                    laneBusy[l] = true
                    start[w.task] = now
                    if case .compute(_, let seconds, _) = s.tasks[w.task].kind { at(now + (seconds > 0 ? seconds : 0), w.task) }
                    progress = true
                }
            }
            if flows.isEmpty && timed.isEmpty { break }
            let rates = waterfill(flows)
            var next = timed.map(\.time).min() ?? .infinity
            var first = -1
            for (f, flow) in flows.enumerated() where now + flow.remaining / rates[f] < next {
                next = now + flow.remaining / rates[f]
                first = f
            }
            let dt = next - now
            var busy = Array(repeating: false, count: linkBusy.count)
            for flow in flows { for l in flow.links { busy[l] = true } }
            for l in busy.indices where busy[l] { linkBusy[l] += dt }
            for f in flows.indices { flows[f].remaining -= rates[f] * dt }
            now = next
            var kept: [ActiveFlow] = []
            for (f, flow) in flows.enumerated() {
                if f == first || flow.remaining <= 1e-9 * flow.bytes {
                    at(now + flow.latency, flow.task)
                } else {
                    kept.append(flow)
                }
            }
            flows = kept
        }
        return Result(start: start, end: end, linkBytes: linkBytes, linkBusy: linkBusy)
    }
}

/// Random topologies and DAGs for cross-checks.
enum RandomCase {
    static func topology(_ rng: inout SplitMix64) throws -> Topology {
        func bw() -> Double { Double(Int.random(in: 1...40, using: &rng)) * 2.5e8 }
        func lat() -> Double { Double(Int.random(in: 0...5, using: &rng)) * 1e-6 }
        var links: [L] = []
        for i in 0..<6 { links.append(("g\(i)", "s\(i % 2)", bw(), lat())) }
        links.append(("s0", "s1", bw(), lat()))
        links.append(("g0", "g3", bw(), lat()))
        links.append(("g2", "g5", bw(), lat()))
        return try LinkscopeFabricTests.topology(gpus: (0..<6).map { "g\($0)" }, switches: ["s0", "s1"], links: links)
    }

    static func schedule(_ rng: inout SplitMix64, tasks: Int) -> Schedule {
        var s = Schedule()
        for i in 0..<tasks {
            var deps: [TaskID] = []
            if i > 0 {
                for _ in 0..<Int.random(in: 0...3, using: &rng) { deps.append(TaskID(Int.random(in: 0..<i, using: &rng))) }
            }
            let roll = Int.random(in: 0..<100, using: &rng)
            let kind: TaskKind
            if roll < 55 {
                let a = Int.random(in: 0..<6, using: &rng)
                let b = roll < 3 ? a : (a + Int.random(in: 1..<6, using: &rng)) % 6
                let bytes: Int64 = roll < 6 ? 0 : Int64.random(in: 1...50_000_000, using: &rng)
                kind = transfer(a, b, bytes)
            } else if roll < 85 {
                kind = .compute(device: Int32.random(in: 0..<6, using: &rng), seconds: Double.random(in: 0..<5e-3, using: &rng),
                                lane: UInt8.random(in: 0...1, using: &rng))
            } else {
                kind = .delay(seconds: roll < 88 ? 0 : Double.random(in: 0..<2e-3, using: &rng))
            }
            s.add(kind, after: deps)
        }
        return s
    }
}

@Suite struct FabricReferenceTests {
    func strictlyClose(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-15 }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomDAGMatchesReference(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let t = try RandomCase.topology(&rng)
        let s = RandomCase.schedule(&rng, tasks: 250)
        let efficiency = seed % 2 == 0 ? 1 : 0.8
        let got = try FabricSimulator(topology: t, options: FabricOptions(linkEfficiency: efficiency)).run(s)
        let want = ReferenceFabric(topology: t, efficiency: efficiency).run(s)
        var bad = 0
        for i in 0..<s.count where !strictlyClose(got.taskStart[i], want.start[i]) || !strictlyClose(got.taskEnd[i], want.end[i]) {
            bad += 1
            if bad <= 5 {
                Issue.record("task \(i) \(s.tasks[i].kind): start \(got.taskStart[i]) vs \(want.start[i]), end \(got.taskEnd[i]) vs \(want.end[i])")
            }
        }
        #expect(bad == 0)
        #expect(got.linkBytes == want.linkBytes)
        for l in want.linkBusy.indices {
            #expect(strictlyClose(got.linkBusy[l], want.linkBusy[l]), "link \(l) busy \(got.linkBusy[l]) vs \(want.linkBusy[l])")
        }
        #expect(strictlyClose(got.makespan, want.end.max() ?? 0))
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func sameScheduleTwiceGivesIdenticalResults(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let t = try RandomCase.topology(&rng)
        let s = RandomCase.schedule(&rng, tasks: 400)
        let sim = FabricSimulator(topology: t, options: FabricOptions(recordLinkHistory: true))
        let a = try sim.run(s)
        let b = try sim.run(s)
        #expect(a.taskStart == b.taskStart)
        #expect(a.taskEnd == b.taskEnd)
        #expect(a.taskRoutes == b.taskRoutes)
        #expect(a.linkBytes == b.linkBytes)
        #expect(a.linkBusy == b.linkBusy)
        #expect(a.linkHistory == b.linkHistory)
        #expect(a.events == b.events && a.staleEvents == b.staleEvents)
        #expect(a.makespan == b.makespan)
    }

    /// The recorded history integrates to the bytes each link carried.
    @Test(arguments: [21, 22] as [UInt64])
    func linkHistoryIntegratesToLinkBytes(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let t = try RandomCase.topology(&rng)
        let s = RandomCase.schedule(&rng, tasks: 300)
        let r = try FabricSimulator(topology: t, options: FabricOptions(recordLinkHistory: true)).run(s)
        let history = try #require(r.linkHistory)
        for l in history.indices {
            let carried = history[l].reduce(0.0) { $0 + ($1.end - $1.start) * $1.bytesPerSecond }
            #expect(abs(carried - Double(r.linkBytes[l])) <= 1e-6 * max(1, Double(r.linkBytes[l])), "link \(l)")
            let busy = history[l].reduce(0.0) { $0 + ($1.end - $1.start) }
            #expect(abs(busy - r.linkBusy[l]) <= 1e-9 * max(1e-9, r.linkBusy[l]), "link \(l) busy")
            for (a, b) in zip(history[l], history[l].dropFirst()) { #expect(a.end <= b.start) }
        }
    }
}
