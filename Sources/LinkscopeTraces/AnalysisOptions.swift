/// Knobs of the analysis. `.hta` reproduces holistictraceanalysis' defaults; `.raw` keeps every event.
public struct AnalysisOptions: Sendable {
    /// Drop events of the last (incomplete) ProfilerStep, as HTA does by default (§3.2 step 5).
    public var dropLastProfilerStep: Bool
    /// Apply HTA's ceil(ts)/floor(end) rule to files with fractional timestamps (§3.2 step 3).
    public var roundTimestamps: Bool
    /// Which HTA revision's classification rules to follow.
    public var rules: HTARules
    /// Gaps shorter than this (µs) between kernels on a stream count as kernel wait (§3.7).
    public var consecutiveKernelDelay: Double
    /// Launch statistics cut-offs in µs (§3.10).
    public var runtimeCutoff: Double
    /// Launch delays longer than this (µs) are outliers.
    public var launchDelayCutoff: Double
    /// Kernel table: at most this many named kernels per type and rank (§3.8).
    public var topKernels: Int

    /// Options with HTA 0.5's defaults unless given.
    public init(dropLastProfilerStep: Bool = true, roundTimestamps: Bool = true, rules: HTARules = .v0_5,
                consecutiveKernelDelay: Double = 30, runtimeCutoff: Double = 50, launchDelayCutoff: Double = 100,
                topKernels: Int = 10) {
        self.dropLastProfilerStep = dropLastProfilerStep
        self.roundTimestamps = roundTimestamps
        self.rules = rules
        self.consecutiveKernelDelay = consecutiveKernelDelay
        self.runtimeCutoff = runtimeCutoff
        self.launchDelayCutoff = launchDelayCutoff
        self.topKernels = topKernels
    }

    /// HTA semantics: last ProfilerStep dropped, ns rounding applied.
    public static let hta = AnalysisOptions()
    /// Raw semantics: every event in the file, same rounding.
    public static let raw = AnalysisOptions(dropLastProfilerStep: false)
}
