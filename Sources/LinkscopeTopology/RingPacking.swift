import LinkscopeUnits

/// One directed ring (a channel, as in NCCL): GPU numbers in send order, closing back to the first.
public struct RingChannel: Sendable, Hashable {
    /// GPU numbers in order; GPU `gpus[i]` sends to `gpus[(i+1) % n]`.
    public var gpus: [Int]
    /// Rate this ring may run at, per direction.
    public var rate: Bandwidth
}

/// Several directed rings sharing the NVLink capacities (docs/cost-model.md §6: r concurrent rings give
/// `B_ring,eff = Σ_rings min_link`). Multi-ring all-reduce splits the buffer by `rate / totalRate`.
public struct RingPacking: Sendable, Hashable {
    /// The rings, in the order they were packed (widest first).
    public var rings: [RingChannel]
    /// `B_ring,eff`: the sum of the rings' rates.
    public var totalRate: Bandwidth { rings.reduce(Bandwidth(bytesPerSecond: 0)) { $0 + $1.rate } }
}

/// Greedy packing of NVLink Hamiltonian cycles: repeatedly take the directed Hamiltonian cycle
/// with the widest residual bottleneck (exact branch-and-bound search), charge its rate, repeat.
///
/// A ring hop `i → j` draws on the direct arc first, then on `up[i]` and `down[j]` of a shared
/// NVSwitch domain (one send and one receive per GPU per ring, so the switch charge is exact).
/// Greedy is not optimal in general, but on the DGX-1 V100 it finds the NCCL decomposition: the
/// double-link ring 0-1-3-2-6-7-5-4 both ways at 50 GB/s, then the single-link ring
/// 0-2-1-5-6-4-7-3 both ways at 25 GB/s: 150 GB/s per direction, every lane busy.
struct RingPacker {
    var capacity: NVLinkCapacity
    /// Search steps allowed per round (keeps pathological custom graphs bounded).
    var budget = 2_000_000

    init(_ capacity: NVLinkCapacity) { self.capacity = capacity }

    func hopRate(_ i: Int, _ j: Int) -> Double {
        capacity.direct[i][j] + (capacity.switched(i, j) ? min(capacity.up[i], capacity.down[j]) : 0)
    }

    /// The widest directed Hamiltonian cycle from rank 0 (ties: first in lexicographic order).
    func widestCycle() -> (order: [Int], rate: Double)? {
        let k = capacity.count
        guard k >= 2 else { return nil }
        var best: (order: [Int], rate: Double)?
        var path = [0]
        var used = [Bool](repeating: false, count: k)
        used[0] = true
        var steps = 0
        let floor = 1e-6 * max(capacity.up.max() ?? 0, capacity.direct.joined().max() ?? 0)
        func dfs(_ width: Double) {
            steps += 1
            if steps > budget { return }
            let last = path[path.count - 1]
            if path.count == k {
                let w = min(width, hopRate(last, 0))
                if w > floor && w > (best?.rate ?? 0) { best = (path, w) }
                return
            }
            for v in 1..<k where !used[v] {
                let w = min(width, hopRate(last, v))
                if w <= floor || w <= (best?.rate ?? 0) { continue }
                used[v] = true
                path.append(v)
                dfs(w)
                path.removeLast()
                used[v] = false
            }
        }
        dfs(.infinity)
        return best
    }

    mutating func charge(_ order: [Int], _ rate: Double) {
        for (n, i) in order.enumerated() {
            let j = order[(n + 1) % order.count]
            let fromDirect = min(capacity.direct[i][j], rate)
            capacity.direct[i][j] -= fromDirect
            let rest = rate - fromDirect
            if rest > 0 {
                capacity.up[i] = max(0, capacity.up[i] - rest)
                capacity.down[j] = max(0, capacity.down[j] - rest)
            }
        }
    }

    /// Packs rings until no NVLink Hamiltonian cycle is left (at most `maxRings`).
    mutating func pack(maxRings: Int = 32) -> RingPacking {
        var rings: [RingChannel] = []
        while rings.count < maxRings, let (order, rate) = widestCycle() {
            charge(order, rate)
            rings.append(RingChannel(gpus: order.map { capacity.gpus[$0] }, rate: Bandwidth(bytesPerSecond: rate)))
        }
        return RingPacking(rings: rings)
    }
}

extension Topology {
    /// NVLink ring packing for GPU numbers `gpus` (see `RingPacker`); empty when no NVLink
    /// Hamiltonian cycle exists among them.
    public func ringPacking(gpus: [Int]) -> RingPacking {
        var packer = RingPacker(NVLinkCapacity(self, gpus: gpus))
        return packer.pack()
    }

    /// Distinct NVLink Hamiltonian cycles among `gpus` (undirected, starting at `gpus[0]`, the
    /// smaller neighbour second), those used by `ringPacking`; empty when none exists.
    public func nvlinkRings(gpus: [Int]) -> [[Int]] {
        var seen: [[Int]] = []
        for ring in ringPacking(gpus: gpus).rings {
            var g = ring.gpus
            if g.count > 2, let second = g.dropFirst().first, let last = g.last, last < second {
                g = [g[0]] + g.dropFirst().reversed()
            }
            if !seen.contains(g) { seen.append(g) }
        }
        return seen
    }

    /// Best single ring over any links, each hop on its `route` (NVLink, or PCIe/QPI/network
    /// fallback), links shared by several hops divided among them (docs/cost-model.md §6, last rule).
    /// Every order is tried for up to 8 GPUs; larger sets try the given order and the NVLink rings.
    /// - Returns: the ring (GPU numbers) and its bottleneck rate, nil for fewer than 2 GPUs or
    ///   when some hop has no route.
    public func bestRoutedRing(gpus: [Int]) -> (gpus: [Int], rate: Bandwidth)? {
        let k = gpus.count
        guard k >= 2 else { return nil }
        var table = RouteTable(self)
        // Hop routes on demand: all k² for small sets, only the candidates' hops for large ones.
        var routes = [Int: [Int]]()
        var unroutable = false
        func hop(_ i: Int, _ j: Int) -> [Int] {
            if let r = routes[i * k + j] { return r }
            let r = table.route(fromGPU: gpus[i], toGPU: gpus[j])
            if r == nil { unroutable = true }
            routes[i * k + j] = r ?? []
            return r ?? []
        }
        var load = [Int](repeating: 0, count: links.count)
        func rate(_ order: [Int]) -> Double {
            var touched: [Int] = []
            for (n, i) in order.enumerated() {
                for l in hop(i, order[(n + 1) % k]) {
                    if load[l] == 0 { touched.append(l) }
                    load[l] += 1
                }
            }
            var r = Double.infinity
            for l in touched {
                r = min(r, links[l].bandwidth.bytesPerSecond / Double(load[l]))
                load[l] = 0
            }
            return r
        }
        var candidates: [[Int]] = []
        if k <= 8 {
            var perm = Array(1..<k)
            candidates.append([0] + perm)
            while nextPermutation(&perm) { candidates.append([0] + perm) }
        } else {
            candidates.append(Array(0..<k))
            let rank = Dictionary(uniqueKeysWithValues: gpus.enumerated().map { ($1, $0) })
            for ring in ringPacking(gpus: gpus).rings { candidates.append(ring.gpus.compactMap { rank[$0] }) }
        }
        var best: (order: [Int], rate: Double)?
        for c in candidates where c.count == k {
            let r = rate(c)
            if unroutable { return nil }
            if r > (best?.rate ?? -1) { best = (c, r) }
        }
        guard let best else { return nil }
        return (best.order.map { gpus[$0] }, Bandwidth(bytesPerSecond: best.rate))
    }
}

/// Advances to the next lexicographic permutation; false after the last one.
func nextPermutation(_ a: inout [Int]) -> Bool {
    guard a.count > 1 else { return false }
    var i = a.count - 2
    while i >= 0 && a[i] >= a[i + 1] { i -= 1 }
    if i < 0 { return false }
    var j = a.count - 1
    while a[j] <= a[i] { j -= 1 }
    a.swapAt(i, j)
    a[(i + 1)...].reverse()
    return true
}
