import Testing
@testable import LinkscopeUnits

@Test func unitsModuleLoads() { #expect(Bool(true)) }
