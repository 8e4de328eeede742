#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads Chakra execution traces, one file per rank, in any supported form (see `ChakraFormat`).
///
/// Form: a name ending in `.json` is JSON, `.et` is protobuf; otherwise the first non-blank byte decides
/// (`{` → JSON, anything else → protobuf). Rank: a `rank` attribute of the metadata when present, else the last
/// number of the file name (`chakra.3.et`, `rank3.json`, `et_3.json`), else 0.
public enum ChakraReader {
    /// Reads one file, whichever of the three encodings it is.
    public static func read(path: String) throws(ReplayError) -> ChakraGraph {
        let bytes = try load(path)
        return try decode(bytes, file: path)
    }

    /// Reads several files; ranks must be distinct. Result sorted by rank.
    public static func read(paths: [String]) throws(ReplayError) -> [ChakraGraph] {
        var out: [ChakraGraph] = []
        for p in paths {
            let g = try read(path: p)
            if let other = out.first(where: { $0.rank == g.rank }) {
                throw ReplayError.duplicateRank(file: p, rank: g.rank, otherFile: other.file)
            }
            out.append(g)
        }
        return out.sorted { $0.rank < $1.rank }
    }

    /// Decodes bytes of a file (see the type's documentation for how the form is chosen).
    public static func decode(_ bytes: [UInt8], file: String, rank: Int? = nil) throws(ReplayError) -> ChakraGraph {
        if isJSON(bytes, file: file) { return try ChakraJSON.decodeFile(bytes, file: file, rank: rank) }
        return try ChakraProtobuf.decodeFile(bytes, file: file, rank: rank)
    }

    static func isJSON(_ bytes: [UInt8], file: String) -> Bool {
        let lower = file.lowercased()
        if lower.hasSuffix(".json") { return true }
        if lower.hasSuffix(".et") { return false }
        let first = bytes.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        return first == UInt8(ascii: "{")
    }

    /// The last decimal number in the file's base name without its extension(s), e.g. 3 for `a/chakra.3.et`.
    public static func rank(fromFileName path: String) -> Int? {
        var base = Substring(path.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(path))
        for ext in [".json", ".et"] where base.lowercased().hasSuffix(ext) { base = base.dropLast(ext.count) }
        var digits: [Character] = []
        var best: String?
        for c in base {
            if c.isASCII, c.isNumber { digits.append(c) } else if !digits.isEmpty {
                best = String(digits)
                digits = []
            }
        }
        if !digits.isEmpty { best = String(digits) }
        guard let b = best, b.count <= 7, let v = Int(b) else { return nil }
        return v
    }

    /// Whether a file looks like a Chakra trace rather than a Kineto trace: a `.et` name, or JSON whose first key
    /// is one of `version`, `attr`, `workload_graph`, `id`, `type` (jsonizer metadata or node, feeder graph).
    public static func looksLikeChakra(path: String) -> Bool {
        if path.lowercased().hasSuffix(".et") { return true }
        guard let f = fopen(path, "rb") else { return false }
        defer { fclose(f) }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = fread(&buf, 1, buf.count, f)
        guard n > 0 else { return false }
        var i = 0
        func skip() { while i < n, buf[i] == 0x20 || buf[i] == 0x0A || buf[i] == 0x0D || buf[i] == 0x09 { i += 1 } }
        skip()
        guard i < n, buf[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skip()
        guard i < n, buf[i] == UInt8(ascii: "\"") else { return false }
        i += 1
        var key: [UInt8] = []
        while i < n, buf[i] != UInt8(ascii: "\""), key.count < 64 { key.append(buf[i]); i += 1 }
        return ["version", "attr", "workload_graph", "id", "type"].contains(String(decoding: key, as: UTF8.self))
    }

    static func load(_ path: String) throws(ReplayError) -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw ReplayError.malformedChakra(file: path, position: 0, problem: "cannot open the file") }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n > 0 { out.append(contentsOf: buf[0..<n]) }
            if n < buf.count {
                if ferror(f) != 0 { throw ReplayError.malformedChakra(file: path, position: out.count, problem: "read error (a directory?)") }
                break
            }
        }
        return out
    }
}
