import LinkscopeUnits

/// One layer of a model: parameters, forward work per sample, activation bytes per sample (fp32).
public struct LayerSpec: Sendable, Equatable {
    public var name: String
    public var parameters: Int64
    public var forwardFLOPs: Double
    public var activationBytes: Int64
    /// Backward FLOPs per sample when measured or known; nil = 2 × forward (formulas.md §12).
    public var backwardFLOPs: Double?
    public init(name: String, parameters: Int64, forwardFLOPs: Double, activationBytes: Int64,
                backwardFLOPs: Double? = nil) {
        self.name = name
        self.parameters = parameters
        self.forwardFLOPs = forwardFLOPs
        self.activationBytes = activationBytes
        self.backwardFLOPs = backwardFLOPs
    }
}

/// Model presets. The book's CNN is exact (formulas.md §21 A); others are parameter counts of the
/// published models with forward FLOPs per sample ≈ 2 × parameters × tokens (dense layers).
public enum ModelCatalog {
    public static let names = ["book-mnist-cnn", "resnet50", "bert-large", "gpt2", "gpt3-175b"]

    public static func layers(_ name: String) -> [LayerSpec]? {
        switch name {
        case "book-mnist-cnn":
            // Chapter02/03 my_net.py: conv1 1→32 3×3, conv2 32→64 3×3, fc1 9216→128, fc2 128→20, fc3 20→10.
            // Forward FLOPs per sample: 2 × MACs (conv1 26·26·32·9, conv2 24·24·64·288, fc: in·out).
            return [
                LayerSpec(name: "conv1", parameters: 320, forwardFLOPs: 2 * 26 * 26 * 32 * 9,
                          activationBytes: 26 * 26 * 32 * 4),
                LayerSpec(name: "conv2", parameters: 18_496, forwardFLOPs: 2 * 24 * 24 * 64 * 288,
                          activationBytes: 24 * 24 * 64 * 4),
                LayerSpec(name: "fc1", parameters: 1_179_776, forwardFLOPs: 2 * 9216 * 128, activationBytes: 128 * 4),
                LayerSpec(name: "fc2", parameters: 2_580, forwardFLOPs: 2 * 128 * 20, activationBytes: 20 * 4),
                LayerSpec(name: "fc3", parameters: 210, forwardFLOPs: 2 * 20 * 10, activationBytes: 10 * 4),
            ]
        case "resnet50":
            return uniform(name: "block", count: 16, parameters: 25_557_032, forwardFLOPs: 8.2e9,
                           activationBytes: 100_000_000)
        case "bert-large":
            return uniform(name: "layer", count: 24, parameters: 335_000_000, forwardFLOPs: 2 * 335e6 * 512,
                           activationBytes: 24 * 512 * 1024 * 34)
        case "gpt2":
            return uniform(name: "layer", count: 12, parameters: 124_000_000, forwardFLOPs: 2 * 124e6 * 1024,
                           activationBytes: 12 * 1024 * 768 * 34)
        case "gpt3-175b":
            return uniform(name: "layer", count: 96, parameters: 175_000_000_000,
                           forwardFLOPs: 2 * 175e9 * 2048, activationBytes: 96 * 2048 * 12288 * 34)
        default:
            return nil
        }
    }

    /// `count` equal layers adding up to exactly `parameters` (the remainder goes to the first).
    static func uniform(name: String, count: Int, parameters: Int64, forwardFLOPs: Double,
                        activationBytes: Int64) -> [LayerSpec] {
        let each = parameters / Int64(count)
        let rest = parameters - each * Int64(count)
        return (0..<count).map { i in
            LayerSpec(name: "\(name)\(i)", parameters: each + (i == 0 ? rest : 0),
                      forwardFLOPs: forwardFLOPs / Double(count), activationBytes: activationBytes / Int64(count))
        }
    }
}
