import LinkscopeTraces

/// Which preset a trace's GPUs correspond to.
public enum ReplayDevice {
    /// The first `deviceProperties[].name` of a trace file (plain or gzip), read from its first 256 KiB; the
    /// trace reader does not keep that header, so it is peeked here. nil when absent or unreadable.
    public static func gpuName(path: String) -> String? {
        guard let text = head(path: path, limit: 256 << 10) else { return nil }
        guard let dp = text.range(of: "\"deviceProperties\"") else { return nil }
        let rest = text[dp.upperBound...]
        guard let key = rest.range(of: "\"name\"") else { return nil }
        var s = rest[key.upperBound...].drop { $0 == " " || $0 == ":" || $0 == "\n" || $0 == "\t" }
        guard s.first == "\"" else { return nil }
        s = s.dropFirst()
        let name = s.prefix { $0 != "\"" }
        return name.isEmpty ? nil : String(name)
    }

    /// A GPU generation guessed from kernel names (`sm80_`, `ampere_`, `sm90_`, `volta_` …), for traces
    /// without `deviceProperties`.
    public static func gpuHint(trace: RankTrace) -> String? {
        var seen = [Bool](repeating: false, count: trace.strings.count)
        for e in trace.events where e.kind == .kernel && !seen[Int(e.name)] {
            seen[Int(e.name)] = true
            let n = trace.strings[Int(e.name)].lowercased()
            if n.contains("sm90") || n.contains("hopper") { return "H100 (from kernel names)" }
            if n.contains("sm80") || n.contains("ampere") { return "A100 (from kernel names)" }
            if n.contains("sm70") || n.contains("volta") { return "V100 (from kernel names)" }
        }
        return nil
    }

    /// The preset for a GPU name: A100 → dgx-a100, H100/H200/H800 → dgx-h100, V100 → dgx1-v100,
    /// P100 → dgx1-p100; nil when unknown.
    public static func preset(forGPU name: String) -> String? {
        let n = name.uppercased()
        if n.contains("A100") || n.contains("A800") { return "dgx-a100" }
        if n.contains("H100") || n.contains("H200") || n.contains("H800") { return "dgx-h100" }
        if n.contains("V100") { return "dgx1-v100" }
        if n.contains("P100") { return "dgx1-p100" }
        return nil
    }

    /// Up to `limit` bytes of the (decompressed) file as text, read by the trace reader's gzip stream.
    static func head(path: String, limit: Int) -> String? {
        TraceReader.decompressedPrefix(path: path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }
}
