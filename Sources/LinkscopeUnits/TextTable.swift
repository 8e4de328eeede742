/// An aligned plain-text table: left-aligned text columns, right-aligned numeric columns.
public struct TextTable: Sendable {
    /// How a column's cells line up.
    public enum Alignment: Sendable { case left, right }
    /// Column headers, printed first above a line of dashes.
    public var headers: [String]
    /// One alignment per column.
    public var alignments: [Alignment]
    /// Rows of cells, one string per column.
    public var rows: [[String]] = []

    /// A table with these columns: the first aligned left and the rest right, unless `alignments` says.
    public init(_ headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.indices.map { $0 == 0 ? .left : .right }
    }

    /// Appends a row (one cell per column).
    public mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as text, every line prefixed with `indent`.
    /// - Complexity: O(cells).
    public func render(indent: String = "") -> String {
        var widths = headers.map { $0.count }
        for r in rows {
            for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, w) in widths.enumerated() {
                let c = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: max(0, w - c.count))
                parts.append(alignments[i] == .left ? c + pad : pad + c)
            }
            var s = indent + parts.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = [line(headers), indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n") + "\n"
    }
}
