/// Idle time of one stream split into HTA's categories (§3.7). Times in µs.
public struct StreamIdle: Sendable, Equatable {
    public var stream: Int64
    public var hostWait: Double
    public var kernelWait: Double
    public var other: Double
    /// Categories that had at least one kernel (HTA only lists these).
    public var present: Set<String>
    public var total: Double { hostWait + kernelWait + other }
    public func ratio(_ category: String) -> Double {
        let t = total
        guard t != 0 else { return .nan }
        switch category {
        case "host_wait": return hostWait / t
        case "kernel_wait": return kernelWait / t
        default: return other / t
        }
    }
}

/// Per-kernel statistics (µs) for the kernel table (§3.8 b).
public struct KernelStat: Sendable, Equatable {
    public var name: String
    public var type: KernelType
    public var count: Int
    public var sum: Double
    public var max: Double
    public var min: Double
    public var mean: Double
    /// Sample standard deviation (ddof = 1); NaN for a single instance.
    public var std: Double
}

/// Time attributed to one combination of kernel types (§3.8 a).
public struct KernelTypeShare: Sendable, Equatable {
    public var label: String
    public var sum: Double
    public var percentage: Double
}

/// Launch → kernel statistics (§3.10).
public struct LaunchStats: Sendable, Equatable {
    public var pairs = 0
    public var shortKernels = 0
    public var runtimeOutliers = 0
    public var launchDelayOutliers = 0
    public var meanLaunchDelay = 0.0
    public var maxLaunchDelay = 0.0
    public var meanCPUDuration = 0.0
    public var meanGPUDuration = 0.0
}

/// Launch-queue length per stream (§3.9).
public struct QueueLength: Sendable, Equatable {
    public var stream: Int64
    public var max: Int
    public var mean: Double
    /// Time (µs) with at least 1024 launches queued.
    public var blockedTime: Double
}

/// Everything computed for one rank. Times are µs.
public struct RankAnalysis: Sendable {
    public var rank: Int
    public var rankSource: RankSource
    public var file: String
    public var kernelTime: Double
    public var idleTime: Double
    public var computeTime: Double
    public var nonComputeTime: Double
    public var idlePct: Double
    public var computePct: Double
    public var nonComputePct: Double
    /// nil (HTA: NaN) when the rank has no communication kernels.
    public var commCompOverlapPct: Double?
    public var idleBreakdown: [StreamIdle]
    /// Every kernel (compute, communication, memory) with per-instance statistics, by total time.
    public var kernels: [KernelStat]
    /// HTA's kernel table (`get_gpu_kernel_breakdown`, 0.5.0): per type, the top kernels up to
    /// `topKernels` and the 80 % cumulative-time quantile, the rest lumped into "others". When a type has
    /// more than `topKernels` kernels HTA re-aggregates over the per-kernel sums, so max/min/mean equal the
    /// sum for a named row and std is 0; this is reproduced as is.
    public var kernelTable: [KernelStat]
    public var kernelTypes: [KernelTypeShare]
    public var launch: LaunchStats
    public var queues: [QueueLength]
    /// Number of GPU-side rows (stream ≠ -1) the breakdown used.
    public var gpuEventCount: Int
    /// ProfilerSteps seen and whether the last one was dropped.
    public var profilerSteps: Int
    public var droppedLastStep: Bool
}

/// One rank in the straggler ranking: how late it reaches the communication kernels.
public struct StragglerScore: Sendable, Equatable {
    public var rank: Int
    /// Mean start (µs, from the rank's first GPU event) of its communication kernels, minus the mean over ranks.
    public var lateness: Double
}
