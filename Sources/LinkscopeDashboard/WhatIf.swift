/// The knobs the dashboard can turn and re-simulate (issue 3, "What-if, live").
public struct WhatIfSettings: Sendable, Hashable {
    /// Collective algorithm, e.g. "ring", "tree", "ps" (docs/output-formats.md algorithm names).
    public var algorithm: String
    /// Sync scheme or collective op, e.g. "allreduce", "parameter-server".
    public var scheme: String
    /// GPUs the job gets.
    public var gpus: [Int]
    /// Message (gradient or collective) size in bytes.
    public var messageBytes: Int64
    /// Hardware preset, e.g. "dgx1-v100".
    public var preset: String
    /// Further named parameters (training knobs once they exist), in a stable order.
    public var parameters: [WhatIfParameterValue]

    /// Settings; no further parameters unless given.
    public init(algorithm: String, scheme: String, gpus: [Int], messageBytes: Int64, preset: String,
                parameters: [WhatIfParameterValue] = []) {
        self.algorithm = algorithm
        self.scheme = scheme
        self.gpus = gpus
        self.messageBytes = messageBytes
        self.preset = preset
        self.parameters = parameters
    }
}

/// One further named parameter and its value, as text.
public struct WhatIfParameterValue: Sendable, Hashable {
    /// Parameter name (a scenario key such as "micro_batches").
    public var name: String
    /// Its value as written.
    public var value: String
    /// A parameter value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Allowed values for each knob; the dashboard cycles through them. An empty list disables that key.
public struct WhatIfChoices: Sendable, Hashable {
    /// Algorithm names `a` cycles through.
    public var algorithms: [String]
    /// Sync schemes `o` cycles through.
    public var schemes: [String]
    /// GPU sets `g` cycles through.
    public var gpuSets: [[Int]]
    /// Message sizes `m` cycles through, bytes.
    public var messageSizes: [Int64]
    /// Hardware presets `p` cycles through.
    public var presets: [String]
    /// Extra parameters: name and allowed values (cycled with `t`, the first one only for now).
    public var parameters: [WhatIfParameterChoice]
    /// Why a knob has no choices for this run (e.g. message size on a training scenario), shown instead of
    /// a bare "no choices" when its key is pressed.
    public var notApplicable: [WhatIfKnob: String]

    /// Choices; every knob disabled unless given.
    public init(algorithms: [String] = [], schemes: [String] = [], gpuSets: [[Int]] = [], messageSizes: [Int64] = [],
                presets: [String] = [], parameters: [WhatIfParameterChoice] = [],
                notApplicable: [WhatIfKnob: String] = [:]) {
        self.algorithms = algorithms
        self.schemes = schemes
        self.gpuSets = gpuSets
        self.messageSizes = messageSizes
        self.presets = presets
        self.parameters = parameters
        self.notApplicable = notApplicable
    }
}

/// A further parameter and the values it may take.
public struct WhatIfParameterChoice: Sendable, Hashable {
    /// Parameter name.
    public var name: String
    /// Allowed values, in cycling order.
    public var values: [String]
    /// A parameter choice.
    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

/// Re-runs the simulation with new settings. Implemented by the simulator facade; called synchronously
/// from the dashboard's key handling, so it should finish in well under a second for interactive use.
public protocol WhatIfRunner: Sendable {
    var choices: WhatIfChoices { get }
    func run(_ settings: WhatIfSettings) -> Result<DashboardModel, DashboardError>
}

/// Which knob a what-if key turns.
public enum WhatIfKnob: String, Sendable, Hashable, CaseIterable {
    case algorithm, scheme, gpus, messageSize, preset, parameter

    /// The knob's name as users read it in the status bar (never the Swift case name).
    public var label: String {
        switch self {
        case .algorithm: return "algorithm"
        case .scheme: return "sync scheme"
        case .gpus: return "GPU set"
        case .messageSize: return "message size"
        case .preset: return "hardware preset"
        case .parameter: return "training parameter"
        }
    }
}

extension WhatIfSettings {
    /// The settings with `knob` moved to the next (or previous) allowed value; nil when there is no choice.
    public func cycling(_ knob: WhatIfKnob, in choices: WhatIfChoices, backwards: Bool = false) -> WhatIfSettings? {
        func next<T: Equatable>(_ list: [T], _ current: T) -> T? {
            guard !list.isEmpty else { return nil }
            guard let i = list.firstIndex(of: current) else { return list[0] }
            let j = backwards ? (i + list.count - 1) % list.count : (i + 1) % list.count
            return list[j]
        }
        var s = self
        switch knob {
        case .algorithm:
            guard let v = next(choices.algorithms, algorithm) else { return nil }
            s.algorithm = v
        case .scheme:
            guard let v = next(choices.schemes, scheme) else { return nil }
            s.scheme = v
        case .gpus:
            guard let v = next(choices.gpuSets, gpus) else { return nil }
            s.gpus = v
        case .messageSize:
            guard let v = next(choices.messageSizes, messageBytes) else { return nil }
            s.messageBytes = v
        case .preset:
            guard let v = next(choices.presets, preset) else { return nil }
            s.preset = v
        case .parameter:
            guard let p = choices.parameters.first else { return nil }
            let current = parameters.first { $0.name == p.name }?.value ?? ""
            guard let v = next(p.values, current) else { return nil }
            if let i = s.parameters.firstIndex(where: { $0.name == p.name }) {
                s.parameters[i].value = v
            } else {
                s.parameters.append(WhatIfParameterValue(name: p.name, value: v))
            }
        }
        return s
    }
}
