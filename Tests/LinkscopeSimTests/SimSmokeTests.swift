import Testing
@testable import LinkscopeSim

@Test func simModuleLoads() { #expect(Bool(true)) }
