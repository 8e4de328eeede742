import Testing
@testable import LinkscopeTraces

@Test func tracesModuleLoads() { #expect(Bool(true)) }
