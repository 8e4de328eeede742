import LinkscopeJSON
import Testing

@Suite struct JSONValueTests {
    @Test func roundTripsKeepOrderAndTypes() throws {
        let text = #"{"b": 1, "a": [1.5, -2, true, null, "x\"y\n\u00e9"], "n": {"big": 9007199254740993}}"#
        let v = try JSONValue.parse(text)
        #expect(v["b"] == .int(1))
        #expect(v["n"]?["big"] == .int(9_007_199_254_740_993), "integers stay exact beyond 2^53")
        let again = try JSONValue.parse(v.serialized())
        #expect(again == v)
        #expect(v.serialized(pretty: false).hasPrefix(#"{"b": 1, "a": [1.5, -2, true, null, "x\"y\n"#))
    }

    @Test func numbersPrintDeterministically() {
        #expect(JSONValue.format(2) == "2")
        #expect(JSONValue.format(0.1) == "0.1")
        #expect(JSONValue.format(.infinity) == "null")
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "01x", String(repeating: "[", count: 600)])
    func malformedInputIsAnErrorNotACrash(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }
}
