import Yams
import LinkscopeCostModel
import LinkscopeTopology
import LinkscopeUnits

/// PLACEHOLDER: YAML → `Scenario` (replaced by the scenario work).
public enum ScenarioLoader {
    public static func load(yaml: String, file: String) throws(ScenarioError) -> Scenario {
        throw ScenarioError(file: file, line: 1, column: 1, path: "", message: "scenario loading not implemented yet")
    }
}
