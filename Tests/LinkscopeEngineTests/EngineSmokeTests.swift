import Testing
@testable import LinkscopeEngine

@Test func engineModuleLoads() { #expect(Bool(true)) }
