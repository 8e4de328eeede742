import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// YAML text → validated `Scenario` (interface.md "Scenario file").
///
/// The text is composed with Yams into a node tree with locations, then read by a small typed reader:
/// every problem is a `ScenarioError` with the file, the 1-based line and column of the offending node
/// (the key for an unknown key, the value for a bad value, the mapping for a missing key), the field path,
/// and a message. Never crashes on any input.
///
/// ```swift
/// let scenario = try ScenarioLoader.load(yaml: text, file: "exp.yaml")
/// for point in scenario.sweep { print(point.parameters, point.scenario.gpus) }
/// ```
public enum ScenarioLoader {
    /// Loads and validates a scenario; with `sweep:`, every combination is validated too and listed in
    /// `Scenario.sweep` (cartesian product in key order, first key outermost).
    public static func load(yaml: String, file: String) throws(ScenarioError) -> Scenario {
        guard let root = try DocumentParser.parse(yaml: yaml, file: file) else {
            throw ScenarioError(file: file, line: 1, column: 1, path: "",
                                message: "the scenario is empty; it needs a 'cluster' and 'collectives' or "
                                    + "'training' with a 'model'")
        }
        let builder = ScenarioBuilder(file: file)
        var scenario = try builder.build(root)
        guard let sweepNode = root.entries?.first(where: { $0.key == "sweep" })?.value, !sweepNode.isNull else {
            return scenario
        }
        let spec = try SweepSpec(sweepNode, reader: builder.reader)
        for combination in spec.combinations {
            let parameters = spec.parameters(combination)
            do {
                let doc = try spec.apply(combination, to: root, reader: builder.reader)
                let point = try builder.build(doc)
                scenario.sweep.append(SweepPoint(parameters: parameters, scenario: point))
            } catch {
                var e = error
                let label = parameters.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
                e.message += " (in sweep point \(label))"
                throw e
            }
        }
        return scenario
    }

    /// Loads the built-in default scenario (what `linkscope` with no arguments shows).
    public static func loadDefault() throws(ScenarioError) -> Scenario {
        try load(yaml: defaultScenarioYAML, file: defaultScenarioFile)
    }

    /// The file name errors and reports use for the built-in scenario.
    public static let defaultScenarioFile = "<default>"
}
