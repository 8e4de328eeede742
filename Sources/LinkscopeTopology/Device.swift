import LinkscopeUnits

/// What a vertex of the topology graph is.
public enum DeviceKind: String, CaseIterable, Sendable, Codable {
    case gpu
    case nvswitch
    case pcieSwitch = "pcie-switch"
    case cpu
    case nic
    case networkSwitch = "switch"
}

/// One device of a topology. `name` is unique ("gpu3", "n1.gpu3", "n0.nvsw2", "leaf0").
public struct Device: Hashable, Sendable {
    /// Unique device name.
    public var name: String
    /// What the device is.
    public var kind: DeviceKind
    /// GPU model or part name, informational ("v100").
    public var model: String?
    /// Node (machine) this device belongs to; network switches use -1.
    public var node: Int
    /// The job-visible GPU number (0-based, global across nodes) for GPUs, nil otherwise.
    public var gpuIndex: Int?

    /// A device; node 0, no model and no GPU number unless given.
    public init(name: String, kind: DeviceKind, model: String? = nil, node: Int = 0, gpuIndex: Int? = nil) {
        self.name = name
        self.kind = kind
        self.model = model
        self.node = node
        self.gpuIndex = gpuIndex
    }
}

/// Technology of a link; routing prefers NVLink, reports group links by kind.
public enum LinkKind: String, CaseIterable, Sendable, Codable {
    case nvlink
    case pcie
    /// Inter-socket link (QPI / UPI).
    case qpi
    /// NIC to network switch, or switch to switch.
    case network
}

/// A **directed** link. Full-duplex hardware is two links, one per direction, each with the
/// per-direction bandwidth (docs/cost-model.md §1: vendor "bidi" figures are halved).
public struct Link: Hashable, Sendable {
    /// Sending device index.
    public var from: Int
    /// Receiving device index.
    public var to: Int
    /// Bandwidth in this direction.
    public var bandwidth: Bandwidth
    /// Hop latency α.
    public var latency: Seconds
    /// Technology of the link.
    public var kind: LinkKind
    /// Physical links bundled into this edge (2 for a DGX-1V double NVLink); informational.
    public var lanes: Int

    /// A directed link of one lane unless given.
    public init(from: Int, to: Int, bandwidth: Bandwidth, latency: Seconds, kind: LinkKind, lanes: Int = 1) {
        self.from = from
        self.to = to
        self.bandwidth = bandwidth
        self.latency = latency
        self.kind = kind
        self.lanes = lanes
    }
}

/// Compute and memory of one GPU model (docs/hardware.md §1). Peaks are datasheet numbers;
/// `efficiency` is achieved/peak, applied by the simulator.
public struct GPUSpec: Hashable, Sendable {
    /// Model name ("v100").
    public var model: String
    /// Device memory (HBM).
    public var memory: Bytes
    /// Peak FP32 rate.
    public var fp32: FlopRate
    /// Peak FP16 (tensor core) rate.
    public var fp16: FlopRate
    /// Achieved / peak compute the simulator applies (0.5 unless a preset or scenario says).
    public var efficiency: Double

    /// A GPU; efficiency 0.5 unless given.
    public init(model: String, memory: Bytes, fp32: FlopRate, fp16: FlopRate, efficiency: Double = 0.5) {
        self.model = model
        self.memory = memory
        self.fp32 = fp32
        self.fp16 = fp16
        self.efficiency = efficiency
    }

    /// NVIDIA V100 SXM2 32 GB.
    public static let v100 = GPUSpec(model: "v100", memory: .gigabytes(32), fp32: .teraflops(15.7),
                                     fp16: .teraflops(125))
    /// NVIDIA P100 SXM2 16 GB.
    public static let p100 = GPUSpec(model: "p100", memory: .gigabytes(16), fp32: .teraflops(10.6),
                                     fp16: .teraflops(21.2))
    /// NVIDIA A100 SXM4 80 GB.
    public static let a100 = GPUSpec(model: "a100", memory: .gigabytes(80), fp32: .teraflops(19.5),
                                     fp16: .teraflops(312))
    /// NVIDIA H100 SXM5 80 GB.
    public static let h100 = GPUSpec(model: "h100", memory: .gigabytes(80), fp32: .teraflops(67),
                                     fp16: .teraflops(989))

    /// The spec of a model name (case-insensitive), or nil for an unknown one.
    public static func named(_ name: String) -> GPUSpec? {
        switch name.lowercased() {
        case "v100": return .v100
        case "p100": return .p100
        case "a100": return .a100
        case "h100": return .h100
        default: return nil
        }
    }
}
