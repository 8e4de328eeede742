import Testing
@testable import LinkscopeScenario

/// The error a document gives, or nil when it loads.
func loadError(_ yaml: String, file: String = "t.yaml") -> ScenarioError? {
    do {
        _ = try ScenarioLoader.load(yaml: yaml, file: file)
        return nil
    } catch {
        return error
    }
}

/// Loads a document that must be valid.
func load(_ yaml: String, file: String = "t.yaml", sourceLocation: SourceLocation = #_sourceLocation)
    throws -> Scenario {
    do {
        return try ScenarioLoader.load(yaml: yaml, file: file)
    } catch {
        Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// Asserts the document fails at `line:column` with `path`, and the message contains `contains`.
func expectError(_ yaml: String, line: Int, column: Int, path: String, contains: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard let e = loadError(yaml) else {
        Issue.record("expected an error containing '\(contains)', but the scenario loaded", sourceLocation: sourceLocation)
        return
    }
    #expect(e.file == "t.yaml", sourceLocation: sourceLocation)
    #expect(e.line == line, "\(e)", sourceLocation: sourceLocation)
    #expect(e.column == column, "\(e)", sourceLocation: sourceLocation)
    #expect(e.path == path, "\(e)", sourceLocation: sourceLocation)
    #expect(e.message.contains(contains), "\(e)", sourceLocation: sourceLocation)
}
