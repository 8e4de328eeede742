import Testing
@testable import LinkscopeTimeline

@Test func timelineModuleLoads() { #expect(Bool(true)) }
