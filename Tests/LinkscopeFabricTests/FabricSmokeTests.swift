import Testing
@testable import LinkscopeFabric

@Test func fabricModuleLoads() { #expect(Bool(true)) }
