import LinkscopeJSON
import LinkscopeTimeline

/// Whole JSON values: built as `JSONValue`, or skipped without building.
extension JSONEventParser {
    mutating func parseLiteral(_ word: StaticString, _ value: JSONValue) throws -> JSONValue {
        let bytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for c in bytes {
            guard let b = try peek() else { throw error(.truncated, "unexpected end of input in literal") }
            guard b == c else { throw error(.syntax, "invalid literal") }
            pos += 1
        }
        return value
    }

    // MARK: Values

    /// Any JSON value as a `JSONValue` tree (used for small things: args, distributedInfo, otherData).
    mutating func parseValue(depth: Int = 0) throws -> JSONValue {
        guard depth < Self.maxDepth else { throw error(.syntax, "nesting deeper than \(Self.maxDepth)") }
        guard let b = try skipWhitespace() else { throw error(.truncated, "unexpected end of input, expected a value") }
        switch b {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"):
            pos += 1
            var fields: [(String, JSONValue)] = []
            if try skipWhitespace() == UInt8(ascii: "}") {
                pos += 1
                return .object(fields)
            }
            while true {
                let key = try parseString()
                try expect(UInt8(ascii: ":"), "':'")
                fields.append((key, try parseValue(depth: depth + 1)))
                let c = try skipWhitespace()
                pos += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "}") { return .object(fields) }
                pos -= 1
                throw unexpected(c, expecting: "',' or '}'")
            }
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSONValue] = []
            if try skipWhitespace() == UInt8(ascii: "]") {
                pos += 1
                return .array(items)
            }
            while true {
                items.append(try parseValue(depth: depth + 1))
                let c = try skipWhitespace()
                pos += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "]") { return .array(items) }
                pos -= 1
                throw unexpected(c, expecting: "',' or ']'")
            }
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let n = try parseNumber()
            return n.isInteger ? .int(n.int) : .double(n.double)
        default:
            throw unexpected(b, expecting: "a value")
        }
    }

    /// Skips any value without building it (strings are still validated).
    mutating func skipValue(depth: Int = 0) throws {
        guard depth < Self.maxDepth else { throw error(.syntax, "nesting deeper than \(Self.maxDepth)") }
        guard let b = try skipWhitespace() else { throw error(.truncated, "unexpected end of input, expected a value") }
        switch b {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"):
            pos += 1
            if try skipWhitespace() == UInt8(ascii: "}") {
                pos += 1
                return
            }
            while true {
                try skipString(requireQuote: true)
                try expect(UInt8(ascii: ":"), "':'")
                try skipValue(depth: depth + 1)
                let c = try skipWhitespace()
                pos += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "}") { return }
                pos -= 1
                throw unexpected(c, expecting: "',' or '}'")
            }
        case UInt8(ascii: "["):
            pos += 1
            if try skipWhitespace() == UInt8(ascii: "]") {
                pos += 1
                return
            }
            while true {
                try skipValue(depth: depth + 1)
                let c = try skipWhitespace()
                pos += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "]") { return }
                pos -= 1
                throw unexpected(c, expecting: "',' or ']'")
            }
        case UInt8(ascii: "t"): _ = try parseLiteral("true", .null)
        case UInt8(ascii: "f"): _ = try parseLiteral("false", .null)
        case UInt8(ascii: "n"): _ = try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw unexpected(b, expecting: "a value")
        }
    }
}
