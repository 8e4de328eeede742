/// Why a validated scenario still cannot be simulated (found only when planning or routing).
public enum SimulationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A collective cannot be compiled (unsupported op/algorithm pair, bad request).
    case collective(name: String, message: String)
    /// The fabric found no route between two devices.
    case noRoute(from: String, to: String, name: String)
    /// Anything else about the scenario that makes it unsimulatable.
    case invalid(String)

    public var description: String {
        switch self {
        case .collective(let name, let message): return "\(name): \(message)"
        case .noRoute(let from, let to, let name): return "\(name): no route from \(from) to \(to)"
        case .invalid(let m): return m
        }
    }
}
