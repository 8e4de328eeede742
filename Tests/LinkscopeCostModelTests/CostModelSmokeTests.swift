import Testing
@testable import LinkscopeCostModel

@Test func costModelModuleLoads() { #expect(Bool(true)) }
