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
            guard jobs >= 1 else { throw InputError("--jobs: error: expected a whole number of workers ≥ 1, found \(jobs)") }
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
        return try awaitBlocking { () async -> Result<SimulationRun, SimulationError> in
            do throws(SimulationError) {
                return .success(try await Simulator.run(scenario, options: options, workers: workers))
            } catch {
                return .failure(error)
            }
        }.get()
    }

    /// Under `mpirun`: this rank simulates its share of the runs (`SweepShare.of`), rank 0 gathers every rank's
    /// sweep rows and returns the whole run; the other ranks return nil and print nothing.
    static func distributed(_ scenario: Scenario, options: RunOptions, launch: MPILaunch,
                            workers: Int) throws -> SimulationRun? {
        #if MPI
        let world = MPIWorkShare.join()
        let count = options.runSweep ? scenario.sweep.count : 0
        let share = SweepShare.of(rank: world.rank, ranks: world.size, points: count)
        let partial = awaitBlocking { await Simulator.run(scenario, options: options, share: share, workers: workers) }
        let gathered = world.gather(SweepWire.encode(partial.sweep))
        world.finish()
        guard let gathered, let main = partial.main else { return nil }
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
        return try IO.simulate(scenario, options: options) { _, _ throws(SimulationError) in
            var run = try main.get()
            run.report.sweep = rows.map(\.result)
            return run
        }
        #else
        // Every rank would print the whole report: refuse once (rank 0), the others exit quietly.
        if launch.rank != 0 { throw ExitCode(2) }
        throw InputError("simulate under mpirun: error: this linkscope was built without MPI; "
            + "build with `swift build --traits MPI` (docs/scenario-reference.md, sweeps)")
        #endif
    }
}

/// Waits for async work from the synchronous command-line entry point. It runs on the main thread, which is not
/// one of the concurrency pool's threads, so blocking it cannot starve the tasks it waits for.
func awaitBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = HandOver<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        box.value = await body()
        done.signal()
    }
    done.wait()
    guard let value = box.value else { preconditionFailure("the task signalled without a value") }
    return value
}

/// `awaitBlocking`'s result slot: written by the task before `signal`, read after `wait`; the semaphore orders the
/// two accesses.
private final class HandOver<T>: @unchecked Sendable {
    var value: T?
}
