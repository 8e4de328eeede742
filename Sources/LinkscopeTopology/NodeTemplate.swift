import LinkscopeUnits

/// One machine of a preset, described once with local device indices and instantiated per node.
///
/// Describing the node once and stamping copies keeps a 128-node build linear in the output size
/// (no name lookups, no per-node re-derivation).
struct NodeTemplate: Sendable {
    /// A full-duplex connection between two local devices (two directed links once stamped).
    struct Edge: Sendable {
        var a: Int
        var b: Int
        var bandwidth: Bandwidth
        var latency: Seconds
        var kind: LinkKind
        var lanes: Int
    }

    var presetName: String
    var gpuSpec: GPUSpec
    /// Local devices; GPUs carry their local GPU number in `gpuIndex`.
    var devices: [Device] = []
    var edges: [Edge] = []
    /// Local device indices of the NICs, in NIC order.
    var nics: [Int] = []
    /// NIC line rate per direction toward the network.
    var nicBandwidth: Bandwidth
    /// Local indices of the inter-socket edges (their bandwidth is overridable).
    var socketEdges: [Int] = []

    init(presetName: String, gpuSpec: GPUSpec, nicBandwidth: Bandwidth) {
        self.presetName = presetName
        self.gpuSpec = gpuSpec
        self.nicBandwidth = nicBandwidth
    }

    var gpuCount: Int { devices.reduce(0) { $0 + ($1.kind == .gpu ? 1 : 0) } }

    /// Adds `count` devices named `prefix0`, `prefix1`, ...; returns the first local index.
    @discardableResult
    mutating func addDevices(_ prefix: String, _ kind: DeviceKind, count: Int) -> Int {
        let first = devices.count
        for i in 0..<count {
            devices.append(Device(name: "\(prefix)\(i)", kind: kind, model: kind == .gpu ? gpuSpec.model : nil,
                                  node: 0, gpuIndex: kind == .gpu ? i : nil))
        }
        if kind == .nic { nics.append(contentsOf: first..<(first + count)) }
        return first
    }

    mutating func connect(_ a: Int, _ b: Int, _ bandwidth: Bandwidth, _ latency: Seconds, _ kind: LinkKind,
                          lanes: Int = 1) {
        if kind == .qpi { socketEdges.append(edges.count) }
        edges.append(Edge(a: a, b: b, bandwidth: bandwidth, latency: latency, kind: kind, lanes: lanes))
    }

    /// Adds the PCIe tree shared by all DGX-style presets: `switches` PCIe switches, switch `s`
    /// holding GPUs `gpusPerSwitch·s ..<`, switches split evenly over `sockets` CPUs, NICs placed on
    /// the switches listed in `nicSwitch`, and a socket link between consecutive CPUs.
    mutating func addPCIeTree(gpuBase: Int, gpus: Int, switches: Int, sockets: Int, rate: Bandwidth,
                              socketRate: Bandwidth, nicSwitch: [Int]) {
        let sw = addDevices("pcie", .pcieSwitch, count: switches)
        let cpu = addDevices("cpu", .cpu, count: sockets)
        let nic = addDevices("nic", .nic, count: nicSwitch.count)
        let perSwitch = gpus / switches
        for g in 0..<gpus {
            connect(gpuBase + g, sw + g / perSwitch, rate, HardwareDefaults.pcieLatency, .pcie)
        }
        let perSocket = max(1, switches / sockets)
        for s in 0..<switches {
            connect(sw + s, cpu + min(sockets - 1, s / perSocket), rate, HardwareDefaults.pcieLatency, .pcie)
        }
        for (i, s) in nicSwitch.enumerated() {
            connect(nic + i, sw + s, rate, HardwareDefaults.pcieLatency, .pcie)
        }
        for c in 0..<(sockets - 1) {
            connect(cpu + c, cpu + c + 1, socketRate, HardwareDefaults.socketLatency, .qpi)
        }
    }
}
