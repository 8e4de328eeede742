import LinkscopeSim

/// A layout simulated with flows on the fabric: the simulator's own report figures.
public struct FlowFigures: Sendable, Equatable {
    public var iterationTime: Double
    public var tokensPerSecond: Double?
    public var samplesPerSecond: Double
    public var mfu: Double
    public var peakMemoryBytes: Int64
    public var bubbleFraction: Double?
}

/// One row of the ranked table.
public struct PlanRow: Sendable, Equatable {
    public var rank: Int
    public var candidate: LayoutCandidate
    public var estimate: LayoutEstimate
    /// Set for the simulated layouts.
    public var flow: FlowFigures? = nil
    /// Why the flow simulation of this layout failed.
    public var flowError: String? = nil

    /// The flow time when simulated, else the closed form's.
    public var iterationTime: Double { flow?.iterationTime ?? estimate.iterationTime }
    /// (closed form − flows) ÷ flows, for simulated rows.
    public var deviation: Double? {
        flow.map { $0.iterationTime > 0 ? (estimate.iterationTime - $0.iterationTime) / $0.iterationTime : 0 }
    }
}

/// What `linkscope plan` found.
public struct PlanResult: Sendable, Equatable {
    public var scenario: String
    public var model: String
    public var gpus: Int
    public var globalBatch: Int
    /// Tokens per sample (transformers): throughput is then tokens/s.
    public var sequenceLength: Int?
    /// Valid layouts enumerated.
    public var candidates: Int
    /// Layouts dropped because some GPU's peak memory exceeds its capacity.
    public var outOfMemory: Int
    /// Layouts simulated with flows.
    public var simulated: Int
    /// Agreement threshold (fraction of the flow time).
    public var tolerance: Double
    /// Ranked: simulated layouts by flow time, then the others by closed-form time.
    public var rows: [PlanRow]
    /// The scenario's own layout priced the same way (its rank: where its closed form falls among the
    /// fitting layouts); nil when it does not use every GPU or nothing is simulated.
    public var reference: PlanRow? = nil

    /// Whether a row's closed form and flows agree (nil when not simulated).
    public func agrees(_ row: PlanRow) -> Bool? { row.deviation.map { abs($0) <= tolerance } }

    /// Samples (or tokens) per second at the row's iteration time.
    public func throughput(_ row: PlanRow) -> Double {
        let t = row.iterationTime
        guard t > 0 else { return 0 }
        return Double(globalBatch * (sequenceLength ?? 1)) / t
    }

    public func mfu(_ row: PlanRow) -> Double { row.flow?.mfu ?? row.estimate.mfu(iterationTime: row.iterationTime, gpus: gpus) }
}
