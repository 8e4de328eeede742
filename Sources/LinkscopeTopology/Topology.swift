import LinkscopeUnits

/// A hardware graph: devices and directed links. A value type; build it once, share it freely.
public struct Topology: Sendable {
    /// Preset or scenario name of the topology.
    public var name: String
    /// Every device; links refer to them by index.
    public var devices: [Device]
    /// Every directed link.
    public var links: [Link]
    /// The GPU model every GPU of the topology has.
    public var gpuSpec: GPUSpec
    /// Device index of GPU number `g` (`gpus[g]`), ordered by `Device.gpuIndex`.
    public private(set) var gpus: [Int]
    /// Outgoing link indices per device, in link order (deterministic).
    public private(set) var outgoing: [[Int]]
    /// Incoming link indices per device.
    public private(set) var incoming: [[Int]]
    /// Number of machines.
    public var nodeCount: Int

    /// A topology; GPU numbers follow `Device.gpuIndex`, adjacency lists follow link order.
    /// - Complexity: O(devices + links).
    public init(name: String, devices: [Device], links: [Link], gpuSpec: GPUSpec, nodeCount: Int = 1) {
        self.name = name
        self.devices = devices
        self.links = links
        self.gpuSpec = gpuSpec
        self.nodeCount = nodeCount
        var gpuPairs: [(Int, Int)] = []
        for (i, d) in devices.enumerated() where d.kind == .gpu {
            gpuPairs.append((d.gpuIndex ?? Int.max, i))
        }
        gpuPairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        gpus = gpuPairs.map { $0.1 }
        var out = Array(repeating: [Int](), count: devices.count)
        var inc = Array(repeating: [Int](), count: devices.count)
        for (i, l) in links.enumerated() {
            out[l.from].append(i)
            inc[l.to].append(i)
        }
        outgoing = out
        incoming = inc
    }

    /// Number of GPUs.
    public var gpuCount: Int { gpus.count }

    /// Device index of a GPU number, or nil when out of range.
    public func device(ofGPU gpu: Int) -> Int? { gpu >= 0 && gpu < gpus.count ? gpus[gpu] : nil }

    /// Index of the device named `name`, or nil.
    /// - Complexity: O(devices).
    public func deviceIndex(named name: String) -> Int? { devices.firstIndex { $0.name == name } }

    /// Node of a GPU number.
    public func node(ofGPU gpu: Int) -> Int { devices[gpus[gpu]].node }

    /// Directed links from `a` to `b` (parallel edges are possible in custom graphs).
    public func links(from a: Int, to b: Int) -> [Int] { outgoing[a].filter { links[$0].to == b } }

    /// A readable name of a link: "gpu0->gpu1".
    public func linkName(_ index: Int) -> String {
        "\(devices[links[index].from].name)->\(devices[links[index].to].name)"
    }
}
