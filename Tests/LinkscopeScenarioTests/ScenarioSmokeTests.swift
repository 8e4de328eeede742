import Testing
@testable import LinkscopeScenario

@Test func scenarioModuleLoads() { #expect(Bool(true)) }
