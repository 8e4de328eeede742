import LinkscopeUnits

/// One layer of a model: parameters, forward work per sample, activation bytes per sample (fp32).
public struct LayerSpec: Sendable, Equatable {
    /// Layer name as reports print it.
    public var name: String
    /// Trainable parameters.
    public var parameters: Int64
    /// Forward FLOPs per sample.
    public var forwardFLOPs: Double
    /// Activation bytes per sample kept for backward (fp32).
    public var activationBytes: Int64
    /// Backward FLOPs per sample when measured or known; nil = 2 × forward (docs/cost-model.md §12).
    public var backwardFLOPs: Double?
    /// A layer; backward defaults to 2 × forward FLOPs.
    public init(name: String, parameters: Int64, forwardFLOPs: Double, activationBytes: Int64,
                backwardFLOPs: Double? = nil) {
        self.name = name
        self.parameters = parameters
        self.forwardFLOPs = forwardFLOPs
        self.activationBytes = activationBytes
        self.backwardFLOPs = backwardFLOPs
    }
}

/// Model presets. The book's CNN is exact (docs/cost-model.md §21 A); the transformers come from
/// `TransformerConfig` (exact Megatron counts); ResNet-50 is torchvision's, one layer per stage.
public enum ModelCatalog {
    /// Every preset name `layers(_:)` knows, as the scenario's `model.preset` accepts them.
    public static let names = ["book-mnist-cnn", "book-ch7-split", "resnet50"] + TransformerConfig.presetNames

    /// The layers of preset `name`, or nil for an unknown name.
    public static func layers(_ name: String) -> [LayerSpec]? {
        if let t = TransformerConfig.preset(name) { return t.layerSpecs() }
        switch name {
        case "book-mnist-cnn":
            // Chapter02/03 my_net.py: conv1 1→32 3×3, conv2 32→64 3×3, fc1 9216→128, fc2 128→20, fc3 20→10.
            // Forward FLOPs per sample: 2 × MACs (conv1 26·26·32·9, conv2 24·24·64·288, fc: in·out).
            return bookCNN
        case "book-ch7-split":
            // Chapter07 my_net.py: the same CNN split over three GPUs, the middle one holding only the
            // 2×2 max-pool and flatten (no parameters); boundaries carry [b,64,24,24] and [b,9216] (§21 B).
            var l = bookCNN
            l.insert(LayerSpec(name: "pool", parameters: 0, forwardFLOPs: 24 * 24 * 64, activationBytes: 9216 * 4),
                     at: 2)
            return l
        case "resnet50":
            // torchvision ResNet-50 (v1.5) at 224×224, one layer per stage: parameters exact (25,557,032 in
            // all), FLOPs = 2 × MACs (4.09 GMAC), activations = conv outputs per sample in FP32.
            return [
                LayerSpec(name: "stem", parameters: 9_536, forwardFLOPs: 2 * 118_013_952,
                          activationBytes: (802_816 + 200_704) * 4),
                LayerSpec(name: "conv2_x", parameters: 215_808, forwardFLOPs: 2 * 667_942_912,
                          activationBytes: 4_415_488 * 4),
                LayerSpec(name: "conv3_x", parameters: 1_219_584, forwardFLOPs: 2 * 1_027_604_480,
                          activationBytes: 3_110_912 * 4),
                LayerSpec(name: "conv4_x", parameters: 7_098_368, forwardFLOPs: 2 * 1_464_336_384,
                          activationBytes: 2_157_568 * 4),
                LayerSpec(name: "conv5_x", parameters: 14_964_736, forwardFLOPs: 2 * 809_238_528,
                          activationBytes: 627_200 * 4),
                LayerSpec(name: "fc", parameters: 2_049_000, forwardFLOPs: 2 * 2_048_000, activationBytes: 1000 * 4),
            ]
        default:
            return nil
        }
    }

    static let bookCNN = [
        LayerSpec(name: "conv1", parameters: 320, forwardFLOPs: 2 * 26 * 26 * 32 * 9,
                  activationBytes: 26 * 26 * 32 * 4),
        LayerSpec(name: "conv2", parameters: 18_496, forwardFLOPs: 2 * 24 * 24 * 64 * 288,
                  activationBytes: 24 * 24 * 64 * 4),
        LayerSpec(name: "fc1", parameters: 1_179_776, forwardFLOPs: 2 * 9216 * 128, activationBytes: 128 * 4),
        LayerSpec(name: "fc2", parameters: 2_580, forwardFLOPs: 2 * 128 * 20, activationBytes: 20 * 4),
        LayerSpec(name: "fc3", parameters: 210, forwardFLOPs: 2 * 20 * 10, activationBytes: 10 * 4),
    ]
}
