import ArgumentParser
import Foundation
import LinkscopeMPI
import LinkscopeScenario
import LinkscopeSim

/// How `simulate` spreads a scenario's runs (the main run and every sweep point) over this machine's cores and,
/// under `mpirun`, over MPI ranks. Every path gives the same report, byte for byte.
enum SweepRunner {
    /// Workers per process: `--jobs`, else `LINKSCOPE_JOBS`, else this machine's cores shared among the ranks
    /// `mpirun` started on it.
    static func workers(jobs: Int?, launch: MPILaunch?,
                        environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        if let jobs {
            guard jobs >= 1 else {
                throw InputError("--jobs: error: expected a whole number of workers ≥ 1, found \(jobs)")
            }
            return jobs
        }
        if let text = environment["LINKSCOPE_JOBS"] {
            guard let n = Int(text), n >= 1 else {
                throw InputError("LINKSCOPE_JOBS: error: expected a whole number of workers ≥ 1, found '\(text)'")
            }
            return n
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount / (launch?.localSize ?? 1))
    }

    /// The whole scenario in this process on `workers` concurrent tasks (one worker: the plain serial run).
    static func local(_ scenario: Scenario, options: RunOptions, workers: Int) throws(SimulationError)
        -> SimulationRun
    {
        if workers <= 1 { return try Simulator.run(scenario, options: options) }
        return try waitForTask { () async -> Result<SimulationRun, SimulationError> in
            do throws(SimulationError) {
                return .success(try await Simulator.run(scenario, options: options, workers: workers))
            } catch {
                return .failure(error)
            }
        }.get()
    }

    /// What to simulate and how: read on every rank.
    struct Job {
        var scenario: Scenario
        var options: RunOptions
        var workers: Int
    }

    /// Under `mpirun`: every rank prepares the job, this rank simulates its share of the runs (`SweepShare.of`),
    /// and rank 0 gathers every rank's sweep rows and returns the whole run; the other ranks return nil and print
    /// nothing. When any rank cannot prepare the job, all stop (no rank waits for one that left) and rank 0
    /// reports it; the other ranks exit 0 so that `mpirun` cannot kill rank 0 before it has said why.
    static func distributed(launch: MPILaunch, prepare: () throws -> Job) throws -> (Job, SimulationRun)? {
        #if MPI
        let world = MPIWorkShare.join()
        defer { world.finish() }
        let prepared = Result { try prepare() }
        var ready = false
        if case .success = prepared { ready = true }
        let everyoneReady = world.allAgree(ready)
        guard world.rank == 0 else {
            if everyoneReady, case .success(let job) = prepared { _ = try gather(job, world: world) }
            return nil
        }
        let job = try prepared.get()
        guard everyoneReady else {
            throw InputError("simulate under mpirun: error: another rank could not read the scenario or the options")
        }
        guard let (main, rows) = try gather(job, world: world) else { return nil }
        let run = try IO.simulate(job.scenario, options: job.options) { _, _ throws(SimulationError) in
            var run = try main.get()
            run.report.sweep = rows
            return run
        }
        return (job, run)
        #else
        // Every rank would print the whole report: rank 0 refuses, the others leave quietly.
        guard launch.rank == 0 else { return nil }
        throw InputError("simulate under mpirun: error: this linkscope was built without MPI; "
            + "build with `swift build --traits MPI` (docs/sweeps.md)")
        #endif
    }

    #if MPI
    /// Simulates this rank's share and gathers the sweep rows on rank 0: there, the main run and every row in
    /// point order; nil on the other ranks.
    static func gather(_ job: Job, world: MPIWorkShare) throws
        -> (main: Result<SimulationRun, SimulationError>, rows: [SweepResult])?
    {
        let count = job.options.runSweep ? job.scenario.sweep.count : 0
        let share = SweepShare.of(rank: world.rank, ranks: world.size, points: count)
        let partial = waitForTask {
            await Simulator.run(job.scenario, options: job.options, share: share, workers: job.workers)
        }
        guard let gathered = world.gather(SweepWire.encode(partial.sweep)), let main = partial.main else { return nil }
        var rows: [(index: Int, result: SweepResult)] = []
        for (rank, bytes) in gathered.enumerated() {
            guard let decoded = SweepWire.decode(bytes) else {
                throw InputError("simulate under mpirun: error: rank \(rank) sent malformed sweep results")
            }
            rows += decoded
        }
        rows.sort { $0.index < $1.index }
        guard rows.map(\.index) == Array(0..<count) else {
            throw InputError("simulate under mpirun: error: the ranks returned \(rows.count) of \(count) sweep points")
        }
        return (main, rows.map(\.result))
    }
    #endif
}
