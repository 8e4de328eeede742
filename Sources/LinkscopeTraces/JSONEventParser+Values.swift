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

    // MARK: Containers

    static let objectEnd = UInt8(ascii: "}")
    static let arrayEnd = UInt8(ascii: "]")

    /// Steps over a container's opening '{' or '['; false when the container is empty (its `closer` consumed
    /// too), true when a member follows. One place for the empty case of every object and array loop.
    @inline(__always)
    mutating func openContainer(closer: UInt8) throws -> Bool {
        pos += 1
        guard try skipWhitespace() == closer else { return true }
        pos += 1
        return false
    }

    /// After a member: true when ',' (consumed) announces another, false at `closer` (consumed); anything
    /// else is an error naming `what` was expected.
    @inline(__always)
    mutating func nextMember(closer: UInt8, expecting what: String) throws -> Bool {
        let c = try skipWhitespace()
        pos += 1
        if c == UInt8(ascii: ",") { return true }
        if c == closer { return false }
        pos -= 1
        throw unexpected(c, expecting: what)
    }

    // MARK: Values

    /// Any JSON value as a `JSONValue` tree (used for small things: args, distributedInfo, otherData).
    mutating func parseValue(depth: Int = 0) throws -> JSONValue {
        guard depth < Self.maxDepth else { throw error(.syntax, "nesting deeper than \(Self.maxDepth)") }
        guard let b = try skipWhitespace() else { throw error(.truncated, "unexpected end of input, expected a value") }
        switch b {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"):
            var fields: [(String, JSONValue)] = []
            guard try openContainer(closer: Self.objectEnd) else { return .object(fields) }
            repeat {
                let key = try parseString()
                try expect(UInt8(ascii: ":"), "':'")
                fields.append((key, try parseValue(depth: depth + 1)))
            } while try nextMember(closer: Self.objectEnd, expecting: "',' or '}'")
            return .object(fields)
        case UInt8(ascii: "["):
            var items: [JSONValue] = []
            guard try openContainer(closer: Self.arrayEnd) else { return .array(items) }
            repeat {
                items.append(try parseValue(depth: depth + 1))
            } while try nextMember(closer: Self.arrayEnd, expecting: "',' or ']'")
            return .array(items)
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
            guard try openContainer(closer: Self.objectEnd) else { return }
            repeat {
                try skipString(requireQuote: true)
                try expect(UInt8(ascii: ":"), "':'")
                try skipValue(depth: depth + 1)
            } while try nextMember(closer: Self.objectEnd, expecting: "',' or '}'")
        case UInt8(ascii: "["):
            guard try openContainer(closer: Self.arrayEnd) else { return }
            repeat {
                try skipValue(depth: depth + 1)
            } while try nextMember(closer: Self.arrayEnd, expecting: "',' or ']'")
        case UInt8(ascii: "t"): _ = try parseLiteral("true", .null)
        case UInt8(ascii: "f"): _ = try parseLiteral("false", .null)
        case UInt8(ascii: "n"): _ = try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw unexpected(b, expecting: "a value")
        }
    }
}
