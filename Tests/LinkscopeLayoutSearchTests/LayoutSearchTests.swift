import Testing
@testable import LinkscopeLayoutSearch
