import LinkscopeUnits

/// NVLink capacities among a GPU subset, in bytes/s per direction, indexed by rank (position in
/// the subset). Only the job's GPUs and NVSwitches carry traffic: a GPU outside the subset never
/// relays (Blink, docs/cost-model.md §10 step 1).
///
/// Two kinds of capacity:
/// - `direct[i][j]`: GPU-to-GPU NVLink arcs (all lanes summed).
/// - NVSwitch domains (NVSwitches joined by NVLink): each GPU's `up[i]` (GPU→switches) and
///   `down[i]` (switches→GPU) totals. The crossbar is non-blocking (docs/hardware.md §6), so a GPU pair
///   in one domain is limited only by those totals.
public struct NVLinkCapacity: Sendable {
    /// The subset, as GPU numbers, in rank order.
    public let gpus: [Int]
    /// Number of GPUs in the subset.
    public var count: Int { gpus.count }
    /// GPU-to-GPU NVLink capacity, bytes/s, `direct[i][j]` from rank i to rank j (all lanes).
    public internal(set) var direct: [[Double]]
    /// Each rank's total NVLink capacity into its NVSwitch domain, bytes/s.
    public internal(set) var up: [Double]
    /// Each rank's total NVLink capacity out of its NVSwitch domain, bytes/s.
    public internal(set) var down: [Double]
    /// NVSwitch domain of each rank, nil when the GPU has no switch.
    public let domain: [Int?]

    /// Builds the capacities of `gpus` (GPU numbers, assumed valid and distinct).
    public init(_ topology: Topology, gpus: [Int]) {
        self.gpus = gpus
        let k = gpus.count
        var rank = [Int: Int]()
        for (r, g) in gpus.enumerated() { rank[topology.gpus[g]] = r }
        // Label NVSwitch domains by flood fill over switch-to-switch NVLinks, in device order.
        var label = [Int](repeating: -1, count: topology.devices.count)
        var next = 0
        for (v, d) in topology.devices.enumerated() where d.kind == .nvswitch && label[v] < 0 {
            var stack = [v]
            label[v] = next
            while let u = stack.popLast() {
                for l in topology.outgoing[u] {
                    let w = topology.links[l].to
                    if topology.links[l].kind == .nvlink && topology.devices[w].kind == .nvswitch && label[w] < 0 {
                        label[w] = next
                        stack.append(w)
                    }
                }
            }
            next += 1
        }
        var direct = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var up = [Double](repeating: 0, count: k), down = [Double](repeating: 0, count: k)
        var domain = [Int?](repeating: nil, count: k)
        for (i, g) in gpus.enumerated() {
            let v = topology.gpus[g]
            for l in topology.outgoing[v] where topology.links[l].kind == .nvlink {
                let link = topology.links[l]
                if let j = rank[link.to] {
                    direct[i][j] += link.bandwidth.bytesPerSecond
                } else if topology.devices[link.to].kind == .nvswitch {
                    up[i] += link.bandwidth.bytesPerSecond
                    domain[i] = domain[i] ?? label[link.to]
                }
            }
            for l in topology.incoming[v] where topology.links[l].kind == .nvlink {
                if topology.devices[topology.links[l].from].kind == .nvswitch {
                    down[i] += topology.links[l].bandwidth.bytesPerSecond
                }
            }
        }
        self.direct = direct
        self.up = up
        self.down = down
        self.domain = domain
    }

    /// True when `i` and `j` share an NVSwitch domain.
    public func switched(_ i: Int, _ j: Int) -> Bool {
        guard let a = domain[i], let b = domain[j] else { return false }
        return a == b
    }

    /// NVLink-adjacent: a direct arc or a shared switch domain.
    public func adjacent(_ i: Int, _ j: Int) -> Bool { direct[i][j] > 0 || switched(i, j) }

    /// Per-arc capacities for tree packing and max-flow, bytes/s. A switch domain with `m` subset
    /// GPUs is spread evenly: each ordered pair gets `min(up_i, down_j)/(m − 1)`, so every GPU's
    /// arcs together use exactly its uplink, max-flow between any two is the uplink, and the
    /// all-singletons Nash-Williams bound equals the ring bound `m·U / (2(m − 1))` (formulas §10).
    public func arcCapacities() -> [[Double]] {
        var members = [Int: Int]()
        for d in domain { if let d { members[d, default: 0] += 1 } }
        var c = direct
        for i in 0..<count {
            for j in 0..<count where i != j && switched(i, j) {
                let m = Double(members[domain[i] ?? -1] ?? 2)
                c[i][j] += min(up[i], down[j]) / max(1, m - 1)
            }
        }
        return c
    }

    /// True when every pair is switch-connected and no direct GPU–GPU arc exists (NVSwitch box).
    public var isPureSwitch: Bool {
        guard count > 1 else { return false }
        for i in 0..<count {
            for j in 0..<count where i != j {
                if direct[i][j] > 0 || !switched(i, j) { return false }
            }
        }
        return true
    }
}
