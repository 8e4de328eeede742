import LinkscopeUnits

/// How nodes of a multi-node cluster are joined (scenario `cluster.fabric`).
public struct FabricSpec: Sendable, Equatable {
    /// `fatTree`: two-level Clos, leaf `k` holds every NIC of nodes `k·n ..< (k+1)·n`.
    /// `leafSpine`: rail-optimised two-level Clos, NIC `i` of every node on rail leaf `i`
    /// (so same-rail traffic crosses one leaf, cross-rail traffic a spine).
    public enum Kind: String, Sendable, CaseIterable { case fatTree = "fat-tree", leafSpine = "leaf-spine" }
    /// The network's shape.
    public var kind: Kind
    /// Per-NIC line rate per direction; nil = the preset's NIC.
    public var nicBandwidth: Bandwidth?
    /// Per network hop latency; nil = 2 us.
    public var latency: Seconds?
    /// Uplink oversubscription of leaf switches (1 = full bisection).
    public var oversubscription: Double
    /// Inter-socket (QPI / UPI) rate per direction; nil = the preset's default (`HardwareDefaults`).
    public var socketLinkBandwidth: Bandwidth?

    /// A fabric; full-bisection fat tree at the preset's NIC rate unless given.
    public init(kind: Kind = .fatTree, nicBandwidth: Bandwidth? = nil, latency: Seconds? = nil,
                oversubscription: Double = 1, socketLinkBandwidth: Bandwidth? = nil) {
        self.kind = kind
        self.nicBandwidth = nicBandwidth
        self.latency = latency
        self.oversubscription = oversubscription
        self.socketLinkBandwidth = socketLinkBandwidth
    }
}

extension Topology {
    /// The preset names `preset(_:)` accepts, in documentation order.
    public static let presetNames = ["dgx1-p100", "dgx1-v100", "dgx2", "dgx-a100", "dgx-h100", "pcie-4gpu"]

    /// Builds a preset system (docs/hardware.md §7), `nodes` copies joined by `fabric` when nodes > 1.
    ///
    /// Device order: node 0's devices (GPUs, NVSwitches, PCIe switches, CPUs, NICs), node 1's, ...,
    /// then network leaves and spines. Single-node names are bare ("gpu3"); multi-node names carry
    /// the node ("n1.gpu3"). Every physical connection is two directed links, forward then back.
    /// - Throws: `TopologyError.unknownPreset`, or `.invalidOption` for nodes < 1 or a bad fabric.
    /// - Complexity: O(devices + links); 128 × dgx-a100 builds in a few milliseconds.
    public static func preset(_ name: String, nodes: Int = 1, fabric: FabricSpec = FabricSpec())
        throws(TopologyError) -> Topology
    {
        guard nodes >= 1 else { throw .invalidOption(message: "nodes must be at least 1") }
        let socket = fabric.socketLinkBandwidth
        if let s = socket, !(s.bytesPerSecond > 0) {
            throw .invalidOption(message: "socket link bandwidth must be greater than zero")
        }
        let template: NodeTemplate
        switch name {
        case "dgx1-p100": template = .dgx1(volta: false, socketRate: socket)
        case "dgx1-v100": template = .dgx1(volta: true, socketRate: socket)
        case "dgx2": template = .dgx2(socketRate: socket)
        case "dgx-a100":
            template = .hgx(name: name, spec: .a100, lanesPerSwitch: [2, 2, 2, 2, 2, 2],
                            pcie: HardwareDefaults.pcieGen4, nic: HardwareDefaults.hdr, socketRate: socket)
        case "dgx-h100":
            template = .hgx(name: name, spec: .h100, lanesPerSwitch: [5, 4, 4, 5],
                            pcie: HardwareDefaults.pcieGen5, nic: HardwareDefaults.ndr, socketRate: socket)
        case "pcie-4gpu": template = .pcie4GPU()
        default: throw .unknownPreset(name: name, known: presetNames)
        }
        return try template.build(nodes: nodes, fabric: fabric)
    }
}

extension NodeTemplate {
    /// Stamps `nodes` copies and, for more than one node, the network of `fabric`.
    func build(nodes: Int, fabric: FabricSpec) throws(TopologyError) -> Topology {
        let perNode = devices.count
        let g = gpuCount
        var all: [Device] = []
        all.reserveCapacity(perNode * nodes)
        var links: [Link] = []
        links.reserveCapacity(edges.count * 2 * nodes)
        for n in 0..<nodes {
            let base = n * perNode
            for d in devices {
                var copy = d
                copy.node = n
                if nodes > 1 { copy.name = "n\(n).\(d.name)" }
                if let local = d.gpuIndex { copy.gpuIndex = n * g + local }
                all.append(copy)
            }
            for e in edges {
                links.append(Link(from: base + e.a, to: base + e.b, bandwidth: e.bandwidth, latency: e.latency,
                                  kind: e.kind, lanes: e.lanes))
                links.append(Link(from: base + e.b, to: base + e.a, bandwidth: e.bandwidth, latency: e.latency,
                                  kind: e.kind, lanes: e.lanes))
            }
        }
        if nodes > 1 {
            var net = NetworkBuilder(nodes: nodes, devicesPerNode: perNode, nics: nics,
                                     nicBandwidth: fabric.nicBandwidth ?? nicBandwidth,
                                     latency: fabric.latency ?? HardwareDefaults.networkLatency)
            try net.build(fabric: fabric, devices: &all, links: &links)
        }
        return Topology(name: presetName, devices: all, links: links, gpuSpec: gpuSpec, nodeCount: nodes)
    }
}
