import LinkscopeTimeline

/// HTA's kernel types (docs/trace-analysis.md §3.3).
public enum KernelType: String, Sendable, CaseIterable {
    case computation = "COMPUTATION"
    case communication = "COMMUNICATION"
    case memory = "MEMORY"
    case other = "OTHER"
}

/// Which HTA revision's rules to follow where they differ.
public enum HTARules: String, Sendable {
    /// holistictraceanalysis 0.5.0 (PyPI): `^nccl.*Kernel` is communication, `(^Memcpy)|(^Memset)|(^dma)`
    /// memory, and computation is anything not matching `(^nccl.*Kernel)|(.*(Memcpy)|(Memset))|(.*Sync)`;
    /// the idle breakdown takes kernel/memcpy/memset categories with any stream ≠ -1.
    case v0_5 = "0.5.0"
    /// The newer rules written down in docs/trace-analysis.md §3.3 (commit f4d0062, around v0.6).
    case current = "0.6"
}

/// Classifies kernel names with Python `re.match` semantics (anchored at the start only).
public struct KernelClassifier: Sendable {
    /// The HTA revision whose rules apply.
    public var rules: HTARules
    /// A classifier for `rules`.
    public init(rules: HTARules = .v0_5) { self.rules = rules }

    /// HTA's kernel type of a kernel name.
    public func type(of name: String) -> KernelType {
        let s = Substring(name)
        switch rules {
        case .v0_5:
            if Self.ncclKernel(s) { return .communication }
            if s.hasPrefix("Memcpy") || s.hasPrefix("Memset") || s.hasPrefix("dma") { return .memory }
            if Self.ncclKernel(s) || Self.containsOnFirstLine(s, "Memcpy") || s.hasPrefix("Memset")
                || Self.containsOnFirstLine(s, "Sync") {
                return .other
            }
            return .computation
        case .current:
            if s.hasPrefix("nccl") || s.hasPrefix("hip") || s.hasPrefix("hccl")
                || Self.containsOnFirstLine(s, "ncclKernel") {
                return .communication
            }
            if s.hasPrefix("Memcpy") || s.hasPrefix("Memset") || s.hasPrefix("hipMemcpy") || s.hasPrefix("hipMemset")
                || s.hasPrefix("dma") {
                return .memory
            }
            let prefixes = ["nccl", "Stream Wait Event", "runFunction", "hip", "job_exe", "packet", "pe_exe",
                            "cpum_exe_subgraph", "hccl", "collective_subgraph_execution"]
            if prefixes.contains(where: { s.hasPrefix($0) }) { return .other }
            if Self.containsOnFirstLine(s, "Memcpy") || Self.containsOnFirstLine(s, "Memset")
                || Self.containsOnFirstLine(s, "dma") || Self.containsOnFirstLine(s, "Sync") {
                return .other
            }
            if s.hasPrefix("cuda"), Self.containsOnFirstLine(s.dropFirst(4), "LaunchKernel") { return .other }
            return .computation
        }
    }

    /// `^nccl.*Kernel`
    static func ncclKernel(_ s: Substring) -> Bool {
        s.hasPrefix("nccl") && containsOnFirstLine(s.dropFirst(4), "Kernel")
    }

    /// `.*word` under `re.match`: `.` does not cross a newline.
    static func containsOnFirstLine(_ s: Substring, _ word: StaticString) -> Bool {
        var s = s
        return s.withUTF8 { p in
            let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard let first = w.first, p.count >= w.count else { return false }
            var i = 0
            while i + w.count <= p.count {
                let b = p[i]
                if b == 0x0A { return false }
                if b == first {
                    var j = 1
                    while j < w.count && p[i + j] == w[j] { j += 1 }
                    if j == w.count { return true }
                }
                i += 1
            }
            return false
        }
    }
}

extension KernelType {
    /// The class of GPU time in an `ActivityBreakdown`.
    var activityKind: ActivityKind {
        switch self {
        case .computation: return .compute
        case .communication: return .communication
        case .memory: return .memory
        case .other: return .other
        }
    }
}
