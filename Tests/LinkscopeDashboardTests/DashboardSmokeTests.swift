import Testing
@testable import LinkscopeDashboard

@Test func dashboardModuleLoads() { #expect(Bool(true)) }
