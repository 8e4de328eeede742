import Testing
@testable import LinkscopeReplay

@Test func replayModuleLoads() { #expect(Bool(true)) }
