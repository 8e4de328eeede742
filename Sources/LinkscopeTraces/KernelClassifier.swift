/// HTA's kernel types (spec/traces.md §3.3).
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
    /// The newer rules written down in spec/traces.md §3.3 (commit f4d0062, around v0.6).
    case current = "0.6"
}

/// Classifies kernel names with Python `re.match` semantics (anchored at the start only).
public struct KernelClassifier: Sendable {
    public var rules: HTARules
    public init(rules: HTARules = .v0_5) { self.rules = rules }

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
            for word in ["Memcpy", "Memset", "dma", "Sync"] where Self.containsOnFirstLine(s, word) { return .other }
            if s.hasPrefix("cuda"), Self.containsOnFirstLine(s.dropFirst(4), "LaunchKernel") { return .other }
            return .computation
        }
    }

    /// `^nccl.*Kernel`
    static func ncclKernel(_ s: Substring) -> Bool {
        s.hasPrefix("nccl") && containsOnFirstLine(s.dropFirst(4), "Kernel")
    }

    /// `.*word` under `re.match`: `.` does not cross a newline.
    static func containsOnFirstLine(_ s: Substring, _ word: String) -> Bool {
        let line = s.prefix { $0 != "\n" }
        let w = Array(word.utf8)
        let b = Array(line.utf8)
        guard b.count >= w.count else { return false }
        var i = 0
        while i + w.count <= b.count {
            if b[i] == w[0] && Array(b[i..<(i + w.count)]) == w { return true }
            i += 1
        }
        return false
    }
}
