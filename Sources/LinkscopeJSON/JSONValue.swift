/// A JSON document built in memory and printed deterministically: keys keep insertion order,
/// numbers print the same on every run and platform. Used by reports and trace writers.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Structural equality; objects compare field by field in order (key order is part of the document).
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value of the first field named `key` of an object; nil for other values or a missing key.
    /// - Complexity: O(number of fields).
    public subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields.first { $0.0 == key }?.1 }
        return nil
    }

    /// Pretty-printed with two-space indentation, or compact on one line.
    public func serialized(pretty: Bool = true) -> String {
        var out = ""
        write(to: &out, indent: pretty ? 0 : -1)
        if pretty { out.append("\n") }
        return out
    }

    /// Appends the serialization to `out`: pretty-printed at nesting level `indent`, or compact on one line
    /// when `indent` is negative. Arrays of scalars stay on one line either way.
    public func write(to out: inout String, indent: Int) {
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.append(String(i))
        case .double(let d): out.append(JSONValue.format(d))
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            // Arrays of scalars stay on one line: easier to read and diff.
            let scalar = items.allSatisfy { if case .array = $0 { return false }; if case .object = $0 { return false }; return true }
            out.append("[")
            for (i, v) in items.enumerated() {
                if i > 0 { out.append(indent >= 0 && !scalar ? "," : ", ") }
                if indent >= 0 && !scalar { newline(&out, indent + 1) }
                v.write(to: &out, indent: indent >= 0 ? indent + 1 : -1)
            }
            if indent >= 0 && !scalar { newline(&out, indent) }
            out.append("]")
        case .object(let fields):
            if fields.isEmpty { out.append("{}"); return }
            out.append("{")
            for (i, (k, v)) in fields.enumerated() {
                if i > 0 { out.append(indent >= 0 ? "," : ", ") }
                if indent >= 0 { newline(&out, indent + 1) }
                JSONValue.escape(k, into: &out)
                out.append(": ")
                v.write(to: &out, indent: indent >= 0 ? indent + 1 : -1)
            }
            if indent >= 0 { newline(&out, indent) }
            out.append("}")
        }
    }

    private func newline(_ out: inout String, _ level: Int) {
        out.append("\n")
        out.append(String(repeating: "  ", count: level))
    }

    /// Shortest round-tripping decimal ("0.1", "2.5e-07"); integers print without a fraction.
    public static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// Appends `s` as a JSON string literal: quotes, backslashes and control characters escaped,
    /// everything else (non-ASCII included) written as is.
    public static func escape(_ s: String, into out: inout String) {
        out.append("\"")
        for u in s.unicodeScalars {
            switch u {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out.append("\"")
    }
}
