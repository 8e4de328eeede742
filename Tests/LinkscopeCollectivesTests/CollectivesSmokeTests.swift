import Testing
@testable import LinkscopeCollectives

@Test func collectivesModuleLoads() { #expect(Bool(true)) }
