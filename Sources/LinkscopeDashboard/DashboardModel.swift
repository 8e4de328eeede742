import LinkscopeTimeline

/// A value snapshot of one run (a simulation or a set of traces): everything the dashboard draws.
/// The simulator facade (or the trace reader via `DashboardModel(timeline:)`) fills it in; the
/// dashboard never reaches back into the simulator except through `WhatIfRunner`.
public struct DashboardModel: Sendable {
    /// Scenario name or trace title, shown in the header.
    public var title: String
    /// Everything that happened, as tracks of spans.
    public var timeline: Timeline
    /// The header's numbers.
    public var stats: HeaderStats
    /// One row per GPU or rank (temporal breakdown).
    public var gpus: [GPUBreakdown]
    /// nccl-tests-style rows.
    public var collectives: [CollectiveRow]
    /// Links with traffic; the heat map shows the busiest first.
    public var links: [LinkRow]
    /// The topology pane's devices and links.
    public var topology: TopologyView
    /// The what-if settings that produced this run (nil for traces: no what-if).
    public var settings: WhatIfSettings?

    /// A model; empty tables and no what-if settings unless given.
    public init(title: String, timeline: Timeline, stats: HeaderStats, gpus: [GPUBreakdown] = [],
                collectives: [CollectiveRow] = [], links: [LinkRow] = [], topology: TopologyView = TopologyView(),
                settings: WhatIfSettings? = nil) {
        self.title = title
        self.timeline = timeline
        self.stats = stats
        self.gpus = gpus
        self.collectives = collectives
        self.links = links
        self.topology = topology
        self.settings = settings
    }
}

/// Header numbers. Times in seconds.
public struct HeaderStats: Sendable, Hashable {
    /// Span of time the run covers, seconds.
    public var simulatedSeconds: Double
    /// Time of one training iteration (nil when the run is not a training loop).
    public var iterationSeconds: Double?
    /// Iterations in the run (nil when not a training loop).
    public var iterations: Int?
    /// Preformatted throughput, e.g. "1234 samples/s" (nil when unknown).
    public var throughputText: String?
    /// Number of simulated events (shown when > 0).
    public var events: Int
    /// What the span of time is: "sim" for a simulation, "trace" for a measured trace.
    public var timeLabel: String

    /// Header numbers; unknown ones nil, no events, "sim" unless given.
    public init(simulatedSeconds: Double, iterationSeconds: Double? = nil, iterations: Int? = nil,
                throughputText: String? = nil, events: Int = 0, timeLabel: String = "sim") {
        self.timeLabel = timeLabel
        self.simulatedSeconds = simulatedSeconds
        self.iterationSeconds = iterationSeconds
        self.iterations = iterations
        self.throughputText = throughputText
        self.events = events
    }
}

/// Temporal breakdown of one GPU (the JSON report's `gpus[]`). Seconds and bytes.
public struct GPUBreakdown: Sendable, Hashable {
    /// GPU or rank number.
    public var gpu: Int
    /// Time with compute running.
    public var computeSeconds: Double
    /// Time with communication running.
    public var communicationSeconds: Double
    /// Time with neither.
    public var idleSeconds: Double
    /// Time when compute and communication run at once.
    public var overlapSeconds: Double
    /// Bytes the GPU sent.
    public var bytesSent: Int64
    /// Bytes the GPU received.
    public var bytesReceived: Int64

    /// A breakdown; bytes 0 unless given.
    public init(gpu: Int, computeSeconds: Double, communicationSeconds: Double, idleSeconds: Double,
                overlapSeconds: Double, bytesSent: Int64 = 0, bytesReceived: Int64 = 0) {
        self.gpu = gpu
        self.computeSeconds = computeSeconds
        self.communicationSeconds = communicationSeconds
        self.idleSeconds = idleSeconds
        self.overlapSeconds = overlapSeconds
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
    }

    /// compute + communication + idle − overlap: the wall time the fractions refer to.
    public var totalSeconds: Double { max(computeSeconds + communicationSeconds + idleSeconds - overlapSeconds, 1e-30) }
}

/// One nccl-tests-style row (the JSON report's `collectives[]`). Bandwidths in GB/s (1e9 B/s).
public struct CollectiveRow: Sendable, Hashable {
    /// Operation name.
    public var op: String
    /// Algorithm name.
    public var algorithm: String
    /// GPUs taking part, in rank order.
    public var gpus: [Int]
    /// Message size, bytes.
    public var bytes: Int64
    /// Time of the collective.
    public var seconds: Double
    /// Algorithm bandwidth, bytes / time, GB/s.
    public var algbwGBps: Double
    /// Bus bandwidth, algbw × the nccl-tests factor, GB/s.
    public var busbwGBps: Double
    /// Closed-form (alpha-beta) time for comparison, when known.
    public var formulaSeconds: Double?

    /// A row; no formula time unless given.
    public init(op: String, algorithm: String, gpus: [Int], bytes: Int64, seconds: Double, algbwGBps: Double,
                busbwGBps: Double, formulaSeconds: Double? = nil) {
        self.op = op
        self.algorithm = algorithm
        self.gpus = gpus
        self.bytes = bytes
        self.seconds = seconds
        self.algbwGBps = algbwGBps
        self.busbwGBps = busbwGBps
        self.formulaSeconds = formulaSeconds
    }
}

/// One directed link and its traffic.
public struct LinkRow: Sendable, Hashable {
    /// e.g. "gpu0->gpu1".
    public var name: String
    /// e.g. "nvlink", "pcie", "nic".
    public var kind: String
    /// Bytes carried over the run.
    public var bytes: Int64
    /// Time with at least one flow on the link.
    public var busySeconds: Double
    /// Average utilisation over the run, 0...1.
    public var utilisation: Double
    /// Utilisation over time (0...1), piecewise constant: each value holds until the next point.
    public var series: [CounterPoint]

    /// A link row; no series unless given.
    public init(name: String, kind: String, bytes: Int64, busySeconds: Double, utilisation: Double,
                series: [CounterPoint] = []) {
        self.name = name
        self.kind = kind
        self.bytes = bytes
        self.busySeconds = busySeconds
        self.utilisation = utilisation
        self.series = series
    }
}

/// Topology in the simplest form the dashboard can draw: devices, and links between device indices
/// with the traffic they carried. The pane draws an adjacency grid plus a list of the busy links.
public struct TopologyView: Sendable, Hashable {
    /// Devices, referred to by index.
    public var devices: [TopologyDevice]
    /// Links between device indices.
    public var links: [TopologyLink]
    /// A topology view (empty unless given).
    public init(devices: [TopologyDevice] = [], links: [TopologyLink] = []) {
        self.devices = devices
        self.links = links
    }
}

/// A device as the topology pane draws it.
public struct TopologyDevice: Sendable, Hashable {
    /// Short name, e.g. "gpu0", "sw0", "cpu0", "nic0".
    public var name: String
    /// e.g. "gpu", "nvswitch", "cpu", "pcie-switch", "nic".
    public var kind: String
    /// A device.
    public init(name: String, kind: String) {
        self.name = name
        self.kind = kind
    }
}

/// A link as the topology pane draws it.
public struct TopologyLink: Sendable, Hashable {
    /// Indices into `TopologyView.devices`.
    public var from: Int
    /// Receiving device index.
    public var to: Int
    /// Link technology, e.g. "nvlink".
    public var kind: String
    /// Preformatted, e.g. "25 GB/s".
    public var bandwidthText: String
    /// Bytes carried in this run (0 = idle link).
    public var bytes: Int64
    /// A link.
    public init(from: Int, to: Int, kind: String, bandwidthText: String, bytes: Int64) {
        self.from = from
        self.to = to
        self.kind = kind
        self.bandwidthText = bandwidthText
        self.bytes = bytes
    }
}
