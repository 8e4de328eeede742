import LinkscopeUnits

/// Seeded generator of scenario texts for property and fuzz tests of the loader: mutations of real scenario
/// files (truncations, inserted tokens, swapped and extreme numbers, every unit string, swapped keys, deleted
/// and duplicated lines, deep nesting) and random documents built from the loader's own keys.
/// The same seed gives the same sequence of inputs.
public struct ScenarioFuzzer: Sendable {
    public let seeds: [String]
    var rng: SplitMix64

    public init(seeds: [String], seed: UInt64) {
        self.seeds = seeds.isEmpty ? ["cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, size: 1 MiB}]\n"] : seeds
        rng = SplitMix64(seed: seed)
    }

    /// Every unit string the loader knows, a few it does not, and unit-like noise.
    public static let unitStrings: [String] = UnitParser.sizeUnits + UnitParser.bandwidthUnits + UnitParser.timeUnits
        + UnitParser.computeUnits + UnitParser.flopUnits + ["", "b", "kb", "PB", "EiB", "GBps", "Gbit/s", "sec", "min",
                                                            "h", "%", "FLOPS", "TFLOPS", "B/s", "/s", "GiB/", "µ"]
    /// Numbers at and past every boundary the loader checks.
    public static let numbers: [String] = [
        "0", "-0", "1", "-1", "2", "3", "7", "8", "9", "16", "31", "32767", "32768", "65536", "4096", "4097",
        "1000000", "2147483647", "2147483648", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "1e12", "1e18", "1e19", "1e300", "1e308", "1e309", "-1e308", "0.5", "0.0000001", "1.5", "-2.5", "nan", ".nan",
        ".inf", "-.inf", "0x10", "0o17", "1_000", "1e-320", "3.4028236e38", "18446744073709551616",
    ]
    /// Keys of the scenario schema (and a few near misses).
    public static let keys: [String] = [
        "name", "cluster", "preset", "nodes", "fabric", "kind", "nic_bandwidth", "latency", "oversubscription",
        "devices", "links", "id", "model", "node", "from", "to", "bandwidth", "duplex", "lanes", "gpus", "layers",
        "params", "forward", "activations", "dtype", "training", "batch_per_gpu", "iterations", "overlap",
        "parallelism", "data", "tensor", "pipeline", "micro_batches", "schedule", "sync", "scheme", "algorithm",
        "servers", "sharding", "placement", "collectives", "op", "sizes", "size", "factor", "root", "group",
        "simulation", "link_efficiency", "chunk", "compute_efficiency", "sweep", "presett", "sizez", "",
    ]
    static let values: [String] = [
        "dgx1-v100", "dgx1-p100", "dgx2", "dgx-a100", "dgx-h100", "pcie-4gpu", "ring", "tree", "ps", "hierarchical",
        "spanning-trees", "hybrid-pcie", "direct", "naive", "halving-doubling", "recursive-doubling",
        "double-binary-tree", "reduce-broadcast", "allreduce", "broadcast", "reduce", "gather", "scatter",
        "allgather", "reducescatter", "alltoall", "sendrecv", "parameter-server", "fat-tree", "leaf-spine", "gpu",
        "nvswitch", "cpu", "nic", "switch", "pcie-switch", "fp16", "fp32", "bf16", "int8", "all", "true", "false",
        "null", "~", "yes", "no", "book-mnist-cnn", "resnet50", "gpipe", "1f1b", "layer-wise", "hosts", "half",
    ]
    static let tokens: [String] = [
        ":", ": ", "-", "- ", "[", "]", "{", "}", ",", "'", "\"", "&a ", "*a", "!!int ", "!!str ", "!!binary ", "? ",
        "#", "\n", "\n  ", "  ", "\t", "|", ">", "%YAML 1.2\n", "---\n", "...\n", "<<: *a", "\u{0}", "\u{FEFF}", "é",
        "\\", "@", "`",
    ]

    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(max(1, n))) }
    mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }

    /// The next input.
    public mutating func next() -> String {
        let roll = int(100)
        if roll < 8 { return randomDocument() }
        if roll < 11 { return deepNesting() }
        var text = pick(seeds)
        for _ in 0..<(1 + int(4)) { text = mutate(text) }
        return text
    }

    mutating func mutate(_ text: String) -> String {
        var chars = Array(text)
        guard !chars.isEmpty else { return pick(Self.tokens) }
        switch int(11) {
        case 0:  // truncate
            return String(chars.prefix(int(chars.count + 1)))
        case 1:  // insert a token
            chars.insert(contentsOf: Array(pick(Self.tokens)), at: int(chars.count + 1))
            return String(chars)
        case 2, 3:  // swap a number for an extreme one
            return replaceMatching(text, where: { $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" }, requireDigit: true,
                                   with: pick(Self.numbers))
        case 4:  // swap a unit string
            let units = UnitParser.sizeUnits + UnitParser.bandwidthUnits + UnitParser.timeUnits + UnitParser.flopUnits
                + UnitParser.computeUnits
            var found: [Range<String.Index>] = []
            for u in units {
                var from = text.startIndex
                while let r = text.range(of: " " + u, range: from..<text.endIndex) { found.append(r); from = r.upperBound }
            }
            guard !found.isEmpty else { return text + " " + pick(Self.unitStrings) }
            var t = text
            t.replaceSubrange(pick(found), with: " " + pick(Self.unitStrings))
            return t
        case 5:  // swap a key
            return replaceMatching(text, where: { $0.isLetter || $0 == "_" }, requireDigit: false, with: pick(Self.keys),
                                   before: ":")
        case 6:  // swap a word value
            return replaceMatching(text, where: { $0.isLetter || $0 == "-" || $0.isNumber }, requireDigit: false,
                                   with: pick(Self.values))
        case 7, 8:  // delete, duplicate or swap lines
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard lines.count > 1 else { return text }
            let i = int(lines.count), j = int(lines.count)
            switch int(3) {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines[i], at: j)
            default: lines.swapAt(i, j)
            }
            return lines.joined(separator: "\n")
        case 9:  // a number with a random unit
            return text + "\n" + pick(Self.keys) + ": " + pick(Self.numbers) + " " + pick(Self.unitStrings) + "\n"
        default:  // flip a byte to an ASCII neighbour
            let i = int(chars.count)
            if let a = chars[i].asciiValue { chars[i] = Character(Unicode.Scalar(a ^ UInt8(1 << int(7)))) }
            return String(chars)
        }
    }

    /// Replaces one run of characters satisfying `isPart` (with a digit when `requireDigit`; followed by
    /// `before` when given) with `replacement`.
    mutating func replaceMatching(_ text: String, where isPart: (Character) -> Bool, requireDigit: Bool,
                                  with replacement: String, before: String? = nil) -> String {
        let chars = Array(text)
        var runs: [Range<Int>] = []
        var i = 0
        while i < chars.count {
            guard isPart(chars[i]) else { i += 1; continue }
            var j = i
            while j < chars.count, isPart(chars[j]) { j += 1 }
            let run = chars[i..<j]
            let digitOK = !requireDigit || run.contains(where: \.isNumber)
            let beforeOK = before.map { b in j < chars.count && String(chars[j]) == b } ?? true
            if digitOK && beforeOK { runs.append(i..<j) }
            i = j
        }
        guard !runs.isEmpty else { return text }
        let r = pick(runs)
        return String(chars[..<r.lowerBound]) + replacement + String(chars[r.upperBound...])
    }

    /// A document of random depth from the schema's keys and values.
    mutating func randomDocument() -> String {
        var out = ""
        for _ in 0..<(1 + int(6)) { out += pick(Self.keys) + ": " + randomValue(depth: 0) + "\n" }
        return out
    }

    mutating func randomValue(depth: Int) -> String {
        let choice = depth > 4 ? int(3) : int(6)
        switch choice {
        case 0: return pick(Self.numbers)
        case 1: return pick(Self.numbers) + " " + pick(Self.unitStrings)
        case 2: return pick(Self.values)
        case 3, 4:
            return "{" + (0..<int(4)).map { _ in pick(Self.keys) + ": " + randomValue(depth: depth + 1) }
                .joined(separator: ", ") + "}"
        default:
            return "[" + (0..<int(4)).map { _ in randomValue(depth: depth + 1) }.joined(separator: ", ") + "]"
        }
    }

    /// A seed with one value wrapped in many levels of flow lists or mappings.
    mutating func deepNesting() -> String {
        let depth = 10 + int(2000)
        let inner = pick(Self.numbers) + " " + pick(Self.unitStrings)
        let wrapped = chance(50)
            ? String(repeating: "[", count: depth) + inner + String(repeating: "]", count: depth)
            : String(repeating: "{a: ", count: depth) + inner + String(repeating: "}", count: depth)
        return "cluster: {preset: dgx1-v100}\ncollectives:\n  - {op: allreduce, size: \(wrapped)}\n"
            + (chance(50) ? "gpus: \(wrapped)\n" : "")
    }
}

extension ScenarioFuzzer {
    /// Input number `index` of the run seeded `base`: random access, so a batch can start anywhere and a
    /// crashing input can be regenerated from its number.
    public static func input(_ index: Int, seeds: [String], base: UInt64) -> String {
        var f = ScenarioFuzzer(seeds: seeds, seed: base &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        return f.next()
    }
}
