import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// `DocNode` → validated `Scenario` (one document, no sweep expansion).
struct ScenarioBuilder {
    let reader: Reader
    let file: String

    static let topKeys = ["name", "cluster", "gpus", "model", "training", "collectives", "simulation", "sweep",
                          "jobs"]
    static let clusterKeys = ["preset", "nodes", "fabric", "devices", "links"]
    static let fabricKeys = ["kind", "nic_bandwidth", "latency", "oversubscription"]
    static let deviceKeys = ["id", "kind", "model", "node"]
    static let linkKeys = ["from", "to", "bandwidth", "latency", "kind", "duplex", "lanes"]
    static let modelKeys = ["preset", "layers", "dtype", "transformer"]
    static let layerKeys = ["name", "params", "forward", "backward", "activations"]
    static let trainingKeys = ["batch_per_gpu", "global_batch", "iterations", "parallelism", "sync", "overlap",
                               "optimizer", "recompute", "zero", "gpu_speed", "data_loading", "learning_rate",
                               "elastic", "frozen_layers", "inference"]
    static let parallelismKeys = ["data", "tensor", "pipeline", "micro_batches", "schedule", "virtual_stages",
                                   "sequence", "split"]
    static let syncKeys = ["scheme", "algorithm", "servers", "sharding", "placement"]
    static let collectiveKeys = ["op", "algorithm", "sizes", "size", "root", "gpus", "servers", "sharding",
                                 "placement", "group", "protocol", "channels"]
    static let sizeRangeKeys = ["from", "to", "factor"]
    static let simulationKeys = ["link_efficiency", "chunk", "compute_efficiency", "model", "collectives", "channels"]

    /// Most sizes one `sizes: {from, to, factor}` range may produce.
    static let maxSizes = 64

    init(file: String) {
        self.file = file
        reader = Reader(file: file)
    }

    func build(_ root: DocNode) throws(ScenarioError) -> Scenario {
        guard root.entries != nil else {
            throw reader.error(root, "", "a scenario is a mapping with keys such as name, cluster, model, training, "
                + "collectives; found \(root.foundDescription)")
        }
        let top = try reader.mapping(root, "", allowed: Self.topKeys)
        let name = try top.string("name") ?? defaultName
        let (cluster, topology) = try buildCluster(try top.required("cluster"), path: "cluster")
        let allGPUs = Array(0..<topology.gpuCount)
        var gpus = allGPUs
        if let g = top["gpus"] {
            gpus = try gpuSet(g, "gpus", from: allGPUs, topology: topology, setName: "the topology")
        }
        let model = try top["model"].map { (n: DocNode) throws(ScenarioError) -> ModelDescription in
            try buildModel(n, path: "model")
        }
        var training: TrainingDescription? = nil
        if let t = top["training"] {
            guard let model else {
                let at = top.entry("training")?.keyLocation ?? t.location
                throw reader.error(at, "training", "'training' needs a 'model' (a preset such as book-mnist-cnn, "
                    + "or layers)")
            }
            training = try buildTraining(t, path: "training", gpus: gpus, topology: topology, model: model)
        }
        var collectives: [CollectiveDescription] = []
        if let c = top["collectives"] {
            let items = try reader.list(c, "collectives")
            for (i, item) in items.enumerated() {
                collectives.append(try buildCollective(item, path: "collectives[\(i)]", gpus: gpus,
                                                       topology: topology))
            }
        }
        let options = try top["simulation"].map { (n: DocNode) throws(ScenarioError) -> SimulationOptions in
            try buildOptions(n, path: "simulation")
        } ?? SimulationOptions()
        let jobs = try top["jobs"].map { (n: DocNode) throws(ScenarioError) -> [JobDescription] in
            try buildJobs(n, path: "jobs", topology: topology)
        } ?? []
        if training == nil && collectives.isEmpty && jobs.isEmpty {
            throw reader.error(root, "", "nothing to simulate: add 'collectives' or 'training' (with a 'model')")
        }
        var scenario = Scenario(name: name, file: file, cluster: cluster, topology: topology, gpus: gpus, model: model,
                                training: training, collectives: collectives, options: options)
        scenario.jobs = jobs
        return scenario
    }

    var defaultName: String {
        let last = file.split(separator: "/").last.map(String.init) ?? file
        if let dot = last.lastIndex(of: "."), dot != last.startIndex { return String(last[..<dot]) }
        return last.isEmpty ? "scenario" : last
    }

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

    // MARK: GPU sets

    /// A GPU list (`[0, 1, 4, 5]`), a count N (the first N of `universe`) or `all`.
    func gpuSet(_ node: DocNode, _ path: String, from universe: [Int], topology: Topology,
                setName: String) throws(ScenarioError) -> [Int] {
        if case .scalar(let text, let quoted) = node.kind {
            if text == "all" { return universe }
            guard !quoted, Int(text) != nil else {
                throw reader.error(node, path, "expected a list of GPU numbers, a GPU count or 'all', found "
                    + node.foundDescription)
            }
            let n = try reader.int(node, path, in: 1...Int.max)
            guard n <= universe.count else {
                throw reader.error(node, path, "\(n) GPUs asked for, but \(setName) has \(universe.count)")
            }
            return Array(universe.prefix(n))
        }
        let items = try reader.list(node, path)
        var result: [Int] = []
        let count = topology.gpuCount
        for (i, item) in items.enumerated() {
            let p = "\(path)[\(i)]"
            let g = try reader.int(item, p, in: 0...Int.max)
            guard g < count else {
                throw reader.error(item, p, "GPU \(g) is out of range: the topology has \(count) GPU"
                    + (count == 1 ? " (0)" : "s (0-\(count - 1))"))
            }
            if result.contains(g) { throw reader.error(item, p, "GPU \(g) is listed twice") }
            result.append(g)
        }
        return result
    }

    // MARK: Model

    func buildModel(_ node: DocNode, path: String) throws(ScenarioError) -> ModelDescription {
        let f = try reader.mapping(node, path, allowed: Self.modelKeys)
        let dtype = try f.choice("dtype", "dtype", default: DType.fp32)
        let given = ["preset", "layers", "transformer"].filter { f.has($0) }
        if given.count > 1, let e = f.entry(given[1]) {
            throw reader.error(e.keyLocation, path, "give one of 'preset', 'layers' or 'transformer', not "
                + given.map { "'\($0)'" }.joined(separator: " and "))
        }
        if let t = f["transformer"] {
            let config = try buildTransformer(t, path: f.path("transformer"))
            return ModelDescription(preset: nil, layers: config.layerSpecs(), dtype: dtype, transformer: config)
        }
        if let presetNode = f["preset"] {
            let name = try reader.string(presetNode, f.path("preset"))
            guard let layers = ModelCatalog.layers(name) else {
                throw reader.error(presetNode, f.path("preset"),
                                   Suggest.unknownValue(name, what: "model preset", allowed: ModelCatalog.names))
            }
            return ModelDescription(preset: name, layers: layers, dtype: dtype,
                                    transformer: TransformerConfig.preset(name))
        }
        guard let layersNode = f["layers"] else {
            throw reader.error(node, path, "the model needs a 'preset' (one of "
                + ModelCatalog.names.joined(separator: ", ") + ") or 'layers'")
        }
        var layers: [LayerSpec] = []
        var total: Int64 = 0
        for (i, item) in try reader.list(layersNode, f.path("layers")).enumerated() {
            let l = try reader.mapping(item, "\(f.path("layers"))[\(i)]", allowed: Self.layerKeys)
            let name = try l.string("name") ?? "layer\(i)"
            let params = try reader.int(try l.required("params"), l.path("params"), in: 0...Int(1) << 50)
            total += Int64(params)
            guard total <= Int64(1) << 50 else {
                throw reader.error(item, l.path, "the model has more than 2^50 parameters")
            }
            let forward = try l["forward"].map { (n: DocNode) throws(ScenarioError) -> Double in
                try reader.flops(n, l.path("forward"))
            } ?? 0
            let backward = try l["backward"].map { (n: DocNode) throws(ScenarioError) -> Double in
                try reader.flops(n, l.path("backward"))
            }
            let activations = try l["activations"].map { (n: DocNode) throws(ScenarioError) -> Bytes in
                try reader.bytes(n, l.path("activations"), allowZero: true)
            } ?? .zero
            layers.append(LayerSpec(name: name, parameters: Int64(params), forwardFLOPs: forward,
                                    activationBytes: activations.count, backwardFLOPs: backward))
        }
        return ModelDescription(preset: nil, layers: layers, dtype: dtype)
    }

    // MARK: Training

    func buildTraining(_ node: DocNode, path: String, gpus: [Int], topology: Topology,
                       model: ModelDescription) throws(ScenarioError) -> TrainingDescription {
        let f = try reader.mapping(node, path, allowed: Self.trainingKeys)
        let batch = try replicaBatch(f, gpus: gpus)
        let iterations = try f.int("iterations", default: 3, in: 1...100_000)
        let overlap = try f.bool("overlap", default: true)
        let parallelism = try buildParallelism(f["parallelism"], path: f.path("parallelism"), gpus: gpus,
                                               batch: batch, training: f)
        try checkModelParallel(parallelism, f: f, model: model)
        let sync = try buildSync(f["sync"], path: f.path("sync"), training: f,
                                 dataGPUs: Array(gpus.prefix(parallelism.data)), topology: topology)
        var training = TrainingDescription(batchPerGPU: batch, iterations: iterations, parallelism: parallelism,
                                           sync: sync, overlap: overlap)
        try readMemoryKeys(f, into: &training, gpus: gpus)
        try readElastic(f, into: &training, topology: topology)
        training.frozenLayers = try f.int("frozen_layers", default: 0, in: 0...model.layers.count)
        training.inference = try f.bool("inference", default: false)
        return training
    }

    func buildParallelism(_ node: DocNode?, path: String, gpus: [Int], batch: Int,
                          training: Fields) throws(ScenarioError) -> Parallelism {
        guard let node else { return Parallelism(data: gpus.count) }
        let f = try reader.mapping(node, path, allowed: Self.parallelismKeys)
        let n = gpus.count
        let tensor = try f.int("tensor", default: 1, in: 1...n)
        let pipeline = try f.int("pipeline", default: 1, in: 1...n)
        let modelParallel = tensor * pipeline
        let data: Int
        if let d = f["data"] {
            data = try reader.int(d, f.path("data"), in: 1...n)
            guard data * modelParallel == n else {
                throw reader.error(d, f.path("data"), "data × tensor × pipeline = \(data) × \(tensor) × \(pipeline) "
                    + "= \(data * modelParallel), but the job has \(n) GPU\(n == 1 ? "" : "s")")
            }
        } else {
            guard n % modelParallel == 0 else {
                let key = f["pipeline"] != nil ? "pipeline" : "tensor"
                throw reader.error(f[key] ?? node, f.path(key), "tensor × pipeline = \(modelParallel) does not divide "
                    + "the job's \(n) GPUs")
            }
            data = n / modelParallel
        }
        let defaultMicro = pipeline > 1 ? min(4 * pipeline, batch) : 1
        let micro = try f.int("micro_batches", default: defaultMicro, in: 1...batch)
        let schedule = try f.choice("schedule", "pipeline schedule", default: Parallelism.PipelineSchedule.gpipe)
        var result = Parallelism(data: data, tensor: tensor, pipeline: pipeline, microBatches: micro,
                                 schedule: schedule)
        try readPipelineKeys(f, into: &result)
        return result
    }

    func buildSync(_ node: DocNode?, path: String, training: Fields, dataGPUs: [Int],
                   topology: Topology) throws(ScenarioError) -> SyncDescription {
        guard let node else { return SyncDescription(scheme: .allreduce, algorithm: .ring) }
        let f = try reader.mapping(node, path, allowed: Self.syncKeys)
        let scheme = try f.choice("scheme", "sync scheme", SyncDescription.Scheme.self)
        let algorithm = try f.choice("algorithm", "algorithm", Algorithm.self)
        let resolvedScheme: SyncDescription.Scheme
        let resolvedAlgorithm: Algorithm
        switch (scheme, algorithm) {
        case (nil, nil): (resolvedScheme, resolvedAlgorithm) = (.allreduce, .ring)
        case (nil, .ps?), (.parameterServer?, nil), (.parameterServer?, .ps?):
            (resolvedScheme, resolvedAlgorithm) = (.parameterServer, .ps)
        case (nil, let a?), (.allreduce?, let a?):
            if a == .ps {
                throw reader.error(f["algorithm"] ?? node, f.path("algorithm"), "algorithm 'ps' is the "
                    + "parameter-server scheme; write scheme: parameter-server or leave 'scheme' out")
            }
            (resolvedScheme, resolvedAlgorithm) = (.allreduce, a)
        case (.allreduce?, nil): (resolvedScheme, resolvedAlgorithm) = (.allreduce, .ring)
        case (.parameterServer?, let a?):
            throw reader.error(f["algorithm"] ?? node, f.path("algorithm"), "the parameter-server scheme has no "
                + "algorithm choice ('\(a.rawValue)'); write algorithm: ps or leave 'algorithm' out")
        }
        if resolvedAlgorithm == .hierarchical {
            try requireSeveralNodes(dataGPUs, topology: topology, at: f["algorithm"] ?? node, f.path("algorithm"))
        }
        let placement = try f.choice("placement", "server placement", default: ServerPlacement.gpus)
        let servers = try serverCount(f, gpus: dataGPUs, placement: placement, topology: topology,
                                      what: "data-parallel GPU")
        let sharding = try f.choice("sharding", "sharding policy", default: ShardingPolicy.balanced)
        return SyncDescription(scheme: resolvedScheme, algorithm: resolvedAlgorithm, servers: servers,
                               sharding: sharding, placement: placement)
    }

    /// `servers: k`: at least 1, at most the GPUs (placement gpus) or the CPUs of the topology (hosts).
    private func serverCount(_ f: Fields, gpus: [Int], placement: ServerPlacement, topology: Topology,
                             what: String) throws(ScenarioError) -> Int {
        guard let n = f["servers"] else { return 1 }
        let k = try reader.int(n, f.path("servers"), in: 1...Int.max)
        switch placement {
        case .gpus:
            guard k <= gpus.count else {
                throw reader.error(n, f.path("servers"), "\(k) servers, but only \(gpus.count) \(what)"
                    + (gpus.count == 1 ? "" : "s") + " to place them on")
            }
        case .hosts:
            let cpus = topology.devices.filter { $0.kind == .cpu }.count
            guard k <= cpus else {
                throw reader.error(n, f.path("servers"), "\(k) host servers, but the topology has \(cpus) CPU"
                    + (cpus == 1 ? "" : "s"))
            }
        }
        return k
    }

    /// hierarchical needs GPUs on more than one node (on one node it is plain ring).
    private func requireSeveralNodes(_ gpus: [Int], topology: Topology, at node: DocNode,
                                     _ path: String) throws(ScenarioError) {
        let nodes = Set(gpus.compactMap { g in topology.device(ofGPU: g).map { topology.devices[$0].node } })
        guard nodes.count > 1 else {
            throw reader.error(node, path, "algorithm 'hierarchical' needs GPUs on more than one node; these "
                + "\(gpus.count) GPUs are all on node \(nodes.first ?? 0) (use ring, or cluster.nodes > 1)")
        }
    }

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
