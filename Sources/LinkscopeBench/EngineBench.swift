import Foundation
import LinkscopeEngine
import LinkscopeFabric
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits

/// Engine benchmarks: raw event-queue throughput, then the max-min fair fabric on a ring
/// all-reduce over many GPUs. `linkscope-bench engine [--gpus N] [--bytes B] [--events N]`.
enum EngineBench {
    static func run(_ arguments: [String]) {
        let gpus = value(of: "--gpus", in: arguments) ?? 1024
        let bytes = value(of: "--bytes", in: arguments) ?? (1 << 30)
        let events = value(of: "--events", in: arguments) ?? 4_000_000
        fabricBench(gpus: gpus, totalBytes: Int64(bytes), leafSize: 0, strided: false)
        fabricBench(gpus: gpus, totalBytes: Int64(bytes), leafSize: 8, strided: false)
        fabricBench(gpus: gpus, totalBytes: Int64(bytes), leafSize: 8, strided: true)
        queueBench(events: events)
        print(String(format: "peak RSS (all)     %.0f MB", BenchSupport.peakRSSMegabytes()))
    }

    private static func value(of flag: String, in arguments: [String]) -> Int? {
        guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
        return Int(arguments[i + 1])
    }

    // MARK: Event queue

    private static func queueBench(events n: Int) {
        var rng = SplitMix64(seed: 1)
        var q = EventQueue<Int32>(minimumCapacity: n)
        var t0 = ContinuousClock.now
        for i in 0..<n { q.push(Int32(truncatingIfNeeded: i), at: Double(rng.next() >> 11) * 0x1p-53) }
        let push = seconds(since: t0)
        t0 = ContinuousClock.now
        var checksum = 0
        while let e = q.pop() { checksum &+= Int(e.payload) }
        let pop = seconds(since: t0)
        report("queue push", n, push)
        report("queue pop", n, pop)

        // Hold model: a steady population of pending events, pop one, push one later.
        let pendingCount = 100_000
        var hold = EventQueue<Int32>(minimumCapacity: pendingCount)
        for i in 0..<pendingCount { hold.push(Int32(i), at: Double(rng.next() >> 11) * 0x1p-53) }
        t0 = ContinuousClock.now
        for _ in 0..<n {
            guard let e = hold.pop() else { break }
            hold.push(e.payload, at: e.time + Double(rng.next() >> 11) * 0x1p-53)
            checksum &+= Int(e.payload)
        }
        report("queue hold 100k", n, seconds(since: t0))
        if checksum == 42 { print("") }  // keep the work observable
    }

    // MARK: Fabric

    /// GPUs on a star (`leafSize` 0: one switch, 50 GB/s up and down per GPU) or on leaves of
    /// `leafSize` GPUs with 100 GB/s uplinks to one spine; ring all-reduce of `totalBytes` in
    /// 2(N−1) steps of N transfers (chunk = totalBytes / N), step k of rank i after step k−1 of
    /// rank i−1 (its input) and of rank i (its own previous send). `strided` orders the ring so
    /// that every hop changes leaf: each leaf uplink then carries `leafSize` flows at once and all
    /// flows form one contended component.
    private static func fabricBench(gpus n: Int, totalBytes: Int64, leafSize: Int, strided: Bool) {
        var devices = (0..<n).map { DeviceSpec(id: "g\($0)", kind: .gpu, node: $0 / max(1, leafSize)) }
        var links: [LinkSpec] = []
        let gpuLink = Bandwidth.gigabytesPerSecond(50)
        if leafSize == 0 {
            devices.append(DeviceSpec(id: "sw", kind: .networkSwitch, node: -1))
            for g in 0..<n {
                links.append(LinkSpec(from: "g\(g)", to: "sw", bandwidth: gpuLink, latency: Seconds(1e-6), kind: .network))
            }
        } else {
            devices.append(DeviceSpec(id: "spine", kind: .networkSwitch, node: -1))
            for leaf in 0..<((n + leafSize - 1) / leafSize) {
                devices.append(DeviceSpec(id: "leaf\(leaf)", kind: .networkSwitch, node: -1))
                links.append(LinkSpec(from: "leaf\(leaf)", to: "spine", bandwidth: .gigabytesPerSecond(100),
                                      latency: Seconds(1e-6), kind: .network))
            }
            for g in 0..<n {
                links.append(LinkSpec(from: "g\(g)", to: "leaf\(g / leafSize)", bandwidth: gpuLink,
                                      latency: Seconds(5e-7), kind: .network))
            }
        }
        let topology: Topology
        do {
            topology = try Topology.custom(name: "bench", devices: devices, links: links)
        } catch {
            print("topology error: \(error)")
            return
        }
        var t0 = ContinuousClock.now
        let chunk = max(1, totalBytes / Int64(n))
        let steps = 2 * (n - 1)
        var schedule = Schedule()
        schedule.reserveCapacity(tasks: steps * n, dependencies: 2 * steps * n)
        let leaves = leafSize > 0 ? (n + leafSize - 1) / leafSize : 1
        let gpuAt: (Int) -> Int32 = { p in
            strided && n % max(1, leafSize) == 0 ? Int32((p % leaves) * leafSize + p / leaves) : Int32(p)
        }
        var previous = [TaskID](repeating: TaskID(0), count: n)
        for step in 0..<steps {
            var current = previous
            for rank in 0..<n {
                let kind = TaskKind.transfer(from: gpuAt(rank), to: gpuAt((rank + 1) % n), bytes: chunk,
                                             path: .automatic)
                if step == 0 {
                    current[rank] = schedule.add(kind)
                } else {
                    current[rank] = schedule.add(kind, after: [previous[(rank + n - 1) % n], previous[rank]])
                }
            }
            previous = current
        }
        let build = seconds(since: t0)
        t0 = ContinuousClock.now
        let result: ExecutionResult
        do {
            result = try FabricSimulator(topology: topology).run(schedule)
        } catch {
            print("fabric error: \(error)")
            return
        }
        let wall = seconds(since: t0)
        let name = leafSize == 0 ? "star" : "leaf\(leafSize)-spine" + (strided ? ", strided (contended)" : "")
        print("fabric ring \(n) GPUs, \(name), \(Format.bytes(totalBytes)) all-reduce")
        print("  tasks              \(schedule.count)")
        print(String(format: "  schedule build     %.3f s", build))
        print("  events             \(result.events) (+\(result.staleEvents) stale)")
        let busiest = result.linkBusy.indices.max { result.linkBytes[$0] < result.linkBytes[$1] } ?? 0
        print("  busiest link       \(topology.linkName(busiest)): \(Format.bytes(result.linkBytes[busiest]))")
        print(String(format: "  events/s           %.2f M", Double(result.events) / wall / 1e6))
        print(String(format: "  wall               %.3f s", wall))
        print(String(format: "  simulated makespan %.6f s", result.makespan))
        print(String(format: "  peak RSS so far    %.0f MB", BenchSupport.peakRSSMegabytes()))
    }

    // MARK: Helpers

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private static func report(_ what: String, _ n: Int, _ s: Double) {
        let padded = what.padding(toLength: 18, withPad: " ", startingAt: 0)
        print(String(format: "%@ %d events in %.3f s: %.2f M events/s", padded, n, s, Double(n) / s / 1e6))
    }
}
