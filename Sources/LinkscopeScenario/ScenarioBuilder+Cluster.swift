import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// `cluster:` → `ClusterDescription` and the `Topology` it builds (presets, fabrics, custom graphs).
extension ScenarioBuilder {
    // MARK: Cluster

    func buildCluster(_ node: DocNode, path: String) throws(ScenarioError)
        -> (ClusterDescription, Topology) {
        let f = try reader.mapping(node, path, allowed: Self.clusterKeys)
        if let presetNode = f["preset"] {
            for key in ["devices", "links"] {
                if let e = f.entry(key) {
                    throw reader.error(e.keyLocation, path, "'\(key)' describes a custom graph and cannot be combined "
                        + "with 'preset'")
                }
            }
            let preset = try reader.string(presetNode, f.path("preset"))
            let nodes = try f.int("nodes", default: 1, in: 1...4096)
            let fabric = try f["fabric"].map { (n: DocNode) throws(ScenarioError) -> FabricSpec in
                try buildFabric(n, path: f.path("fabric"))
            }
            let topology: Topology
            do {
                topology = try Topology.preset(preset, nodes: nodes, fabric: fabric ?? FabricSpec())
            } catch {
                switch error {
                case .unknownPreset(let name, let known):
                    throw reader.error(presetNode, f.path("preset"),
                                       Suggest.unknownValue(name, what: "preset", allowed: known))
                default:
                    let at = f["nodes"] ?? presetNode
                    throw reader.error(at, f["nodes"] != nil ? f.path("nodes") : f.path("preset"), error.message)
                }
            }
            return (ClusterDescription(preset: preset, nodes: nodes, fabric: fabric), topology)
        }
        guard let devicesNode = f["devices"] else {
            if let e = f.entry("links") {
                throw reader.error(e.keyLocation, path, "'links' needs 'devices' (or use a 'preset')")
            }
            throw reader.error(node, path, "the cluster needs a 'preset' (one of "
                + Topology.presetNames.joined(separator: ", ") + ") or 'devices' and 'links'")
        }
        for key in ["nodes", "fabric"] {
            if let e = f.entry(key) {
                throw reader.error(e.keyLocation, path, "'\(key)' applies to presets; in a custom graph give each "
                    + "device a 'node' and list the network links")
            }
        }
        return try buildCustom(f, devicesNode: devicesNode)
    }

    func buildFabric(_ node: DocNode, path: String) throws(ScenarioError) -> FabricSpec {
        let f = try reader.mapping(node, path, allowed: Self.fabricKeys)
        var spec = FabricSpec()
        spec.kind = try f.choice("kind", "fabric kind", default: FabricSpec.Kind.fatTree)
        if let n = f["nic_bandwidth"] { spec.nicBandwidth = try reader.bandwidth(n, f.path("nic_bandwidth")) }
        if let n = f["latency"] { spec.latency = try reader.seconds(n, f.path("latency")) }
        if let n = f["oversubscription"] {
            spec.oversubscription = try reader.double(n, f.path("oversubscription"), in: 1...1_000)
        }
        return spec
    }

    private func buildCustom(_ f: Fields, devicesNode: DocNode) throws(ScenarioError)
        -> (ClusterDescription, Topology) {
        let devicesPath = f.path("devices")
        var devices: [DeviceSpec] = []
        var deviceFields: [Fields] = []
        for (i, item) in try reader.list(devicesNode, devicesPath).enumerated() {
            let p = "\(devicesPath)[\(i)]"
            let d = try reader.mapping(item, p, allowed: Self.deviceKeys)
            let id = try reader.string(try d.required("id"), d.path("id"))
            let kind: DeviceKind = try reader.choice(try d.required("kind"), d.path("kind"), "device kind")
            let model = try d.string("model")
            if kind == .gpu, let model, GPUSpec.named(model) == nil, let m = d["model"] {
                throw reader.error(m, d.path("model"),
                                   Suggest.unknownValue(model, what: "GPU model", allowed: ["v100", "p100", "a100",
                                                                                             "h100"]))
            }
            let nodeNumber = try d.int("node", default: 0, in: 0...4095)
            devices.append(DeviceSpec(id: id, kind: kind, model: model, node: nodeNumber))
            deviceFields.append(d)
        }
        let kinds = Dictionary(devices.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        var links: [LinkSpec] = []
        var linkFields: [Fields] = []
        let linksPath = f.path("links")
        if let linksNode = f["links"] {
            for (i, item) in try reader.list(linksNode, linksPath, nonEmpty: false).enumerated() {
                let p = "\(linksPath)[\(i)]"
                let l = try reader.mapping(item, p, allowed: Self.linkKeys)
                let from = try reader.string(try l.required("from"), l.path("from"))
                let to = try reader.string(try l.required("to"), l.path("to"))
                let bandwidth = try reader.bandwidth(try l.required("bandwidth"), l.path("bandwidth"))
                let inferred = Self.inferredKind(kinds[from], kinds[to])
                let kind = try l.choice("kind", "link kind", default: inferred)
                let latency = try l["latency"].map { (n: DocNode) throws(ScenarioError) -> Seconds in
                    try reader.seconds(n, l.path("latency"))
                } ?? Self.defaultLatency(kind)
                let duplex = try l.choice("duplex", "duplex", default: Duplex.full)
                let lanes = try l.int("lanes", default: 1, in: 1...64)
                links.append(LinkSpec(from: from, to: to, bandwidth: bandwidth, latency: latency, kind: kind,
                                      fullDuplex: duplex == .full, lanes: lanes))
                linkFields.append(l)
            }
        }
        do {
            let topology = try Topology.custom(name: "custom", devices: devices, links: links)
            return (ClusterDescription(preset: nil, nodes: topology.nodeCount, devices: devices, links: links),
                    topology)
        } catch {
            throw mapTopologyError(error, cluster: f, devices: deviceFields, links: linkFields,
                                   ids: devices.map(\.id))
        }
    }

    enum Duplex: String, CaseIterable { case full, half }

    /// nvlink between GPUs and NVSwitches, network at NICs and switches, qpi between CPUs, else pcie.
    static func inferredKind(_ a: DeviceKind?, _ b: DeviceKind?) -> LinkKind {
        let pair = [a, b]
        if pair.allSatisfy({ $0 == .gpu || $0 == .nvswitch }) { return .nvlink }
        if pair.contains(where: { $0 == .nic || $0 == .networkSwitch }) { return .network }
        if pair.allSatisfy({ $0 == .cpu }) { return .qpi }
        return .pcie
    }

    /// docs/hardware.md §8: NVLink 0.3 us, network (InfiniBand) 2.6 us; PCIe and QPI 1 us (uncalibrated).
    static func defaultLatency(_ kind: LinkKind) -> Seconds {
        switch kind {
        case .nvlink: return .microseconds(0.3)
        case .network: return .microseconds(2.6)
        case .pcie, .qpi: return .microseconds(1)
        }
    }

    private func mapTopologyError(_ error: TopologyError, cluster f: Fields, devices: [Fields], links: [Fields],
                                  ids: [String]) -> ScenarioError {
        func at(_ fields: [Fields], _ index: Int, _ key: String) -> (DocNode, String)? {
            guard index >= 0, index < fields.count else { return nil }
            let item = fields[index]
            return (item[key] ?? item.node, item[key] != nil ? item.path(key) : item.path)
        }
        let fallback = (f["links"] ?? f["devices"] ?? f.node, f["links"] != nil ? f.path("links") : f.path)
        switch error {
        case .duplicateDevice(let name, let index):
            let (node, path) = at(devices, index, "id") ?? fallback
            let first = ids.firstIndex(of: name).flatMap { devices.indices.contains($0) ? devices[$0].node : nil }
            let firstText = first.map { " (first defined at line \($0.location.line))" } ?? ""
            return reader.error(node, path, "duplicate device id '\(name.clipped)'\(firstText)")
        case .unknownDevice(let name, let index, let field):
            let (node, path) = at(links, index, field) ?? fallback
            let hint = Suggest.nearest(name, in: ids).map { " (did you mean '\($0)'?)" }
                ?? "; devices are \(ids.prefix(12).joined(separator: ", "))\(ids.count > 12 ? ", ..." : "")"
            return reader.error(node, path, "'\(field)' names unknown device '\(name.clipped)'\(hint)")
        case .nonPositiveBandwidth(let index):
            let (node, path) = at(links, index, "bandwidth") ?? fallback
            return reader.error(node, path, error.message)
        case .negativeLatency(let index):
            let (node, path) = at(links, index, "latency") ?? fallback
            return reader.error(node, path, error.message)
        case .selfLink(let index):
            let (node, path) = at(links, index, "to") ?? fallback
            return reader.error(node, path, error.message)
        case .disconnected:
            let location = f.entry("links")?.keyLocation ?? f.node.location
            return reader.error(location, f.path("links"), error.message
                + "; every GPU must reach every other GPU over the links")
        case .noGPUs:
            let location = f.entry("devices")?.keyLocation ?? f.node.location
            return reader.error(location, f.path("devices"), "the custom graph has no device of kind 'gpu'")
        case .unknownPreset, .invalidOption:
            return reader.error(f.node, f.path, error.message)
        }
    }
}
