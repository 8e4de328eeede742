import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// `collectives:` entries, size lists and `simulation:` options.
extension ScenarioBuilder {
    // MARK: Collectives

    func buildCollective(_ node: DocNode, path: String, gpus scenarioGPUs: [Int],
                         topology: Topology) throws(ScenarioError) -> CollectiveDescription {
        let f = try reader.mapping(node, path, allowed: Self.collectiveKeys)
        let opNode = try f.required("op")
        let op: CollectiveOp = try reader.choice(opNode, f.path("op"), "operation")
        let algorithm = try f.choice("algorithm", "algorithm", default: AlgorithmSupport.defaultAlgorithm(for: op))
        if !AlgorithmSupport.supports(op, algorithm), let a = f["algorithm"] {
            let choices = AlgorithmSupport.algorithms(for: op).map(\.rawValue).joined(separator: ", ")
            throw reader.error(a, f.path("algorithm"), "algorithm '\(algorithm.rawValue)' does not implement "
                + "\(op.rawValue); for \(op.rawValue) use one of \(choices)")
        }
        let sizes: [Bytes]
        switch (f["size"], f["sizes"]) {
        case (let s?, nil): sizes = [try reader.bytes(s, f.path("size"))]
        case (nil, let s?): sizes = try sizeList(s, f.path("sizes"))
        case (_?, _?):
            let at = f.entry("sizes")?.keyLocation ?? node.location
            throw reader.error(at, path, "give either 'size' or 'sizes', not both")
        case (nil, nil):
            throw reader.error(node, path, "missing required key 'sizes' (or 'size')")
        }
        var gpus = scenarioGPUs
        if let g = f["gpus"] {
            gpus = try gpuSet(g, f.path("gpus"), from: scenarioGPUs, topology: topology, setName: "the job")
        }
        var root = gpus.first ?? 0
        if let r = f["root"] {
            root = try reader.int(r, f.path("root"), in: 0...Int.max)
            guard gpus.contains(root) else {
                let list = gpus.prefix(16).map(String.init).joined(separator: ", ") + (gpus.count > 16 ? ", ..." : "")
                throw reader.error(r, f.path("root"), "root GPU \(root) is not one of this collective's GPUs (\(list))")
            }
        }
        if algorithm == .hierarchical {
            try requireSeveralNodes(gpus, topology: topology, at: f["algorithm"] ?? node, f.path("algorithm"))
        }
        let placement = try f.choice("placement", "server placement", default: ServerPlacement.gpus)
        let servers = try serverCount(f, gpus: gpus, placement: placement, topology: topology, what: "GPU")
        let sharding = try f.choice("sharding", "sharding policy", default: ShardingPolicy.balanced)
        let group = try f.string("group")
        var description = CollectiveDescription(op: op, algorithm: algorithm, sizes: sizes, root: root,
                                                gpus: f["gpus"] != nil ? gpus : nil, servers: servers,
                                                sharding: sharding, placement: placement, concurrentGroup: group)
        description.proto = try f.choice("protocol", "protocol", ProtocolChoice.self)
        if let n = f["channels"] { description.channels = try reader.int(n, f.path("channels"), in: 1...64) }
        if description.proto != nil || description.channels != nil, algorithm.ncclAlgorithm == nil && algorithm != .auto {
            throw reader.error(f["protocol"] ?? f["channels"] ?? node, path, "protocol and channels apply to NCCL's "
                + "algorithms (ring, tree, double-binary-tree, nvls, auto), not '\(algorithm.rawValue)'")
        }
        return description
    }

    /// `[1 MiB, 1 GiB]`, or nccl-tests style `{from: 1 MiB, to: 1 GiB, factor: 2}`.
    func sizeList(_ node: DocNode, _ path: String) throws(ScenarioError) -> [Bytes] {
        if node.entries != nil {
            let f = try reader.mapping(node, path, allowed: Self.sizeRangeKeys)
            let from = try reader.bytes(try f.required("from"), f.path("from"))
            let toNode = try f.required("to")
            let to = try reader.bytes(toNode, f.path("to"))
            guard to >= from else {
                throw reader.error(toNode, f.path("to"), "'to' (\(to)) is smaller than 'from' (\(from))")
            }
            let factor = try f.int("factor", default: 2, in: 2...1 << 20)
            var sizes: [Bytes] = []
            var s = from.count
            while s <= to.count {
                sizes.append(Bytes(s))
                guard sizes.count <= Self.maxSizes else {
                    throw reader.error(node, path, "the range gives more than \(Self.maxSizes) sizes; "
                        + "raise 'factor' or narrow it")
                }
                let (next, overflow) = s.multipliedReportingOverflow(by: Int64(factor))
                if overflow { break }
                s = next
            }
            return sizes
        }
        let items = try reader.list(node, path)
        var sizes: [Bytes] = []
        for (i, item) in items.enumerated() { sizes.append(try reader.bytes(item, "\(path)[\(i)]")) }
        return sizes
    }

    // MARK: Simulation options

    func buildOptions(_ node: DocNode, path: String) throws(ScenarioError) -> SimulationOptions {
        let f = try reader.mapping(node, path, allowed: Self.simulationKeys)
        var options = SimulationOptions()
        if let n = f["link_efficiency"] {
            options.linkEfficiency = try reader.double(n, f.path("link_efficiency"), in: 0...1, lowerExclusive: true)
        }
        if let n = f["chunk"] { options.chunkBytes = try reader.bytes(n, f.path("chunk")) }
        options.linkEfficiencyGiven = f["link_efficiency"] != nil
        options.collectiveModel = try f.choice("model", "collective model", default: CollectiveModel.ideal)
        options.collectiveFidelity = try f.choice("collectives", "collective fidelity", default: CollectiveFidelity.flows)
        if let n = f["channels"] { options.channels = try reader.int(n, f.path("channels"), in: 1...64) }
        if let n = f["compute_efficiency"] {
            options.computeEfficiency = try reader.double(n, f.path("compute_efficiency"), in: 0...1,
                                                          lowerExclusive: true)
        }
        return options
    }
}
