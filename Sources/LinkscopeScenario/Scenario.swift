import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// A validated scenario: every field checked, units parsed, the topology built.
/// Produced by `ScenarioLoader`; consumed by the simulator. Knows nothing of YAML.
public struct Scenario: Sendable {
    /// `name:`, or the file name without extension.
    public var name: String
    /// Path of the file it came from ("<default>" for the built-in one).
    public var file: String
    /// `cluster:` as written.
    public var cluster: ClusterDescription
    /// The topology `cluster:` builds.
    public var topology: Topology
    /// GPU numbers the job gets (default: all), in rank order.
    public var gpus: [Int]
    /// `model:`, if given.
    public var model: ModelDescription?
    /// `training:`, if given (requires `model:`).
    public var training: TrainingDescription?
    /// `collectives:` entries, in file order.
    public var collectives: [CollectiveDescription]
    /// `simulation:` knobs.
    public var options: SimulationOptions
    /// One fully validated scenario per sweep combination (empty without `sweep`).
    public var sweep: [SweepPoint]
    /// Training jobs that share the fabric (`jobs:`), simulated together.
    public var jobs: [JobDescription] = []

    /// A scenario; no model, training, collectives, options or sweep unless given.
    public init(name: String, file: String, cluster: ClusterDescription, topology: Topology, gpus: [Int],
                model: ModelDescription? = nil, training: TrainingDescription? = nil,
                collectives: [CollectiveDescription] = [], options: SimulationOptions = SimulationOptions(),
                sweep: [SweepPoint] = []) {
        self.name = name
        self.file = file
        self.cluster = cluster
        self.topology = topology
        self.gpus = gpus
        self.model = model
        self.training = training
        self.collectives = collectives
        self.options = options
        self.sweep = sweep
    }
}

/// `cluster:` as written: a preset (with node count and fabric) or a custom graph.
public struct ClusterDescription: Sendable, Equatable {
    /// Preset name; nil for a custom graph.
    public var preset: String?
    /// Nodes of the preset.
    public var nodes: Int
    /// How the nodes are joined; nil for the preset's default.
    public var fabric: FabricSpec?
    /// Custom graph devices (empty with a preset).
    public var devices: [DeviceSpec]
    /// Custom graph links (empty with a preset).
    public var links: [LinkSpec]
    /// A cluster; one node, default fabric and no custom graph unless given.
    public init(preset: String?, nodes: Int = 1, fabric: FabricSpec? = nil, devices: [DeviceSpec] = [],
                links: [LinkSpec] = []) {
        self.preset = preset
        self.nodes = nodes
        self.fabric = fabric
        self.devices = devices
        self.links = links
    }
}

/// `model:`: a preset or explicit layers, with the element type.
public struct ModelDescription: Sendable, Equatable {
    /// Model preset name; nil for explicit layers.
    public var preset: String?
    /// The layers, in forward order.
    public var layers: [LayerSpec]
    /// Element type of weights, gradients and activations.
    public var dtype: DType
    /// Set for transformers (`transformer:` or a transformer preset): `layers` is then
    /// `embedding, layer0 … layerL−1, head`, and tensor parallelism and Korthikanti's activations apply.
    public var transformer: TransformerConfig?
    /// A model description.
    public init(preset: String?, layers: [LayerSpec], dtype: DType, transformer: TransformerConfig? = nil) {
        self.preset = preset
        self.layers = layers
        self.dtype = dtype
        self.transformer = transformer
    }
    /// Trainable parameters P over all layers.
    public var parameters: Int64 { layers.reduce(0) { $0 + $1.parameters } }
    /// Gradient / model bytes M = P·q.
    public var gradientBytes: Int64 { parameters * Int64(dtype.bytes) }
}

/// `training.parallelism:`.
public struct Parallelism: Sendable, Equatable {
    /// Pipeline schedule (book ch6, Megatron's interleaved 1F1B).
    public enum PipelineSchedule: String, Sendable, CaseIterable {
        case vanilla, gpipe, oneFOneB = "1f1b", interleaved
    }
    /// Data-parallel replicas.
    public var data: Int
    /// Tensor-parallel GPUs per layer.
    public var tensor: Int
    /// Pipeline stages.
    public var pipeline: Int
    /// Micro-batches per iteration.
    public var microBatches: Int
    /// The pipeline schedule.
    public var schedule: PipelineSchedule
    /// Model chunks per pipeline GPU (interleaved schedule); 1 otherwise.
    public var virtualStages: Int
    /// Megatron sequence parallelism: each tensor-parallel all-reduce becomes reduce-scatter + all-gather.
    public var sequence: Bool
    /// Explicit layers per model chunk (`split:`), nil = balanced automatically.
    public var split: [Int]?
    /// Parallelism; no tensor or pipeline split, one micro-batch, GPipe unless given.
    public init(data: Int, tensor: Int = 1, pipeline: Int = 1, microBatches: Int = 1, schedule: PipelineSchedule = .gpipe,
                virtualStages: Int = 1, sequence: Bool = false, split: [Int]? = nil) {
        self.data = data
        self.tensor = tensor
        self.pipeline = pipeline
        self.microBatches = microBatches
        self.schedule = schedule
        self.virtualStages = virtualStages
        self.sequence = sequence
        self.split = split
    }
}

/// `training.sync:`: how data-parallel workers synchronise gradients.
public struct SyncDescription: Sendable, Equatable {
    /// All-reduce among workers, or parameter servers.
    public enum Scheme: String, Sendable, CaseIterable { case allreduce, parameterServer = "parameter-server" }
    /// The sync scheme.
    public var scheme: Scheme
    /// All-reduce algorithm (or `ps`).
    public var algorithm: Algorithm
    /// Parameter-server shard count k.
    public var servers: Int
    /// How the model is split over the servers.
    public var sharding: ShardingPolicy
    /// Where the servers run.
    public var placement: ServerPlacement
    /// A sync; one server, balanced shards on GPUs unless given.
    public init(scheme: Scheme, algorithm: Algorithm, servers: Int = 1, sharding: ShardingPolicy = .balanced,
                placement: ServerPlacement = .gpus) {
        self.scheme = scheme
        self.algorithm = algorithm
        self.servers = servers
        self.sharding = sharding
        self.placement = placement
    }
}

/// `training:`.
public struct TrainingDescription: Sendable, Equatable {
    /// Samples per data-parallel replica per iteration.
    public var batchPerGPU: Int
    /// Iterations simulated.
    public var iterations: Int
    /// `parallelism:`.
    public var parallelism: Parallelism
    /// `sync:`.
    public var sync: SyncDescription
    /// Gradient buckets overlap the backward pass.
    public var overlap: Bool
    /// Optimizer (its state size per parameter).
    public var optimizer: Optimizer
    /// Activation recomputation.
    public var recompute: Recompute
    /// ZeRO stage 0…3.
    public var zero: Int
    /// Speed factor per GPU number (1 = nominal; 0.5 = half as fast), for stragglers and mixed GPUs.
    public var gpuSpeed: [Int: Double]
    /// The job's input pipeline (`data_loading`), nil = free.
    public var dataLoading: DataLoading?
    /// The learning-rate rule (`learning_rate`), reported for the global batch.
    public var learningRate: LearningRateRule?
    /// Scheduled resizes of a data-parallel job (`elastic`), in iteration order.
    public var elastic: ElasticPlan?
    /// Leading layers that are frozen (`frozen_layers`): forward only, no gradients, no sync (docs/cost-model.md §16).
    public var frozenLayers: Int = 0
    /// Serving instead of training (`inference: true`): forward passes only, no gradients, sync or optimizer.
    public var inference: Bool = false
    /// Training keys; momentum, no recomputation, no ZeRO, nominal speed unless given.
    public init(batchPerGPU: Int, iterations: Int, parallelism: Parallelism, sync: SyncDescription, overlap: Bool,
                optimizer: Optimizer = .momentum, recompute: Recompute = .none, zero: Int = 0,
                gpuSpeed: [Int: Double] = [:]) {
        self.batchPerGPU = batchPerGPU
        self.iterations = iterations
        self.parallelism = parallelism
        self.sync = sync
        self.overlap = overlap
        self.optimizer = optimizer
        self.recompute = recompute
        self.zero = zero
        self.gpuSpeed = gpuSpeed
    }
    /// Samples per iteration over all data-parallel replicas.
    public var globalBatch: Int { batchPerGPU * parallelism.data }
}

/// One entry of `jobs:`: a training job with its own GPUs, model and training keys.
public struct JobDescription: Sendable, Equatable {
    /// Job name, as reports print it.
    public var name: String
    /// The job's GPU numbers, in rank order.
    public var gpus: [Int]
    /// The job's model.
    public var model: ModelDescription
    /// The job's training keys.
    public var training: TrainingDescription
    /// A job.
    public init(name: String, gpus: [Int], model: ModelDescription, training: TrainingDescription) {
        self.name = name
        self.gpus = gpus
        self.model = model
        self.training = training
    }
}

/// `training.data_loading`: one input pipeline feeding every replica (book ch1: throughput =
/// min(load, N × train)). Each iteration loads the global batch; loading prefetches the next batch while
/// the current one trains.
public struct DataLoading: Sendable, Equatable {
    /// Throughput of the input pipeline.
    public var bandwidth: Bandwidth
    /// Bytes of one sample.
    public var sampleBytes: Bytes
    /// An input pipeline.
    public init(bandwidth: Bandwidth, sampleBytes: Bytes) {
        self.bandwidth = bandwidth
        self.sampleBytes = sampleBytes
    }
    /// Seconds to load `samples` samples.
    public func seconds(samples: Int) -> Double {
        bandwidth.bytesPerSecond > 0 ? Double(sampleBytes.count) * Double(samples) / bandwidth.bytesPerSecond : 0
    }
}

/// `training.elastic`: the job continues on another GPU set from iteration `at` on (book ch11,
/// docs/cost-model.md §17). Newcomers receive the weights and optimizer state by broadcast from the first
/// surviving GPU; the ring is rebuilt over the new set.
public struct ElasticPlan: Sendable, Equatable {
    /// From iteration `at` on, the job runs on `gpus`.
    public struct Resize: Sendable, Equatable {
        /// First iteration on the new GPU set.
        public var at: Int
        /// The new GPU set, in rank order.
        public var gpus: [Int]
        /// A resize.
        public init(at: Int, gpus: [Int]) {
            self.at = at
            self.gpus = gpus
        }
    }
    /// Keep the global batch (each replica's batch changes) instead of each replica's batch.
    public var keepGlobalBatch: Bool
    /// The resizes, in iteration order.
    public var resizes: [Resize]
    /// An elastic plan.
    public init(keepGlobalBatch: Bool, resizes: [Resize]) {
        self.keepGlobalBatch = keepGlobalBatch
        self.resizes = resizes
    }
}

/// `training.learning_rate`: a base rate tuned at `baseBatch`, scaled to the global batch linearly
/// (Goyal et al. 2017) or by its square root, reached after `warmup` iterations.
public struct LearningRateRule: Sendable, Equatable {
    /// Linear (Goyal et al.) or square-root scaling.
    public enum Rule: String, Sendable, CaseIterable { case linear, sqrt }
    /// The rate tuned at `baseBatch`.
    public var base: Double
    /// The global batch `base` was tuned at.
    public var baseBatch: Int
    /// How the rate scales with the batch.
    public var rule: Rule
    /// Iterations of linear warm-up.
    public var warmup: Int
    /// A rule; linear without warm-up unless given.
    public init(base: Double, baseBatch: Int, rule: Rule = .linear, warmup: Int = 0) {
        self.base = base
        self.baseBatch = baseBatch
        self.rule = rule
        self.warmup = warmup
    }
    /// The scaled rate for `globalBatch` samples per iteration.
    public func rate(globalBatch: Int) -> Double {
        let ratio = Double(globalBatch) / Double(max(baseBatch, 1))
        return base * (rule == .linear ? ratio : ratio.squareRoot())
    }
}

/// One entry of `collectives:` (nccl-tests style): an operation at one or more sizes.
public struct CollectiveDescription: Sendable, Equatable {
    /// The operation.
    public var op: CollectiveOp
    /// The algorithm.
    public var algorithm: Algorithm
    /// Message sizes, each simulated separately.
    public var sizes: [Bytes]
    /// Root GPU (a GPU number) for rooted operations.
    public var root: Int
    /// GPUs for this collective; nil = the scenario's `gpus`.
    public var gpus: [Int]?
    /// ps only.
    public var servers: Int
    /// ps only: how the buffer is split over the servers.
    public var sharding: ShardingPolicy
    /// ps only: where the servers run.
    public var placement: ServerPlacement
    /// Entries with the same non-nil group run at the same time (contention studies).
    public var concurrentGroup: String?
    /// NCCL protocol (`protocol:`); nil when not given.
    public var proto: ProtocolChoice? = nil
    /// NCCL channels (`channels:`); nil = the scenario's, else NCCL's graph search.
    public var channels: Int? = nil
    /// An entry; root GPU 0, the scenario's GPUs, one balanced server on GPUs unless given.
    public init(op: CollectiveOp, algorithm: Algorithm, sizes: [Bytes], root: Int = 0, gpus: [Int]? = nil,
                servers: Int = 1, sharding: ShardingPolicy = .balanced, placement: ServerPlacement = .gpus,
                concurrentGroup: String? = nil) {
        self.op = op
        self.algorithm = algorithm
        self.sizes = sizes
        self.root = root
        self.gpus = gpus
        self.servers = servers
        self.sharding = sharding
        self.placement = placement
        self.concurrentGroup = concurrentGroup
    }
}

/// `simulation:` knobs (all optional).
public struct SimulationOptions: Sendable, Equatable {
    /// Achieved / line rate on every link (docs/hardware.md §3); 1 = line rate.
    public var linkEfficiency: Double
    /// Pipelining chunk for chunked algorithms.
    public var chunkBytes: Bytes
    /// Fraction of peak FLOP/s that compute achieves.
    public var computeEfficiency: Double?
    /// `model:` ideal (default) or nccl.
    public var collectiveModel: CollectiveModel = .ideal
    /// `collectives:` flows (default), analytical or auto, for NCCL-modelled collectives.
    public var collectiveFidelity: CollectiveFidelity = .flows
    /// `channels:` for every NCCL-modelled collective (like NCCL_MIN/MAX_NCHANNELS); nil = NCCL's search.
    public var channels: Int? = nil
    /// True when `link_efficiency` was set (it then overrides NCCL's effective bandwidths); `init` sets it for
    /// any value other than 1.
    public var linkEfficiencyGiven: Bool = false
    /// Options; line rate, 4 MiB chunks and the GPU's own compute efficiency unless given.
    public init(linkEfficiency: Double = 1, chunkBytes: Bytes = .mebibytes(4), computeEfficiency: Double? = nil) {
        self.linkEfficiency = linkEfficiency
        linkEfficiencyGiven = linkEfficiency != 1
        self.chunkBytes = chunkBytes
        self.computeEfficiency = computeEfficiency
    }
}

/// One combination of a `sweep:`: the parameter values as written, and the scenario they give.
public struct SweepPoint: Sendable {
    /// (key, value as written) in the order of the sweep's keys.
    public var parameters: [(String, String)]
    /// The scenario with those values applied, validated.
    public var scenario: Scenario
    /// A sweep point.
    public init(parameters: [(String, String)], scenario: Scenario) {
        self.parameters = parameters
        self.scenario = scenario
    }
}
