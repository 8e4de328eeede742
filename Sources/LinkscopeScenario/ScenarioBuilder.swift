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

    // MARK: Checks shared by training sync and collectives

    /// `servers: k`: at least 1, at most the GPUs (placement gpus) or the CPUs of the topology (hosts).
    func serverCount(_ f: Fields, gpus: [Int], placement: ServerPlacement, topology: Topology,
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
    func requireSeveralNodes(_ gpus: [Int], topology: Topology, at node: DocNode,
                             _ path: String) throws(ScenarioError) {
        let nodes = Set(gpus.compactMap { g in topology.device(ofGPU: g).map { topology.devices[$0].node } })
        guard nodes.count > 1 else {
            throw reader.error(node, path, "algorithm 'hierarchical' needs GPUs on more than one node; these "
                + "\(gpus.count) GPUs are all on node \(nodes.first ?? 0) (use ring, or cluster.nodes > 1)")
        }
    }
}
