import LinkscopeUnits

/// How nodes of a multi-node cluster are joined (scenario `cluster.fabric`).
public struct FabricSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case fatTree = "fat-tree", leafSpine = "leaf-spine" }
    public var kind: Kind
    /// Per-NIC line rate per direction; nil = the preset's NIC.
    public var nicBandwidth: Bandwidth?
    /// Per network hop latency; nil = 2 us.
    public var latency: Seconds?
    /// Uplink oversubscription of leaf switches (1 = full bisection).
    public var oversubscription: Double
    public init(kind: Kind = .fatTree, nicBandwidth: Bandwidth? = nil, latency: Seconds? = nil,
                oversubscription: Double = 1) {
        self.kind = kind
        self.nicBandwidth = nicBandwidth
        self.latency = latency
        self.oversubscription = oversubscription
    }
}

extension Topology {
    /// The preset names `preset(_:)` accepts, in documentation order.
    public static let presetNames = ["dgx1-p100", "dgx1-v100", "dgx2", "dgx-a100", "dgx-h100", "pcie-4gpu"]

    /// Builds a preset system (hardware.md §7), `nodes` copies joined by `fabric` when nodes > 1.
    /// PLACEHOLDER: replaced by the topology work (real presets).
    public static func preset(_ name: String, nodes: Int = 1, fabric: FabricSpec = FabricSpec())
        throws(TopologyError) -> Topology
    {
        guard presetNames.contains(name) else { throw .unknownPreset(name: name, known: presetNames) }
        guard nodes >= 1 else { throw .invalidOption(message: "nodes must be at least 1") }
        let count = name == "dgx2" ? 16 : (name == "pcie-4gpu" ? 4 : 8)
        var devices: [Device] = []
        var links: [Link] = []
        for n in 0..<nodes {
            for g in 0..<count {
                devices.append(Device(name: nodes > 1 ? "n\(n).gpu\(g)" : "gpu\(g)", kind: .gpu, node: n,
                                      gpuIndex: n * count + g))
            }
        }
        for a in 0..<devices.count {
            for b in 0..<devices.count where a != b {
                links.append(Link(from: a, to: b, bandwidth: .gigabytesPerSecond(25), latency: .microseconds(0.3),
                                  kind: .nvlink))
            }
        }
        return Topology(name: name, devices: devices, links: links, gpuSpec: .v100, nodeCount: nodes)
    }
}
