import LinkscopeScenario
import LinkscopeSim

/// How `LayoutSearch.run` searches.
public struct PlanOptions: Sendable, Equatable {
    public var space: SearchSpace
    /// Layouts simulated with flows on the fabric: the best by the closed form.
    public var simulate: Int
    /// Rows of the ranked table (the simulated ones first).
    public var rows: Int
    /// Flow and closed-form iteration times agree when within this fraction of the flow time.
    public var tolerance: Double
    /// Candidates evaluated at the same time (tasks of a bounded task group); 1 = serial.
    public var width: Int
    public init(space: SearchSpace = SearchSpace(), simulate: Int = 5, rows: Int = 10, tolerance: Double = 0.05,
                width: Int = 2) {
        self.space = space
        self.simulate = simulate
        self.rows = rows
        self.tolerance = tolerance
        self.width = width
    }
}

/// Where the search is, for a progress bar: `done` of `total` in `phase`.
public struct PlanProgress: Sendable, Equatable {
    public enum Phase: String, Sendable { case estimating = "closed form", simulating = "flows" }
    public var phase: Phase
    public var done: Int
    public var total: Int
}

/// `linkscope plan`: enumerates the layouts of a scenario's training job (`SearchSpace`), drops those that do
/// not fit in memory, ranks the rest by the closed form (`LayoutEstimator`), simulates the best few with
/// flows on the fabric (`Simulator.run`) and ranks those by their simulated iteration time.
/// Candidates are evaluated in a bounded task group; results are collected by candidate index, so the
/// output is byte-identical for every `width`.
public enum LayoutSearch {
    public static func run(_ scenario: Scenario, options: PlanOptions = PlanOptions(),
                           progress: @Sendable (PlanProgress) -> Void = { _ in }) async throws -> PlanResult {
        let (model, training) = try SearchSpace.validate(scenario)
        let candidates = try options.space.candidates(for: scenario)
        let width = max(1, options.width)

        // Closed form: one task per (tensor, pipeline) shape, each with its own estimator (topology caches).
        let shapes = shapeGroups(candidates)
        progress(PlanProgress(phase: .estimating, done: 0, total: candidates.count))
        var estimated = 0
        let perShape = try await boundedMap(shapes.count, width: width, completed: { i in
            estimated += shapes[i].count
            progress(PlanProgress(phase: .estimating, done: estimated, total: candidates.count))
        }) { s in
            var estimator = LayoutEstimator(scenario: scenario)
            return try shapes[s].map { i in
                try Task.checkCancellation()
                return estimator.estimate(candidates[i].training(from: training))
            }
        }
        var estimates: [LayoutEstimate?] = Array(repeating: nil, count: candidates.count)
        for (s, values) in zip(shapes, perShape) {
            for (i, e) in zip(s, values) { estimates[i] = e }
        }

        // Rank what fits by the closed form; ties keep the enumeration order.
        var fitting: [(index: Int, estimate: LayoutEstimate)] = []
        for (i, e) in estimates.enumerated() { if let e, e.fits { fitting.append((i, e)) } }
        fitting.sort { $0.estimate.iterationTime != $1.estimate.iterationTime
            ? $0.estimate.iterationTime < $1.estimate.iterationTime : $0.index < $1.index }

        // The scenario's own layout, priced the same way for comparison (when it uses every GPU).
        var reference: PlanRow? = nil
        let own = LayoutCandidate(training)
        if own.gpus == scenario.gpus.count, options.simulate > 0 {
            var estimator = LayoutEstimator(scenario: scenario)
            if let e = estimator.estimate(training) {
                let rank = fitting.filter { $0.estimate.iterationTime < e.iterationTime }.count + 1
                reference = PlanRow(rank: rank, candidate: own, estimate: e)
            }
        }

        // Flows for the best few (and the scenario's own layout, last, when it fits).
        let best = Array(fitting.prefix(max(0, options.simulate)))
        let simulateReference = reference?.estimate.fits == true
        let flowScenarios = best.map { candidates[$0.index].scenario(from: scenario) }
            + (simulateReference ? [LayoutCandidate.ownScenario(scenario)] : [])
        progress(PlanProgress(phase: .simulating, done: 0, total: flowScenarios.count))
        var simulatedCount = 0
        let flows = try await boundedMap(flowScenarios.count, width: width, completed: { _ in
            simulatedCount += 1
            progress(PlanProgress(phase: .simulating, done: simulatedCount, total: flowScenarios.count))
        }) { k -> Result<FlowFigures, FlowFailure> in
            try Task.checkCancellation()
            return simulate(flowScenarios[k])
        }
        if simulateReference, let last = flows.last {
            switch last {
            case .success(let f): reference?.flow = f
            case .failure(let e): reference?.flowError = e.message
            }
        }

        var rows: [PlanRow] = []
        for (k, entry) in best.enumerated() {
            var row = PlanRow(rank: 0, candidate: candidates[entry.index], estimate: entry.estimate)
            switch flows[k] {
            case .success(let f): row.flow = f
            case .failure(let e): row.flowError = e.message
            }
            rows.append(row)
        }
        // Simulated rows by their flow time (failed ones last), then the closed-form ranking.
        rows = rows.enumerated().sorted { a, b in
            let (x, y) = (a.element.flow?.iterationTime ?? .infinity, b.element.flow?.iterationTime ?? .infinity)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
        for entry in fitting.dropFirst(best.count).prefix(max(0, options.rows - rows.count)) {
            rows.append(PlanRow(rank: 0, candidate: candidates[entry.index], estimate: entry.estimate))
        }
        for i in rows.indices { rows[i].rank = i + 1 }

        return PlanResult(scenario: scenario.name, model: model.preset ?? (model.transformer != nil ? "transformer" : "custom"),
                          gpus: scenario.gpus.count, globalBatch: training.globalBatch,
                          sequenceLength: model.transformer?.seqLen, candidates: candidates.count,
                          outOfMemory: estimates.filter { $0?.fits == false }.count, simulated: best.count,
                          tolerance: options.tolerance, rows: rows, reference: reference)
    }

    /// Candidate indices grouped by (tensor, pipeline), in order of first appearance.
    static func shapeGroups(_ candidates: [LayoutCandidate]) -> [[Int]] {
        var shapes: [[Int]] = []
        var shapeOf: [[Int]: Int] = [:]
        for (i, c) in candidates.enumerated() {
            let key = [c.tensor, c.pipeline]
            if let s = shapeOf[key] { shapes[s].append(i) } else {
                shapeOf[key] = shapes.count
                shapes.append([i])
            }
        }
        return shapes
    }

    /// A simulation that failed (too large, unroutable): its message, shown in the row.
    struct FlowFailure: Error { var message: String }

    /// One iteration of the layout simulated with flows on the fabric.
    static func simulate(_ scenario: Scenario) -> Result<FlowFigures, FlowFailure> {
        do {
            let report = try Simulator.run(scenario, options: RunOptions(runSweep: false)).report
            guard let time = report.iterationTime, let t = report.training else {
                return .failure(FlowFailure(message: "no training iteration simulated"))
            }
            return .success(FlowFigures(iterationTime: time, tokensPerSecond: t.tokensPerSecond,
                                        samplesPerSecond: t.samplesPerSecond, mfu: t.mfu ?? 0,
                                        peakMemoryBytes: report.memory.map(\.peakBytes).max() ?? 0,
                                        bubbleFraction: report.pipeline?.bubbleFraction))
        } catch {
            return .failure(FlowFailure(message: error.description))
        }
    }

    /// `body(i)` for i in 0..<count, at most `width` at a time, results in index order. `completed` runs on
    /// the calling task after each one finishes (progress).
    static func boundedMap<T: Sendable>(_ count: Int, width: Int, completed: (Int) -> Void,
                                        _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var results: [T?] = Array(repeating: nil, count: count)
            var next = 0
            func start() {
                let i = next
                group.addTask { (i, try body(i)) }
                next += 1
            }
            while next < min(width, count) { start() }
            while let (i, value) = try await group.next() {
                results[i] = value
                completed(i)
                try Task.checkCancellation()
                if next < count { start() }
            }
            return results.compactMap { $0 }
        }
    }
}
