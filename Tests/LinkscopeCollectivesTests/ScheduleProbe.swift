import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeSchedule

/// Byte accounting of a compiled schedule, per device and per directed pair.
struct ByteCounts {
    var sent: [Int32: Int64] = [:]
    var received: [Int32: Int64] = [:]
    var pairs: [Pair: Int64] = [:]
    var total: Int64 = 0
    var transfers = 0

    struct Pair: Hashable { var from: Int32, to: Int32 }

    init(_ s: Schedule, channel: Int16? = nil, path: TransferPath? = nil) {
        for t in s.tasks {
            guard case .transfer(let a, let b, let bytes, let p) = t.kind else { continue }
            if let channel, t.tag.instance != channel { continue }
            if let path, p != path { continue }
            sent[a, default: 0] += bytes
            received[b, default: 0] += bytes
            pairs[Pair(from: a, to: b), default: 0] += bytes
            total += bytes
            transfers += 1
        }
    }

    func sent(_ d: Int) -> Int64 { sent[Int32(d)] ?? 0 }
    func received(_ d: Int) -> Int64 { received[Int32(d)] ?? 0 }
}

/// Compiles one request into a fresh schedule.
func compiled(_ r: CollectiveRequest, after: [TaskID] = []) throws -> (Schedule, [TaskID]) {
    var s = Schedule()
    let finals = try CollectiveCompiler.compile(r, into: &s, after: after)
    return (s, finals)
}

func request(_ op: CollectiveOp, _ alg: Algorithm, ranks n: Int, bytes: Int64, chunk: Int64 = 1 << 40,
             root: Int = 0, gamma: Double = 0) -> CollectiveRequest {
    CollectiveRequest(op: op, algorithm: alg, bytes: bytes, participants: Array(0..<n), root: root,
                      chunkBytes: chunk, reductionSecondsPerByte: gamma, collectiveID: 7)
}

/// An idealised executor: every transfer takes `α + bytes/B` on its own directed link (FIFO by ready time),
/// computes run on their (device, lane) FIFO, delays take their time; a task starts when its dependencies
/// finished and its resource is free.
struct IdealExecutor {
    var alpha: Double
    var bandwidth: Double

    /// Finish time of every task.
    func run(_ s: Schedule) -> [Double] {
        let n = s.count
        var dependents = Array(repeating: [Int](), count: n)
        var missing = Array(repeating: 0, count: n)
        for i in 0..<n {
            for d in s.dependencies(of: TaskID(i)) {
                dependents[d.index].append(i)
                missing[i] += 1
            }
        }
        var readyAt = Array(repeating: 0.0, count: n)
        var finish = Array(repeating: 0.0, count: n)
        var heap = MinHeap()
        for i in 0..<n where missing[i] == 0 { heap.push(0, i) }
        var linkFree: [Int64: Double] = [:]
        while let (ready, i) = heap.pop() {
            var start = ready, duration = 0.0
            var key: Int64? = nil
            switch s.tasks[i].kind {
            case .transfer(let a, let b, let bytes, _):
                key = Int64(a) << 32 | Int64(b)
                duration = alpha + Double(bytes) / bandwidth
            case .compute(let d, let sec, let lane):
                key = -(Int64(d) << 8 | Int64(lane)) - 1
                duration = sec
            case .delay(let sec):
                duration = sec
            }
            if let key { start = max(start, linkFree[key] ?? 0) }
            finish[i] = start + duration
            if let key { linkFree[key] = finish[i] }
            for j in dependents[i] {
                readyAt[j] = max(readyAt[j], finish[i])
                missing[j] -= 1
                if missing[j] == 0 { heap.push(readyAt[j], j) }
            }
        }
        return finish
    }

    func makespan(_ s: Schedule) -> Double { run(s).max() ?? 0 }
}

/// Binary min-heap of (time, id), ties by id.
struct MinHeap {
    private var items: [(Double, Int)] = []
    private func less(_ a: (Double, Int), _ b: (Double, Int)) -> Bool { a.0 != b.0 ? a.0 < b.0 : a.1 < b.1 }
    mutating func push(_ t: Double, _ id: Int) {
        items.append((t, id))
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard less(items[i], items[p]) else { break }
            items.swapAt(i, p)
            i = p
        }
    }
    mutating func pop() -> (Double, Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count, less(items[l], items[m]) { m = l }
                if r < items.count, less(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}

func close(_ a: Double, _ b: Double, rel: Double = 1e-9) -> Bool {
    abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)
}
