import Foundation
import LinkscopeScenario
import LinkscopeSim

/// What happened to one fuzz input.
public enum FuzzOutcome: Equatable, Sendable {
    /// Loaded (and simulated when asked) without error.
    case accepted
    /// Rejected by the loader with a located error (line and column ≥ 1, a message).
    case rejected
    /// Loaded, then refused by the simulator with an error.
    case refusedBySimulator
    /// Rejected without a usable location: a property violation.
    case unlocated(String)
}

/// Runs one input through the loader (and the simulator) and checks the rejection properties.
public enum FuzzCase {
    /// - Parameter simulate: also run accepted scenarios through the simulator (sweeps excluded).
    public static func run(_ text: String, simulate: Bool) -> FuzzOutcome {
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(yaml: text, file: "fuzz.yaml")
        } catch {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            guard error.line >= 1, error.column >= 1, error.line <= max(1, lines + 1), !error.message.isEmpty,
                  error.description.hasPrefix("fuzz.yaml:\(error.line):\(error.column): error: ")
            else { return .unlocated(error.description) }
            return .rejected
        }
        guard simulate else { return .accepted }
        do {
            _ = try Simulator.run(scenario, options: RunOptions(runSweep: false))
            return .accepted
        } catch {
            return error.description.isEmpty ? .unlocated("simulator error without text") : .refusedBySimulator
        }
    }

    /// The example scenarios of a package checkout (`scenarios/*.yaml`), sorted by name.
    public static func exampleSeeds(packageRoot: String) -> [String] {
        let dir = packageRoot + "/scenarios"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        return names.compactMap { try? String(contentsOfFile: dir + "/" + $0, encoding: .utf8) }
            + [ScenarioLoader.defaultScenarioYAML]
    }
}
