/// Why a validated scenario still cannot be simulated (found only when planning or routing).
public enum SimulationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A collective cannot be compiled (unsupported op/algorithm pair, bad request).
    case collective(name: String, message: String)
    /// The fabric found no route between two devices.
    case noRoute(from: String, to: String, name: String)
    /// Anything else about the scenario that makes it unsimulatable.
    case invalid(String)
    /// An error caused by one entry of the scenario (a field path such as `collectives[2]` or `training.sync`),
    /// so that it can be reported at that entry's line and column.
    indirect case at(path: String, SimulationError)

    /// The scenario field the error is about, when it is about one.
    public var path: String? {
        if case .at(let path, _) = self { return path }
        return nil
    }

    public var description: String {
        switch self {
        case .collective(let name, let message): return "\(name): \(message)"
        case .noRoute(let from, let to, let name): return "\(name): no route from \(from) to \(to)"
        case .invalid(let m): return m
        case .at(_, let inner): return inner.description
        }
    }
}
