import LinkscopeUnits

/// The result of simulating a scenario, as the JSON report (docs/output-formats.md) lays it out.
/// Plain values only; the renderers turn it into text, JSON or CSV.
public struct Report: Sendable {
    public var scenario: String
    public var simulatedTime: Double
    public var iterationTime: Double?
    public var events: Int
    public var collectives: [CollectiveResult]
    public var gpus: [GPUResult]
    public var links: [LinkResult]
    public var pipeline: PipelineResult?
    public var memory: [MemoryResult]
    public var sweep: [SweepResult]
    public var training: TrainingSummary?
    /// `jobs:` sharing the fabric: each one's iteration time shared vs alone.
    public var jobs: [JobResult] = []
    public var topologyName: String
    public var warnings: [String]
    /// The collective model and bandwidth basis, when the NCCL-like model ran (nil = the idealised model).
    public var collectiveModel: String? = nil

    public init(scenario: String, topologyName: String) {
        self.scenario = scenario
        self.topologyName = topologyName
        simulatedTime = 0
        iterationTime = nil
        events = 0
        collectives = []
        gpus = []
        links = []
        pipeline = nil
        memory = []
        sweep = []
        training = nil
        warnings = []
    }
}

/// One simulated collective (one size of one `collectives:` entry, or a training sync).
public struct CollectiveResult: Sendable, Equatable {
    public var name: String
    public var op: String
    public var algorithm: String
    public var gpus: [Int]
    public var bytes: Int64
    public var time: Double
    public var algbw: Double
    public var busbw: Double
    /// Closed-form prediction on the same bottleneck bandwidth; nil where no formula applies.
    public var formulaTime: Double?
    /// Bottleneck bandwidth (bytes/s) and per-step latency the formula used.
    public var formulaBandwidth: Double
    public var formulaLatency: Double
    /// Bytes all transfers of this collective put on the network (sum over transfers, not hops).
    public var trafficBytes: Int64
    public var start: Double
    public var end: Double
    public var concurrentGroup: String?
    /// A training iteration's gradient sync (reported in the training summary), not a `collectives:` entry.
    public var isTrainingSync: Bool
}

public struct GPUResult: Sendable, Equatable {
    public var id: Int
    public var compute: Double
    public var communication: Double
    public var idle: Double
    public var overlap: Double
    public var bytesSent: Int64
    public var bytesReceived: Int64
    /// Pipelined jobs: time the GPU waited inside the pipeline's fill and drain (idle while computing
    /// or communicating nothing), nil otherwise.
    public var bubble: Double? = nil
    /// Communication not hidden behind compute.
    public var exposedCommunication: Double { max(0, communication - overlap) }
}

public struct LinkResult: Sendable, Equatable {
    public var index: Int
    public var from: String
    public var to: String
    public var kind: String
    public var bandwidth: Double
    public var bytes: Int64
    public var busy: Double
    /// Bytes carried / (bandwidth × simulated time): the average load.
    public var utilization: Double
}

public struct PipelineResult: Sendable, Equatable {
    /// Measured on the simulated timeline: mean over the job's GPUs of idle ÷ iteration time.
    public var bubbleFraction: Double
    public var schedule: String = ""
    public var stages: Int = 1
    public var microBatches: Int = 1
    public var virtualStages: Int = 1
    /// The closed form for the same schedule (docs/cost-model.md §13).
    public var formulaBubbleFraction: Double = 0
    /// Bytes each boundary carries per micro-batch, one way (activations; gradients the same back).
    public var boundaryBytes: Int64 = 0
}

public struct MemoryResult: Sendable, Equatable {
    public var gpu: Int
    public var peakBytes: Int64
    public var capacityBytes: Int64
    public var fits: Bool { peakBytes <= capacityBytes }
    public var weights: Int64 = 0
    public var gradients: Int64 = 0
    /// Optimizer state including FP32 master weights under mixed precision.
    public var optimizer: Int64 = 0
    public var activations: Int64 = 0
    /// Pipeline stage of the GPU (0 without pipeline parallelism).
    public var stage: Int = 0
}

public struct SweepResult: Sendable {
    public var parameters: [(String, String)]
    public var iterationTime: Double?
    public var simulatedTime: Double
    /// Time of each standalone collective of this combination, in report order (name, seconds, busbw GB/s).
    public var collectives: [(name: String, time: Double, busbw: Double)] = []
    /// Set when this combination could not be simulated (shown in the table instead of numbers).
    public var error: String?

    public init(parameters: [(String, String)], iterationTime: Double?, simulatedTime: Double,
                collectives: [(name: String, time: Double, busbw: Double)] = [], error: String? = nil) {
        self.parameters = parameters
        self.iterationTime = iterationTime
        self.simulatedTime = simulatedTime
        self.collectives = collectives
        self.error = error
    }
}

/// One job of `jobs:`: its iteration time alone on the cluster and when sharing it with the others.
public struct JobResult: Sendable, Equatable {
    public var name: String
    public var gpus: [Int]
    public var iterations: Int
    public var aloneIterationTime: Double
    public var sharedIterationTime: Double
    public var samplesPerSecond: Double
    /// Shared ÷ alone (1 = no interference).
    public var slowdown: Double { aloneIterationTime > 0 ? sharedIterationTime / aloneIterationTime : 1 }
}

/// What one training iteration consisted of (data-parallel training).
public struct TrainingSummary: Sendable, Equatable {
    public var model: String
    public var parameters: Int64
    public var gradientBytes: Int64
    public var workers: Int
    public var batchPerGPU: Int
    public var iterations: Int
    public var sync: String
    public var forwardTime: Double
    public var backwardTime: Double
    /// Sync window per iteration: first gradient bucket's start to the last one's end.
    public var syncTime: Double
    public var samplesPerSecond: Double
    /// Per-worker bytes sent/received per iteration, and per-server bytes (parameter servers).
    public var perWorkerSent: Int64
    public var perWorkerReceived: Int64
    public var perServerReceived: Int64?
    public var perServerSent: Int64?
    /// "data 8 × tensor 8 × pipeline 16" for hybrid jobs.
    public var layout: String? = nil
    public var globalBatch: Int? = nil
    /// Transformers only: global batch × sequence length ÷ iteration time.
    public var tokensPerSecond: Double? = nil
    /// Model FLOPs (3 × forward, recomputation not counted) ÷ (iteration time × GPUs × peak).
    public var mfu: Double? = nil
    /// Mean over the job's GPUs of communication not overlapped with compute, per iteration.
    public var exposedCommunication: Double? = nil
    /// Tensor-parallel collectives per iteration and whether they were priced analytically.
    public var tensorCollectives: Int? = nil
    public var tensorAnalytic: Bool = false
    /// Seconds the input pipeline needs per iteration (`data_loading`).
    public var dataLoadingTime: Double? = nil
    /// The learning rate for the global batch, and how it was scaled ("linear from 0.1 at 256, 5 warm-up iterations").
    public var learningRate: Double? = nil
    public var learningRateRule: String? = nil
    /// Time the gradient collectives spend running per iteration, summed over buckets (total sync time).
    public var syncTotal: Double = 0
    /// Per iteration, the part of the time not hidden behind compute: iteration − forward − backward (exposed).
    public var syncExposed: Double = 0
    /// Serving: seconds until the first micro-batch leaves the last stage.
    public var latency: Double? = nil
}
