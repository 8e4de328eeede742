/// NCCL's collective algorithms as its tuner sees them (src/include/plugin/nccl_tuner.h order). CollNet and PAT
/// need a CollNet plugin or one GPU per node and are not modelled.
public enum NCCLAlgorithm: String, CaseIterable, Sendable, Codable {
    case tree, ring, nvls

    var index: Int {
        switch self {
        case .tree: return 0
        case .ring: return 1
        case .nvls: return 4
        }
    }
}

/// NCCL's wire protocols (src/include/device.h, v2.30.7).
public enum NCCLProtocol: String, CaseIterable, Sendable, Codable {
    case ll, ll128, simple

    var index: Int {
        switch self {
        case .ll: return 0
        case .ll128: return 1
        case .simple: return 2
        }
    }

    /// Wire bytes per payload byte from the line format: LL sends 8 B of data with 8 B of flags per 16 B line;
    /// LL128 15 data words per 16-word (128 B) line; Simple sends the payload as is.
    public var wireFactor: Double {
        switch self {
        case .ll: return 2
        case .ll128: return 128.0 / 120.0
        case .simple: return 1
        }
    }

    /// Payload of one pipeline step (one of `NCCLConstants.steps` buffer slots) per channel connection:
    /// Simple 4 MiB / 8; LL 8 lines × 512 threads × 16 B / 8 slots, half of it data; LL128 120 × 640 × 8 B / 8
    /// slots (`NCCL_LL128_ELEMS_PER_THREAD`, `NCCL_LL128_MAX_NTHREADS`), 120/128 of it data.
    public var stepPayloadBytes: Int64 {
        switch self {
        case .simple: return (4 << 20) / Int64(NCCLConstants.steps)
        case .ll: return 8 * 512 * 16 / 2
        case .ll128: return 120 * 640 * 8 / Int64(NCCLConstants.steps) * 120 / 128
        }
    }
}

/// GPU generation, as NCCL's `compCapIndex`.
public enum NCCLArch: Int, CaseIterable, Sendable, Codable {
    case volta = 0, ampere = 1, hopper = 2, blackwell = 3

    /// The compute capability NCCL compares against (`minCompCap`).
    public var computeCapability: Int {
        switch self {
        case .volta: return 70
        case .ampere: return 80
        case .hopper: return 90
        case .blackwell: return 100
        }
    }

    /// NCCL's effective bandwidth of one NVLink, GB/s per direction (src/graph/topo.h `SMxx_NVLINK_BW`).
    public var nvlinkBandwidth: Double {
        switch self {
        case .volta: return 20.0
        case .ampere: return 20.0
        case .hopper: return 20.6
        case .blackwell: return 40.1
        }
    }

    /// Graph-search speeds (GB/s per channel) within a node and across nodes (src/graph/search.cc).
    var intraSpeeds: [Double] {
        switch self {
        case .volta, .ampere: return [40.0, 30.0, 20.0, 18.0, 15.0, 12.0, 10.0, 9.0, 7.0, 6.0, 5.0, 4.0, 3.0]
        case .hopper: return [60.0, 50.0, 40.0, 30.0, 24.0, 20.0, 15.0, 12.0, 11.0, 6.0, 3.0]
        case .blackwell: return [90.0, 80.0, 70.0, 60.0, 50.0, 45.0, 40.0, 30.0, 24.0, 20.0, 19.0, 18.0]
        }
    }

    var interSpeeds: [Double] {
        switch self {
        case .volta, .ampere:
            return [48.0, 30.0, 28.0, 24.0, 20.0, 18.0, 15.0, 12.0, 10.0, 9.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.4, 1.2, 0.24, 0.12]
        case .hopper:
            return [48.0, 45.0, 42.0, 40.0, 30.0, 24.0, 22.0, 20.0, 17.5, 15.0, 12.0, 6.0, 3.0, 2.4, 1.2, 0.24, 0.12]
        case .blackwell:
            return [96.0, 86.0, 80.0, 48.0, 45.1, 42.0, 40.0, 30.0, 24.0, 22.0, 20.0, 17.5, 15.0, 12.0, 6.0, 3.0, 2.4,
                    1.2, 0.24, 0.12]
        }
    }

    /// The architecture of a GPU model name ("a100", "h100", …); nil when NCCL's tables do not cover it.
    public init?(gpuModel: String) {
        let m = gpuModel.lowercased()
        if m.hasPrefix("v100") || m.hasPrefix("p100") { self = .volta }
        else if m.hasPrefix("a100") || m.hasPrefix("a800") { self = .ampere }
        else if m.hasPrefix("h100") || m.hasPrefix("h800") || m.hasPrefix("h200") || m.hasPrefix("h20") { self = .hopper }
        else if m.hasPrefix("b200") || m.hasPrefix("gb200") || m.hasPrefix("b100") { self = .blackwell }
        else { return nil }
    }
}

/// NCCL's tuning constants, verbatim from `ncclTunerConstantsDefaults` and `nvlsEfficiency` in
/// src/graph/tuning.cc of NCCL v2.30.7 (commit 73cf112). Index order: algorithm {Tree, Ring, CollNetDirect,
/// CollNetChain, NVLS, NVLSTree, PAT}, protocol {LL, LL128, Simple}, hardware {NVLink, PCI, Net}.
public enum NCCLConstants {
    /// Pipeline slots per connection (`NCCL_STEPS`).
    public static let steps = 8
    /// Most channels NCCL runs (`MAXCHANNELS`); graph searches ask for at most half.
    public static let maxChannels = 64

    static let baseLatencies: [[Double]] = [
        [6.8, 14.0, 8.4], [6.6, 14.0, 8.4],
        [0, 0, 0], [0, 0, 0],
        [0, 0, 0], [0, 0, 0],
        [8.0, 8.0, 8.0],
    ]

    static let hwLatencies: [[[Double]]] = [
        // NVLink
        [[0.6, 1.25, 4.0], [0.6, 1.9, 3.4], [0, 0, 3.7], [0, 0, 2.8], [0, 0, 25], [0, 0, 25], [0, 0, 4.0]],
        // PCI
        [[1.0, 1.9, 4.0], [1.0, 2.5, 5.7], [0, 0, 3.7], [0, 0, 2.8], [0, 0, 0], [0, 0, 0], [0, 0, 4.0]],
        // Net
        [[5.0, 8.5, 14], [2.7, 4.0, 14.0], [0, 0, 31], [0, 0, 30], [0, 0, 18], [0, 0, 20.9], [0, 0, 14]],
    ]

    /// Rows: GPU arch for one node; CPU vendor (0 Intel/other, 1 AMD) across nodes. Columns: 1, 2, ≥ 3 nodes.
    static let llMaxBws: [[Double]] = [[39.0, 39.0, 20.4], [87.7, 22.5, 19.0], [141.0, 45.0, 35.0], [282.0, 90.0, 70.0]]
    static let perChMaxRingLL128Bws: [[Double]] = [[20, 20, 20], [20, 20, 20], [36.7, 36.7, 36.7], [40, 40, 40]]
    static let perChMaxTreeLL128Bws: [[Double]] = [[20, 20, 20], [20, 20, 20], [36.7, 36.7, 29.0], [55.6, 31.67, 20.0]]
    static let perChMaxTreeBws: [[Double]] = [[26.5, 18.5, 10.0], [24.0, 23.6, 17.8], [38.7, 41.4, 36.0], [70.0, 42.8, 24.0]]
    static let nvlsEfficiency: [Double] = [0, 0, 0.85, 0.74]

    /// Tree bandwidth correction by log2(bytes/64), powers of two from 64 B (tuning.cc `treeCorrectionFactor`).
    static let treeCorrectionFactor: [[Double]] = [
        [1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.0],
        [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 0.7, 0.8, 0.7, 0.7, 0.8, 0.9, 0.9, 0.9],
    ]

    /// Per-step network overhead of inter-node rings, µs (`getNetOverhead`: 1 on Intel/other, 2 on AMD).
    static func netOverhead(amdCPU: Bool) -> Double { amdCPU ? 2.0 : 1.0 }
}
