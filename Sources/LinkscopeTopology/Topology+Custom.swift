import LinkscopeUnits

/// A device as written in a custom graph (scenario `cluster.devices`).
public struct DeviceSpec: Sendable, Equatable {
    /// Device name as the scenario spells it.
    public var id: String
    /// What the device is.
    public var kind: DeviceKind
    /// GPU model name, informational.
    public var model: String?
    /// Machine the device belongs to.
    public var node: Int
    /// A device on node 0 without a model unless given.
    public init(id: String, kind: DeviceKind, model: String? = nil, node: Int = 0) {
        self.id = id
        self.kind = kind
        self.model = model
        self.node = node
    }
}

/// A link as written in a custom graph; `fullDuplex` makes two directed links.
public struct LinkSpec: Sendable, Equatable {
    /// Sending device's id.
    public var from: String
    /// Receiving device's id.
    public var to: String
    /// Bandwidth per direction.
    public var bandwidth: Bandwidth
    /// Hop latency.
    public var latency: Seconds
    /// Technology of the link.
    public var kind: LinkKind
    /// Also add the reverse link (two directed links, same bandwidth each).
    public var fullDuplex: Bool
    /// Physical links bundled, informational.
    public var lanes: Int
    /// A link as the scenario describes it.
    public init(from: String, to: String, bandwidth: Bandwidth, latency: Seconds, kind: LinkKind,
                fullDuplex: Bool = true, lanes: Int = 1) {
        self.from = from
        self.to = to
        self.bandwidth = bandwidth
        self.latency = latency
        self.kind = kind
        self.fullDuplex = fullDuplex
        self.lanes = lanes
    }
}

extension Topology {
    /// Builds and validates a custom graph. GPUs are numbered in the order they are listed.
    /// - Throws: `TopologyError` naming the offending device or link index.
    public static func custom(name: String, devices specs: [DeviceSpec], links linkSpecs: [LinkSpec],
                              gpuSpec: GPUSpec? = nil) throws(TopologyError) -> Topology {
        var index: [String: Int] = [:]
        var devices: [Device] = []
        var gpuNumber = 0
        for (i, s) in specs.enumerated() {
            guard index[s.id] == nil else { throw .duplicateDevice(name: s.id, index: i) }
            index[s.id] = devices.count
            var d = Device(name: s.id, kind: s.kind, model: s.model, node: s.node)
            if s.kind == .gpu {
                d.gpuIndex = gpuNumber
                gpuNumber += 1
            }
            devices.append(d)
        }
        guard gpuNumber > 0 else { throw .noGPUs }
        var links: [Link] = []
        for (i, l) in linkSpecs.enumerated() {
            guard let a = index[l.from] else { throw .unknownDevice(name: l.from, linkIndex: i, field: "from") }
            guard let b = index[l.to] else { throw .unknownDevice(name: l.to, linkIndex: i, field: "to") }
            guard a != b else { throw .selfLink(linkIndex: i) }
            guard l.bandwidth.bytesPerSecond > 0 else { throw .nonPositiveBandwidth(linkIndex: i) }
            guard l.latency.value >= 0 else { throw .negativeLatency(linkIndex: i) }
            links.append(Link(from: a, to: b, bandwidth: l.bandwidth, latency: l.latency, kind: l.kind, lanes: l.lanes))
            if l.fullDuplex {
                links.append(Link(from: b, to: a, bandwidth: l.bandwidth, latency: l.latency, kind: l.kind,
                                  lanes: l.lanes))
            }
        }
        let firstModel = specs.first { $0.kind == .gpu }?.model
        let spec = gpuSpec ?? firstModel.flatMap(GPUSpec.named) ?? .v100
        let nodes = (specs.map { $0.node }.max() ?? 0) + 1
        let topology = Topology(name: name, devices: devices, links: links, gpuSpec: spec, nodeCount: nodes)
        try topology.validateConnectivity()
        return topology
    }

    /// Every GPU must reach every other GPU over directed links.
    public func validateConnectivity() throws(TopologyError) {
        guard let first = gpus.first else { throw .noGPUs }
        let forward = reachable(from: first, reverse: false)
        let backward = reachable(from: first, reverse: true)
        for g in gpus {
            if !forward[g] { throw .disconnected(from: devices[first].name, to: devices[g].name) }
            if !backward[g] { throw .disconnected(from: devices[g].name, to: devices[first].name) }
        }
    }

    /// Devices reachable from `start` (following links backwards when `reverse`).
    public func reachable(from start: Int, reverse: Bool) -> [Bool] {
        var seen = Array(repeating: false, count: devices.count)
        var stack = [start]
        seen[start] = true
        while let v = stack.popLast() {
            for l in (reverse ? incoming[v] : outgoing[v]) {
                let w = reverse ? links[l].from : links[l].to
                if !seen[w] {
                    seen[w] = true
                    stack.append(w)
                }
            }
        }
        return seen
    }
}
