import LinkscopeScenario

/// Which runs of a scenario one worker process performs: item 0 is the main run (the report, timeline and
/// traffic), item k ≥ 1 is sweep point k − 1. `mpirun` ranks split the items so that every item has exactly
/// one owner; the results are merged back in item order, so the report does not depend on the split.
public struct SweepShare: Sendable, Equatable {
    /// Whether this share performs the main run.
    public var includesMain: Bool
    /// The sweep points (indices into `Scenario.sweep`) this share simulates, ascending.
    public var points: [Int]

    public init(includesMain: Bool, points: [Int]) {
        self.includesMain = includesMain
        self.points = points
    }

    /// Everything: the main run and every point (one process).
    public static func all(points count: Int) -> SweepShare {
        SweepShare(includesMain: true, points: Array(0..<count))
    }

    /// The share of `rank` among `ranks` processes: item k goes to rank k mod ranks (round robin, so ranks
    /// get neighbouring points of a sweep, which tend to cost about the same). Rank 0 always holds the main
    /// run, which is where the report is printed.
    public static func of(rank: Int, ranks: Int, points count: Int) -> SweepShare {
        let ranks = max(1, ranks)
        return SweepShare(includesMain: rank == 0,
                          points: (0..<count).filter { ($0 + 1) % ranks == rank })
    }
}

/// What one share produced: the main run (or why it failed) when the share holds it, and its sweep rows.
public struct PartialRun: Sendable {
    public var main: Result<SimulationRun, SimulationError>?
    /// (index into `Scenario.sweep`, its row), ascending by index.
    public var sweep: [(index: Int, result: SweepResult)]
}

extension Simulator {
    /// One sweep combination simulated on its own (no timeline, no nested sweep). A combination that cannot be
    /// simulated keeps its row, with the error instead of numbers.
    public static func sweepResult(_ point: SweepPoint) -> SweepResult {
        do {
            let r = try run(point.scenario, options: RunOptions(runSweep: false))
            let standalone = r.report.collectives.filter { !$0.isTrainingSync }
            return SweepResult(parameters: point.parameters, iterationTime: r.report.iterationTime,
                               simulatedTime: r.report.simulatedTime,
                               collectives: standalone.map { ($0.name, $0.time, $0.busbw) })
        } catch {
            return SweepResult(parameters: point.parameters, iterationTime: nil, simulatedTime: 0,
                               error: error.description)
        }
    }

    /// `run(_:options:)` with the main run and the sweep points simulated by up to `workers` concurrent tasks.
    /// Every run is independent (each builds its own planner, fabric and accounting) and the rows are gathered
    /// in point order, so report, timeline and traffic are byte-identical to the serial run's.
    public static func run(_ scenario: Scenario, options: RunOptions, workers: Int) async throws(SimulationError)
        -> SimulationRun
    {
        let share = options.runSweep ? SweepShare.all(points: scenario.sweep.count) : SweepShare.all(points: 0)
        let partial = await run(scenario, options: options, share: share, workers: workers)
        // `SweepShare.all` always includes the main run, so its absence is a programming error, not bad input.
        guard let main = partial.main else { preconditionFailure("SweepShare.all lost the main run") }
        var whole = try main.get()
        whole.report.sweep = partial.sweep.map(\.result)
        return whole
    }

    /// The runs of `share` (main run and/or sweep points), up to `workers` at a time. The main run does not
    /// simulate the sweep itself (`options.runSweep` applies through `share`).
    public static func run(_ scenario: Scenario, options: RunOptions, share: SweepShare,
                           workers: Int) async -> PartialRun
    {
        enum Outcome: Sendable {
            case main(Result<SimulationRun, SimulationError>)
            case point(SweepResult)
        }
        let mainOptions = { var o = options; o.runSweep = false; return o }()
        let points = share.points.filter { scenario.sweep.indices.contains($0) }
        let first = share.includesMain ? 1 : 0
        let outcomes = await inOrder(count: first + points.count, workers: workers) { item -> Outcome in
            if item < first {
                return .main(Result { () throws(SimulationError) in try run(scenario, options: mainOptions) })
            }
            return .point(sweepResult(scenario.sweep[points[item - first]]))
        }
        var partial = PartialRun(main: nil, sweep: [])
        for (item, outcome) in outcomes.enumerated() {
            switch outcome {
            case .main(let result): partial.main = result
            case .point(let row): partial.sweep.append((points[item - first], row))
            }
        }
        return partial
    }

    /// `body(0) … body(count − 1)` on at most `workers` concurrent tasks, results in index order. A new task
    /// starts only when one finishes, so memory holds at most `workers` simulations at a time.
    static func inOrder<T: Sendable>(count: Int, workers: Int,
                                     _ body: @escaping @Sendable (Int) -> T) async -> [T] {
        var results = [T?](repeating: nil, count: count)
        await withTaskGroup(of: (Int, T).self) { group in
            var next = 0
            while next < min(max(1, workers), count) {
                let i = next
                group.addTask { (i, body(i)) }
                next += 1
            }
            while let (i, value) = await group.next() {
                results[i] = value
                if next < count {
                    let j = next
                    group.addTask { (j, body(j)) }
                    next += 1
                }
            }
        }
        // Every index was started and awaited above, so none is missing.
        return results.compactMap { $0 }
    }
}
