/// Which collective model a scenario uses (`simulation: {model: …}`).
public enum CollectiveModel: String, CaseIterable, Sendable, Codable {
    /// The idealised algorithms at line rate × `link_efficiency` (the book's model; the default).
    case ideal
    /// The NCCL-like model (channels, protocols, NCCL's tuner and effective bandwidths) for ring and tree.
    case nccl
}

/// How NCCL-modelled collectives are simulated (`simulation: {collectives: …}`).
public enum CollectiveFidelity: String, CaseIterable, Sendable, Codable {
    /// Every chunk of every channel is a flow on the fabric (the reference).
    case flows
    /// Priced by the model in O(1) events; its bytes and busy time are still charged to the links it uses.
    case analytical
    /// Analytical where nothing else runs at the same time, flows otherwise.
    case auto
}

/// A protocol choice: one of NCCL's, or the tuner's pick.
public enum ProtocolChoice: String, CaseIterable, Sendable, Codable {
    case auto, ll, ll128, simple

    /// The fixed protocol, nil for `auto`.
    public var fixed: NCCLProtocol? { NCCLProtocol(rawValue: rawValue) }
}
