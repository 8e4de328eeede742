/// A bad scenario: where (file, 1-based line and column), which field (path such as
/// `collectives[0].sizes[1]`), and what is wrong. Renders as `FILE:LINE:COL: error: MESSAGE (at PATH)`.
public struct ScenarioError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var path: String
    public var message: String

    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        let at = path.isEmpty ? "" : " (at \(path))"
        return "\(file):\(line):\(column): error: \(message)\(at)"
    }
}
