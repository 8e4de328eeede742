/// Why traces or Chakra graphs cannot be read or replayed, or a replay cannot run: bad input, the CLI exits 2.
/// Every case carries the facts (file, rank, byte position, field, value, expected); `description` renders them.
public enum ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No input file: `kind` is "trace" or "Chakra trace".
    case noInput(kind: String)
    /// Two files give the same rank.
    case duplicateRank(file: String, rank: Int, otherFile: String)
    /// A Chakra graph names a negative rank.
    case negativeRank(file: String, rank: Int)
    /// The traces hold no GPU activity in complete ProfilerSteps.
    case nothingToReplay(files: [String])
    /// `--gpus` lists fewer GPUs than the files' highest rank needs.
    case worldSizeTooSmall(worldSize: Int, highestRank: Int)
    /// A Chakra graph's dependencies form a cycle through `node` (its frame at byte `position`).
    case dependencyCycle(file: String, position: Int, node: UInt64, name: String)
    /// A Chakra file that cannot be decoded at byte `position` (of the file).
    case malformedChakra(file: String, position: Int, problem: String)
    /// A protobuf wire stream that cannot be decoded at byte `position` (of the buffer).
    case malformedWire(position: Int, problem: String)
    /// A setting outside its range: `field` must be `expected` (`value` as given, when shown).
    case invalidValue(field: String, value: String?, expected: String)
    /// The number of GPUs given (`field`, nil for the API) differs from the job's ranks.
    case gpuCount(field: String?, ranks: Int, gpus: Int)
    /// The same GPU is given for two ranks.
    case repeatedGPU(Int)
    /// A GPU the topology does not have.
    case unknownGPU(gpu: Int, topology: String, gpus: Int)
    /// `--gpus` names a GPU beyond `nodes` nodes of `preset` (`available` GPUs); `suggestNodes` when
    /// `--nodes` was not given.
    case gpuOutOfRange(gpu: Int, preset: String, nodes: Int, available: Int, suggestNodes: Bool)
    /// `--nodes` gives fewer GPUs than the job has ranks.
    case tooFewNodes(ranks: Int, preset: String, nodes: Int, gpus: Int)
    /// The fabric has no route between two devices of `topology`.
    case noRoute(topology: String, from: String, to: String)
    /// The fabric met a device number `topology` does not have.
    case unknownDevice(topology: String, device: Int)

    /// The file at fault, when one is (several files joined by ", ").
    public var file: String? {
        switch self {
        case .duplicateRank(let file, _, _), .negativeRank(let file, _), .dependencyCycle(let file, _, _, _),
             .malformedChakra(let file, _, _):
            return file
        case .nothingToReplay(let files): return files.joined(separator: ", ")
        default: return nil
        }
    }

    /// The byte position in `file` (or in the buffer, for wire errors), when known.
    public var position: Int? {
        switch self {
        case .dependencyCycle(_, let p, _, _), .malformedChakra(_, let p, _), .malformedWire(let p, _): return p
        default: return nil
        }
    }

    /// The problem without the file and position.
    public var message: String {
        switch self {
        case .noInput(let kind): return "no \(kind) given"
        case .duplicateRank(_, let rank, let other): return "rank \(rank) is also given by \(other)"
        case .negativeRank(_, let rank): return "negative rank \(rank)"
        case .nothingToReplay: return "no GPU activity (kernels, memcpy, memset) in complete ProfilerSteps to replay"
        case .worldSizeTooSmall(let w, let r): return "world size \(w) is smaller than rank \(r) + 1"
        case .dependencyCycle(_, _, let node, let name): return "dependency cycle through node \(node) '\(name)'"
        case .malformedChakra(_, _, let problem), .malformedWire(_, let problem): return problem
        case .invalidValue(let field, let value, let expected):
            return "\(field) must be \(expected)" + (value.map { ", got \($0)" } ?? "")
        case .gpuCount(let field, let ranks, let gpus):
            return (field.map { "\($0): " } ?? "") + "the job has \(ranks) ranks but \(gpus) GPUs were given"
        case .repeatedGPU(let g): return "GPU \(g) is given twice"
        case .unknownGPU(let g, let topology, let gpus): return "GPU \(g) is not in \(topology) (\(gpus) GPUs)"
        case .gpuOutOfRange(let g, let preset, let nodes, let available, let suggest):
            return "--gpus: GPU \(g) does not exist: \(preset) × \(nodes) node" + (nodes == 1 ? "" : "s")
                + " has GPUs 0-\(available - 1)" + (suggest ? " (add --nodes for more nodes)" : "")
        case .tooFewNodes(let ranks, let preset, let nodes, let gpus):
            return "--nodes: the job has \(ranks) ranks but \(preset) × \(nodes) node" + (nodes == 1 ? "" : "s")
                + " has \(gpus) GPUs"
        case .noRoute(let topology, let a, let b): return "\(topology): no route between \(a) and \(b)"
        case .unknownDevice(let topology, let d): return "\(topology): unknown device \(d)"
        }
    }

    /// `FILE: byte N: MESSAGE` (the parts that are known); wire errors read `MESSAGE at byte N`.
    public var description: String {
        if case .malformedWire(let p, let problem) = self { return "\(problem) at byte \(p)" }
        var s = ""
        if let file { s += "\(file): " }
        if let position { s += "byte \(position): " }
        return s + message
    }
}
