/// Why a trace could not be read. Always carries the file and the byte offset where reading stopped
/// (an offset into the decompressed JSON, or into the compressed bytes for `.gzip` problems), plus the
/// line and column when the JSON text was being parsed.
public struct TraceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened or read.
        case io
        /// The gzip stream is corrupt or ends early.
        case gzip
        /// The JSON text is malformed.
        case syntax
        /// The JSON text ends in the middle of a value.
        case truncated
        /// Valid JSON, but not a Chrome / Kineto trace.
        case notATrace
    }

    /// What went wrong.
    public var kind: Kind
    /// The file being read.
    public var file: String
    /// Byte offset where the problem was found.
    public var offset: Int
    /// 1-based line and column in the JSON text, when known.
    public var line: Int?
    /// 1-based column in the JSON text, when known.
    public var column: Int?
    /// The problem, without the location.
    public var message: String

    /// An error with its location.
    public init(kind: Kind, file: String, offset: Int, line: Int? = nil, column: Int? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.offset = offset
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COLUMN: error: MESSAGE (byte N)`, the form the CLI prints (docs/output-formats.md).
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        s += ": error: \(message) (byte \(offset)"
        if kind == .gzip { s += " of the compressed file" }
        return s + ")"
    }
}
