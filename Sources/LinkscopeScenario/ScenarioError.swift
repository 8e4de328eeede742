/// A bad scenario: where (file, 1-based line and column), which field (path such as
/// `collectives[0].sizes[1]`), and what is wrong. Renders as `FILE:LINE:COL: error: MESSAGE (at PATH)`.
public struct ScenarioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The scenario file.
    public var file: String
    /// 1-based line of the offending text.
    public var line: Int
    /// 1-based column of the offending text.
    public var column: Int
    /// The field, as a path from the document root (empty for the document itself).
    public var path: String
    /// What is wrong and what is expected.
    public var message: String

    /// An error at `file:line:column`, about the field `path`.
    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// `FILE:LINE:COL: error: MESSAGE (at PATH)`.
    public var description: String {
        let at = path.isEmpty ? "" : " (at \(path))"
        return "\(file):\(line):\(column): error: \(message)\(at)"
    }
}
