import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Produces a byte stream in chunks, so that a huge trace never sits in memory as a whole.
protocol ChunkSource: AnyObject {
    /// The next non-empty chunk, or nil at the end of the stream.
    func nextChunk() throws -> [UInt8]?
    /// Hands a consumed chunk back so its storage can be reused (optional).
    func recycle(_ chunk: [UInt8])
}

extension ChunkSource {
    func recycle(_ chunk: [UInt8]) {}
}

/// Serves bytes already in memory, in chunks of a fixed size (small sizes exercise chunk boundaries).
final class MemoryChunkSource: ChunkSource {
    private let bytes: [UInt8]
    private var offset = 0
    private let chunkSize: Int

    init(_ bytes: [UInt8], chunkSize: Int = 1 << 20) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    func nextChunk() throws -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(bytes.count, offset + chunkSize)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// Reads a file with `fread` in fixed-size chunks.
final class FileChunkSource: ChunkSource {
    private let handle: UnsafeMutablePointer<FILE>
    private let path: String
    private let chunkSize: Int
    private(set) var bytesRead = 0

    init(path: String, chunkSize: Int = 1 << 20) throws {
        guard let h = fopen(path, "rb") else {
            let reason = String(cString: strerror(errno))
            throw TraceError(kind: .io, file: path, offset: 0, message: "cannot open: \(reason)")
        }
        handle = h
        self.path = path
        self.chunkSize = chunkSize
    }

    deinit { fclose(handle) }

    func nextChunk() throws -> [UInt8]? {
        let size = chunkSize
        let file = handle
        let chunk = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = fread(buffer.baseAddress, 1, size, file)
        }
        let n = chunk.count
        if n == 0 {
            if ferror(handle) != 0 {
                throw TraceError(kind: .io, file: path, offset: bytesRead, message: "read error")
            }
            return nil
        }
        bytesRead += n
        return chunk
    }
}

/// Inflates a gzip (or zlib) stream chunk by chunk with system zlib (`inflateInit2`, window bits 15 + 32
/// auto-detects the header). Concatenated gzip members are read one after another.
final class GzipChunkSource: ChunkSource {
    private let input: ChunkSource
    private let file: String
    private var stream = z_stream()
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private var compressedConsumed = 0
    private var memberEnded = false
    private var inputEnded = false
    private var initialised = false
    private let outputSize: Int
    private var spares: [[UInt8]] = []

    func recycle(_ chunk: [UInt8]) {
        if spares.count < 4 && chunk.capacity >= outputSize { spares.append(chunk) }
    }

    init(input: ChunkSource, file: String, first: [UInt8] = [], outputSize: Int = 1 << 20) throws {
        self.input = input
        self.file = file
        self.pending = first
        self.outputSize = outputSize
        let rc = shim_inflateInit2(&stream, 15 + 32)
        guard rc == Z_OK else {
            throw TraceError(kind: .gzip, file: file, offset: 0, message: "zlib initialisation failed (\(rc))")
        }
        initialised = true
    }

    deinit {
        if initialised { inflateEnd(&stream) }
    }

    private func refillInput() throws -> Bool {
        while pendingOffset >= pending.count {
            guard !inputEnded, let next = try input.nextChunk() else {
                inputEnded = true
                return false
            }
            pending = next
            pendingOffset = 0
        }
        return true
    }

    func nextChunk() throws -> [UInt8]? {
        var out: [UInt8]
        if var spare = spares.popLast() {
            // Only the part a short last chunk cut off needs filling; inflate overwrites the rest.
            if spare.count < outputSize { spare.append(contentsOf: repeatElement(0, count: outputSize - spare.count)) }
            if spare.count > outputSize { spare.removeSubrange(outputSize...) }
            out = spare
        } else {
            out = [UInt8](repeating: 0, count: outputSize)
        }
        var produced = 0
        while produced == 0 {
            if memberEnded {
                // Another member may follow; trailing zero padding is tolerated.
                guard try refillInput() else { return nil }
                if pending[pendingOffset...].allSatisfy({ $0 == 0 }) {
                    compressedConsumed += pending.count - pendingOffset
                    pendingOffset = pending.count
                    continue
                }
                inflateReset(&stream)
                memberEnded = false
            }
            guard try refillInput() else {
                throw TraceError(kind: .gzip, file: file, offset: compressedConsumed,
                                 message: "gzip stream ends early (truncated file)")
            }
            let available = pending.count - pendingOffset
            var rc: Int32 = Z_OK
            var used = 0
            pending.withUnsafeMutableBufferPointer { inBuf in
                out.withUnsafeMutableBufferPointer { outBuf in
                    guard let inBase = inBuf.baseAddress, let outBase = outBuf.baseAddress else { return }
                    stream.next_in = inBase + pendingOffset
                    stream.avail_in = UInt32(available)
                    stream.next_out = outBase + produced
                    stream.avail_out = UInt32(outputSize - produced)
                    rc = inflate(&stream, Z_NO_FLUSH)
                    used = available - Int(stream.avail_in)
                    produced = outputSize - Int(stream.avail_out)
                }
            }
            pendingOffset += used
            compressedConsumed += used
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                if rc == Z_BUF_ERROR && used == 0 && produced == 0 && available > 0 {
                    throw TraceError(kind: .gzip, file: file, offset: compressedConsumed, message: "gzip stream stalled")
                }
            case Z_STREAM_END:
                memberEnded = true
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw TraceError(kind: .gzip, file: file, offset: compressedConsumed,
                                 message: "corrupt gzip data: \(detail)")
            }
        }
        if produced < outputSize { out.removeSubrange(produced...) }
        return out
    }
}

/// The decompressed size of a file: gzip's ISIZE trailer (the size mod 2^32 of the last member), else the
/// file size; 0 when unknown. Only a capacity hint.
func expectedDecompressedSize(path: String) -> Int {
    guard let f = fopen(path, "rb") else { return 0 }
    defer { fclose(f) }
    var magic = [UInt8](repeating: 0, count: 2)
    guard fread(&magic, 1, 2, f) == 2, fseeko(f, 0, SEEK_END) == 0 else { return 0 }
    let size = Int(ftello(f))
    guard magic == [0x1f, 0x8b] else { return max(0, size) }
    var trailer = [UInt8](repeating: 0, count: 4)
    guard size >= 18, fseeko(f, -4, SEEK_END) == 0, fread(&trailer, 1, 4, f) == 4 else { return 0 }
    return trailer.reversed().reduce(0) { $0 << 8 | Int($1) }
}

/// Opens a trace file, inflating it when it starts with the gzip magic bytes (whatever its extension).
func openTraceSource(path: String, prefetch: Bool = true) throws -> ChunkSource {
    let raw = try FileChunkSource(path: path)
    return try wrapIfGzip(raw, file: path, prefetch: prefetch)
}

/// Peeks at the first chunk of `raw` and wraps it in a gzip inflater when it starts with 1f 8b.
func wrapIfGzip(_ raw: ChunkSource, file: String, prefetch: Bool = false) throws -> ChunkSource {
    guard let first = try raw.nextChunk() else { return MemoryChunkSource([]) }
    if first.count >= 2, first[0] == 0x1f, first[1] == 0x8b {
        let gzip = try GzipChunkSource(input: raw, file: file, first: first)
        return prefetch ? PrefetchingChunkSource(gzip) : gzip
    }
    return PrefixedChunkSource(first: first, rest: raw)
}

/// A source with one chunk pushed back in front.
final class PrefixedChunkSource: ChunkSource {
    private var first: [UInt8]?
    private let rest: ChunkSource
    init(first: [UInt8], rest: ChunkSource) {
        self.first = first
        self.rest = rest
    }
    func nextChunk() throws -> [UInt8]? {
        if let f = first {
            first = nil
            return f
        }
        return try rest.nextChunk()
    }

    func recycle(_ chunk: [UInt8]) { rest.recycle(chunk) }
}
