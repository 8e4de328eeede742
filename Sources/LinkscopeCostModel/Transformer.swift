/// A decoder/encoder transformer as Megatron-LM builds it (Shoeybi et al. 2019, Narayanan et al. 2021):
/// embedding, `layers` identical blocks (attention + MLP, two norms), a final norm and the logits GEMM.
/// Parameter counts are exact for the published configurations (GPT-2 124,439,808; LLaMA-2 7B
/// 6,738,415,616; LLaMA-2 70B 68,976,648,192).
public struct TransformerConfig: Sendable, Equatable {
    /// The MLP block's shape.
    public enum MLP: String, Sendable, CaseIterable {
        /// Two GEMMs h→f→h with GeLU (GPT, BERT).
        case gelu
        /// Three GEMMs (gate, up, down) with SiLU gating (LLaMA).
        case swiglu
    }
    /// Transformer blocks.
    public var layers: Int
    /// Hidden size h.
    public var hidden: Int
    /// Attention heads.
    public var heads: Int
    /// Sequence length s.
    public var seqLen: Int
    /// Vocabulary size V.
    public var vocab: Int
    /// MLP inner width f (4h unless given).
    public var ffnHidden: Int
    /// Key/value heads (grouped-query attention); `heads` for plain multi-head attention.
    public var kvHeads: Int
    /// GeLU (two GEMMs) or SwiGLU (three).
    public var mlp: MLP
    /// Linear biases and LayerNorm (true, GPT/BERT) or no biases and RMSNorm (false, LLaMA).
    public var bias: Bool
    /// Learned position embeddings (s·h parameters); false for rotary embeddings.
    public var learnedPositions: Bool
    /// Output projection shares the input embedding (no extra V·h parameters).
    public var tiedEmbeddings: Bool

    /// A configuration; f = 4h, kv heads = heads, GPT-style GeLU, biases, learned positions and tied
    /// embeddings unless given.
    public init(layers: Int, hidden: Int, heads: Int, seqLen: Int, vocab: Int, ffnHidden: Int? = nil,
                kvHeads: Int? = nil, mlp: MLP = .gelu, bias: Bool = true, learnedPositions: Bool = true,
                tiedEmbeddings: Bool = true) {
        self.layers = layers
        self.hidden = hidden
        self.heads = heads
        self.seqLen = seqLen
        self.vocab = vocab
        self.ffnHidden = ffnHidden ?? 4 * hidden
        self.kvHeads = kvHeads ?? heads
        self.mlp = mlp
        self.bias = bias
        self.learnedPositions = learnedPositions
        self.tiedEmbeddings = tiedEmbeddings
    }

    var h: Int64 { Int64(hidden) }
    var s: Int64 { Int64(seqLen) }
    var f: Int64 { Int64(ffnHidden) }
    /// Width of the K and V projections: kv heads × head dimension.
    var kvWidth: Int64 { Int64(kvHeads) * (h / Int64(max(heads, 1))) }
    var normParameters: Int64 { bias ? 2 * h : h }

    /// Q, K, V and output projections (with biases when `bias`).
    public var attentionParameters: Int64 {
        let qkv = h * (h + 2 * kvWidth) + (bias ? h + 2 * kvWidth : 0)
        return qkv + h * h + (bias ? h : 0)
    }
    /// The MLP's GEMM weights (and biases when `bias`).
    public var mlpParameters: Int64 {
        switch mlp {
        case .gelu: return 2 * h * f + (bias ? f + h : 0)
        case .swiglu: return 3 * h * f + (bias ? 2 * f + h : 0)
        }
    }
    /// One block: attention, MLP and two norms (12h² + 13h for GPT with f = 4h).
    public var blockParameters: Int64 { attentionParameters + mlpParameters + 2 * normParameters }
    /// Token embedding V·h plus learned positions s·h when `learnedPositions`.
    public var embeddingParameters: Int64 { Int64(vocab) * h + (learnedPositions ? s * h : 0) }
    /// Final norm plus, when untied, the output projection.
    public var headParameters: Int64 { normParameters + (tiedEmbeddings ? 0 : Int64(vocab) * h) }
    /// Every parameter: embeddings, blocks and head (the published totals for the presets).
    public var parameters: Int64 {
        embeddingParameters + Int64(layers) * blockParameters + headParameters
    }

    /// Forward FLOPs per sample (sequence) of one block's attention: QKV and output GEMMs, QKᵀ and ·V.
    public var attentionForwardFLOPs: Double {
        let (hd, sd) = (Double(h), Double(s))
        return 2 * sd * hd * (hd + 2 * Double(kvWidth)) + 2 * sd * hd * hd + 4 * sd * sd * hd
    }
    /// Forward FLOPs per sample of one block's MLP GEMMs.
    public var mlpForwardFLOPs: Double {
        2 * Double(s) * Double(h) * Double(f) * (mlp == .swiglu ? 3 : 2)
    }
    /// 24·s·h² + 4·s²·h for GPT (Narayanan et al. 2021).
    public var blockForwardFLOPs: Double { attentionForwardFLOPs + mlpForwardFLOPs }
    /// The logits GEMM, 2·s·h·V.
    public var logitsForwardFLOPs: Double { 2 * Double(s) * Double(h) * Double(vocab) }
    /// Model FLOPs of one sample's forward and backward (backward = 2 × forward): what MFU divides by.
    public var trainingFLOPsPerSample: Double {
        3 * (Double(layers) * blockForwardFLOPs + logitsForwardFLOPs)
    }
    /// Elements of one sample's activation between blocks (s·h): the pipeline send and TP all-reduce size.
    public var boundaryElements: Int64 { s * h }

    /// The model as layers: `embedding`, `layer0 … layerL−1`, `head`. Activation bytes are per sample in
    /// FP32 like every `LayerSpec`; the memory model uses Korthikanti's per-block form instead.
    public func layerSpecs() -> [LayerSpec] {
        let boundary = boundaryElements * 4
        var out = [LayerSpec(name: "embedding", parameters: embeddingParameters, forwardFLOPs: 0,
                             activationBytes: boundary)]
        for i in 0..<layers {
            out.append(LayerSpec(name: "layer\(i)", parameters: blockParameters, forwardFLOPs: blockForwardFLOPs,
                                 activationBytes: boundary))
        }
        out.append(LayerSpec(name: "head", parameters: headParameters, forwardFLOPs: logitsForwardFLOPs,
                             activationBytes: s * Int64(vocab) * 4))
        return out
    }

    /// Published configurations.
    public static func preset(_ name: String) -> TransformerConfig? {
        switch name {
        case "gpt2":  // GPT-2 small, 124 M.
            return TransformerConfig(layers: 12, hidden: 768, heads: 12, seqLen: 1024, vocab: 50257)
        case "bert-large":  // Megatron BERT-large encoder (no pooler, token types or MLM transform).
            return TransformerConfig(layers: 24, hidden: 1024, heads: 16, seqLen: 512, vocab: 30522)
        case "gpt3-175b":  // Brown et al. 2020 with Megatron's padded vocabulary.
            return TransformerConfig(layers: 96, hidden: 12288, heads: 96, seqLen: 2048, vocab: 51200)
        case "llama2-7b":
            return TransformerConfig(layers: 32, hidden: 4096, heads: 32, seqLen: 4096, vocab: 32000,
                                     ffnHidden: 11008, mlp: .swiglu, bias: false, learnedPositions: false,
                                     tiedEmbeddings: false)
        case "llama2-70b":
            return TransformerConfig(layers: 80, hidden: 8192, heads: 64, seqLen: 4096, vocab: 32000,
                                     ffnHidden: 28672, kvHeads: 8, mlp: .swiglu, bias: false,
                                     learnedPositions: false, tiedEmbeddings: false)
        default:
            return nil
        }
    }
    /// Names `preset(_:)` knows.
    public static let presetNames = ["gpt2", "bert-large", "gpt3-175b", "llama2-7b", "llama2-70b"]
}
