/// Idle time of one stream split into HTA's categories (§3.7). Times in µs.
public struct StreamIdle: Sendable, Equatable {
    /// The CUDA stream (`args.stream`).
    public var stream: Int64
    /// Gaps where the next kernel's launch came after the previous kernel ended.
    public var hostWait: Double
    /// Short gaps (under `consecutiveKernelDelay`) between back-to-back kernels.
    public var kernelWait: Double
    /// Every other gap.
    public var other: Double
    /// Categories that had at least one kernel (HTA only lists these).
    public var present: Set<String>
    /// All idle time of the stream.
    public var total: Double { hostWait + kernelWait + other }
    /// A category's share of `total` ("host_wait", "kernel_wait", else other); NaN when there is no idle time.
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
    /// The kernel name (or "others" in the kernel table).
    public var name: String
    /// HTA's kernel type.
    public var type: KernelType
    /// Instances.
    public var count: Int
    /// Total duration.
    public var sum: Double
    /// Longest instance.
    public var max: Double
    /// Shortest instance.
    public var min: Double
    /// Mean duration.
    public var mean: Double
    /// Sample standard deviation (ddof = 1); NaN for a single instance.
    public var std: Double
}

/// Time attributed to one combination of kernel types (§3.8 a).
public struct KernelTypeShare: Sendable, Equatable {
    /// Kernel types running at once, e.g. "COMPUTATION overlapping COMMUNICATION".
    public var label: String
    /// Time with exactly that combination running.
    public var sum: Double
    /// Share of all kernel time, rounded to one decimal as HTA does.
    public var percentage: Double
}

/// Launch → kernel statistics (§3.10).
public struct LaunchStats: Sendable, Equatable {
    /// Launch → kernel pairs found.
    public var pairs = 0
    /// Kernels shorter than their launch call.
    public var shortKernels = 0
    /// Launch calls longer than `runtimeCutoff`.
    public var runtimeOutliers = 0
    /// Kernels starting more than `launchDelayCutoff` after their launch ended.
    public var launchDelayOutliers = 0
    /// Mean delay from launch end to kernel start.
    public var meanLaunchDelay = 0.0
    /// Longest such delay.
    public var maxLaunchDelay = 0.0
    /// Mean launch-call duration.
    public var meanCPUDuration = 0.0
    /// Mean kernel duration.
    public var meanGPUDuration = 0.0
}

/// Launch-queue length per stream (§3.9).
public struct QueueLength: Sendable, Equatable {
    /// The CUDA stream.
    public var stream: Int64
    /// Most launches queued at once.
    public var max: Int
    /// Mean queue length over the launch and start events.
    public var mean: Double
    /// Time (µs) with at least 1024 launches queued.
    public var blockedTime: Double
}

/// Everything computed for one rank. Times are µs.
public struct RankAnalysis: Sendable {
    /// The rank (see `rankSource`).
    public var rank: Int
    /// Where the rank number came from.
    public var rankSource: RankSource
    /// The trace file.
    public var file: String
    /// From the first GPU kernel start to the last kernel end.
    public var kernelTime: Double
    /// `kernelTime` minus the union of all GPU kernels.
    public var idleTime: Double
    /// Union of the computation kernels.
    public var computeTime: Double
    /// `kernelTime` minus compute and idle time.
    public var nonComputeTime: Double
    /// `idleTime` as a percentage of `kernelTime` (HTA's rounding).
    public var idlePct: Double
    /// `computeTime` as a percentage of `kernelTime`.
    public var computePct: Double
    /// `nonComputeTime` as a percentage of `kernelTime`.
    public var nonComputePct: Double
    /// nil (HTA: NaN) when the rank has no communication kernels.
    public var commCompOverlapPct: Double?
    /// Idle time per stream, by category.
    public var idleBreakdown: [StreamIdle]
    /// Every kernel (compute, communication, memory) with per-instance statistics, by total time.
    public var kernels: [KernelStat]
    /// HTA's kernel table (`get_gpu_kernel_breakdown`, 0.5.0): per type, the top kernels up to
    /// `topKernels` and the 80 % cumulative-time quantile, the rest lumped into "others". When a type has
    /// more than `topKernels` kernels HTA re-aggregates over the per-kernel sums, so max/min/mean equal the
    /// sum for a named row and std is 0; this is reproduced as is.
    public var kernelTable: [KernelStat]
    /// Time per combination of kernel types running at once.
    public var kernelTypes: [KernelTypeShare]
    /// Launch → kernel statistics.
    public var launch: LaunchStats
    /// Launch-queue length per stream.
    public var queues: [QueueLength]
    /// Number of GPU-side rows (stream ≠ -1) the breakdown used.
    public var gpuEventCount: Int
    /// ProfilerSteps seen and whether the last one was dropped.
    public var profilerSteps: Int
    /// True when the last ProfilerStep was dropped.
    public var droppedLastStep: Bool
}

/// One rank in the straggler ranking: how late it reaches the communication kernels.
public struct StragglerScore: Sendable, Equatable {
    /// The rank.
    public var rank: Int
    /// Mean start (µs, from the rank's first GPU event) of its communication kernels, minus the mean over ranks.
    public var lateness: Double
}
