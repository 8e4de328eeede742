import LinkscopeJSON
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte-level, chunked, event-at-a-time parser for Chrome trace JSON. It never builds a tree of the
/// whole document: `traceEvents` items are decoded one by one into a reused `RawEvent`.
struct JSONEventParser {
    var buf: [UInt8] = []
    var pos = 0
    var base = 0
    let source: ChunkSource
    let file: String
    var scratch: [UInt8] = []
    var event = RawEvent()
    var table = StringTable()
    /// Per category id: 0 not asked yet, 1 keep args, 2 skip them.
    var keepCache: [UInt8] = []
    /// Keep the full `args` of metadata (`M`) and counter (`C`) events only (an analysis that needs none).
    var metadataArgsOnly = false
    static let maxDepth = 256

    init(source: ChunkSource, file: String) {
        self.source = source
        self.file = file
    }

    // MARK: Bytes

    mutating func refill() throws -> Bool {
        let n = buf.count
        base += n
        let old = buf
        buf = []
        pos = 0
        if n > 0 { source.recycle(old) }
        while true {
            guard let next = try source.nextChunk() else { return false }
            if next.isEmpty { continue }
            buf = next
            return true
        }
    }

    @inline(__always)
    mutating func peek() throws -> UInt8? {
        if pos < buf.count { return buf[pos] }
        return try refill() ? buf[pos] : nil
    }

    @inline(__always)
    mutating func skipWhitespace() throws -> UInt8? {
        while true {
            let start = pos
            let (stop, byte) = buf.withUnsafeBufferPointer { p -> (Int, UInt8?) in
                var i = start
                while i < p.count {
                    let b = p[i]
                    if b != 0x20 && b != 0x0A && b != 0x0D && b != 0x09 { return (i, b) }
                    i += 1
                }
                return (i, nil)
            }
            pos = stop
            if let byte { return byte }
            if try !refill() { return nil }
        }
    }

    var offset: Int { base + pos }

    /// An error at the current offset. Line and column are filled in by `TraceReader`, which re-reads
    /// the input up to the offset (cheap on the error path, free on the happy path).
    func error(_ kind: TraceError.Kind, _ message: String) -> TraceError {
        TraceError(kind: kind, file: file, offset: base + pos, message: message)
    }

    func unexpected(_ b: UInt8?, expecting what: String) -> TraceError {
        guard let b else { return error(.truncated, "unexpected end of input, expected \(what)") }
        let shown = (b >= 0x20 && b < 0x7F) ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
        return error(.syntax, "unexpected \(shown), expected \(what)")
    }

    mutating func expect(_ c: UInt8, _ what: String) throws {
        let b = try skipWhitespace()
        guard b == c else { throw unexpected(b, expecting: what) }
        pos += 1
    }

}
