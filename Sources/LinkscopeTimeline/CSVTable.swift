import LinkscopeJSON

/// Comma-separated values from rows of JSON objects: the one place every command renders its CSV.
///
/// Schema rules (docs/output-formats.md): the first line names the columns; numbers are written as in the JSON
/// output; a list is its items joined by single spaces ("0 3 5 6"); null is an empty field; a field with a
/// comma, a quote or a line break is quoted, quotes doubled (RFC 4180).
public struct CSVTable: Sendable {
    /// Column names, the first line.
    public var columns: [String]
    /// One JSON value per column and row.
    public var rows: [[JSONValue]]

    /// A table with these columns and rows.
    public init(columns: [String], rows: [[JSONValue]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// Picks `columns` out of each object (missing keys are null).
    public init(columns: [String], objects: [JSONValue]) {
        self.columns = columns
        rows = objects.map { o in columns.map { o[$0] ?? .null } }
    }

    /// Columns are the keys of the objects, in first-seen order.
    public init(objects: [JSONValue]) {
        var keys: [String] = []
        for case .object(let fields) in objects {
            for (k, _) in fields where !keys.contains(k) { keys.append(k) }
        }
        self.init(columns: keys, objects: objects)
    }

    /// The CSV text, header line first, every line ending in a newline.
    /// - Complexity: O(cells).
    public var rendered: String {
        var out = columns.map(Self.quote).joined(separator: ",") + "\n"
        for row in rows { out += row.map(Self.field).joined(separator: ",") + "\n" }
        return out
    }

    /// One cell's text.
    public static func field(_ v: JSONValue) -> String {
        switch v {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return JSONValue.format(d)
        case .string(let s): return quote(s)
        case .array(let items): return quote(items.map(field).joined(separator: " "))
        case .object: return quote(v.serialized(pretty: false))
        }
    }

    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        var out = "\""
        for c in s { out += c == "\"" ? "\"\"" : String(c) }
        return out + "\""
    }

    /// Parses CSV written by `rendered` (quoted fields included) into rows of fields; for round-trip tests.
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" {
                row.append(field); field = ""
                rows.append(row); row = []
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
