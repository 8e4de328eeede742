import LinkscopeUnits

/// Why a topology cannot be built or used. Cases carry facts; the CLI renders them.
public enum TopologyError: Error, Equatable, Sendable {
    /// No preset of that name; `known` lists the valid ones.
    case unknownPreset(name: String, known: [String])
    /// Two devices share a name (index of the second one in the input list).
    case duplicateDevice(name: String, index: Int)
    /// A link names a device that does not exist (`index` of the link in the input list).
    case unknownDevice(name: String, linkIndex: Int, field: String)
    /// A link with zero or negative bandwidth.
    case nonPositiveBandwidth(linkIndex: Int)
    /// A link with negative latency.
    case negativeLatency(linkIndex: Int)
    /// A link from a device to itself.
    case selfLink(linkIndex: Int)
    /// Some GPU cannot reach another one over the directed links.
    case disconnected(from: String, to: String)
    /// The graph has no GPU.
    case noGPUs
    /// Unsupported option for this preset (e.g. nodes < 1).
    case invalidOption(message: String)

    /// The reason, as printed after `FIELD: error: `.
    public var message: String {
        switch self {
        case .unknownPreset(let name, let known):
            return "unknown preset '\(name)' (known: \(known.joined(separator: ", ")))"
        case .duplicateDevice(let name, _): return "duplicate device id '\(name)'"
        case .unknownDevice(let name, _, let field): return "\(field) names unknown device '\(name)'"
        case .nonPositiveBandwidth: return "bandwidth must be greater than zero"
        case .negativeLatency: return "latency must not be negative"
        case .selfLink: return "a link must join two different devices"
        case .disconnected(let a, let b): return "topology is disconnected: \(a) cannot reach \(b)"
        case .noGPUs: return "the topology has no GPU"
        case .invalidOption(let m): return m
        }
    }
}
