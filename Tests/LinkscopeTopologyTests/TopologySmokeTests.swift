import Testing
@testable import LinkscopeTopology

@Test func topologyModuleLoads() { #expect(Bool(true)) }
