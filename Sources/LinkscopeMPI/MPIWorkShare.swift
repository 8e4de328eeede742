import Foundation
#if MPI
import CMPI
#endif

/// How `mpirun` started this process, read from the environment Open MPI sets (`OMPI_COMM_WORLD_*`; PMI's
/// `PMI_*` as a fallback). Available in every build, so that a build without MPI can refuse clearly.
public struct MPILaunch: Sendable, Equatable {
    public var rank: Int
    public var size: Int
    /// Ranks on this machine (they share its cores).
    public var localSize: Int

    /// The launch, or nil when this process was not started by `mpirun` with two or more ranks.
    public static func current(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> MPILaunch? {
        func value(_ names: String...) -> Int? { names.lazy.compactMap { environment[$0].flatMap { Int($0) } }.first }
        guard let size = value("OMPI_COMM_WORLD_SIZE", "PMI_SIZE"), size >= 2,
              let rank = value("OMPI_COMM_WORLD_RANK", "PMI_RANK"), (0..<size).contains(rank) else { return nil }
        let local = value("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS") ?? size
        return MPILaunch(rank: rank, size: size, localSize: max(1, min(local, size)))
    }

    /// Whether this build has the MPI transport (package trait `MPI`).
    public static var isAvailable: Bool {
        #if MPI
        return true
        #else
        return false
        #endif
    }
}

#if MPI
/// The `mpirun` ranks as workers on independent items (sweep points): each rank computes its own items and
/// rank 0 gathers everyone's results as opaque bytes. Call every member from the thread that called `join`
/// (MPI is initialized without thread support).
public struct MPIWorkShare {
    public let rank: Int
    public let size: Int
    let world = shim_MPI_COMM_WORLD()

    /// Initializes MPI (once per process) and reads this rank's place in the world.
    public static func join() -> MPIWorkShare {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 { MPI_Init(nil, nil) }
        var r: Int32 = 0, n: Int32 = 0
        MPI_Comm_rank(shim_MPI_COMM_WORLD(), &r)
        MPI_Comm_size(shim_MPI_COMM_WORLD(), &n)
        return MPIWorkShare(rank: Int(r), size: Int(n))
    }

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Every rank's `bytes`, in rank order, on rank 0 (nil on the others). Collective: every rank must call it.
    public func gather(_ bytes: [UInt8]) -> [[UInt8]]? {
        var length = Int32(clamping: bytes.count)
        var lengths = [Int32](repeating: 0, count: size)
        MPI_Gather(&length, 1, shim_MPI_INT(), &lengths, 1, shim_MPI_INT(), 0, world)
        var offsets = [Int32](repeating: 0, count: size)
        for i in lengths.indices.dropFirst() { offsets[i] = offsets[i - 1] &+ lengths[i - 1] }
        let total = rank == 0 ? Int(offsets[size - 1]) + Int(lengths[size - 1]) : 0
        var received = [UInt8](repeating: 0, count: max(total, 1))
        bytes.withUnsafeBytes { send in
            received.withUnsafeMutableBytes { receive in
                _ = MPI_Gatherv(send.baseAddress, length, shim_MPI_BYTE(), receive.baseAddress, lengths, offsets,
                                shim_MPI_BYTE(), 0, world)
            }
        }
        guard rank == 0 else { return nil }
        return (0..<size).map { i in Array(received[Int(offsets[i])..<Int(offsets[i]) + Int(lengths[i])]) }
    }

    /// Whether `ok` holds on every rank. Collective: every rank must call it.
    public func allAgree(_ ok: Bool) -> Bool {
        var failed: Int32 = ok ? 0 : 1, anyFailed: Int32 = 0
        MPI_Allreduce(&failed, &anyFailed, 1, shim_MPI_INT(), shim_MPI_MAX(), world)
        return anyFailed == 0
    }

    /// Ends MPI for this process (after the last `gather`).
    public func finish() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }
}
#endif
