import LinkscopeJSON

/// The JSON forms of a Chakra trace (docs/trace-analysis.md §4.4):
/// - `chakra_jsonizer` output: `MessageToJson(GlobalMetadata)` followed by `MessageToJson(Node)` for every
///   node, concatenated (not one document). Field names in lowerCamelCase (`ctrlDeps`, `durationMicros`,
///   `int64Val`) or snake_case; 64-bit integers as strings or numbers; enums by name or number.
/// - The Chakra C++ feeder JSON: `{"workload_graph": [{"Id", "Name", "NodeType", "ctrl_deps"|"ctrlDeps",
///   "data_deps", "runtime" (µs), "is_cpu_op", "comm_type", "comm_size", "comm_src", "comm_dst", "comm_tag",
///   "pg_name"}], …}`.
/// PyTorch Execution Trace JSON (`{"schema", "nodes"}`) is recognised and rejected with advice.
public enum ChakraJSON {
    /// Splits concatenated JSON values: the byte range of each top-level value, in order. Only whitespace may
    /// separate them; strings and escapes are respected.
    /// - Throws: `ReplayError` at the first byte that is neither whitespace nor a value start, or at the start
    ///   of an unterminated value.
    public static func split(_ bytes: [UInt8], file: String) throws(ReplayError) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        let n = bytes.count
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        while i < n {
            if isSpace(bytes[i]) { i += 1; continue }
            let start = i
            guard bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "[") else {
                throw ReplayError.malformedChakra(file: file, position: i, problem: "expected '{' to start a JSON object")
            }
            var depth = 0
            var inString = false
            var escaped = false
            var closed = false
            while i < n {
                let b = bytes[i]
                i += 1
                if inString {
                    if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch b {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { closed = true }
                default: break
                }
                if closed { break }
            }
            guard closed else { throw ReplayError.malformedChakra(file: file, position: start, problem: "unterminated JSON object (truncated file?)") }
            out.append(start..<i)
        }
        return out
    }

    /// Parses one value of `bytes[range]`; errors carry file offsets.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>, file: String) throws(ReplayError) -> JSONValue {
        if let bad = firstInvalidUTF8(bytes, range) {
            throw ReplayError.malformedChakra(file: file, position: bad, problem: "invalid UTF-8")
        }
        do {
            return try JSONValue.parse(String(decoding: bytes[range], as: UTF8.self))
        } catch {
            throw ReplayError.malformedChakra(file: file, position: range.lowerBound + error.offset, problem: "bad JSON: \(error.message)")
        }
    }

    /// Offset of the first byte that does not start or continue a well-formed UTF-8 sequence.
    static func firstInvalidUTF8(_ b: [UInt8], _ range: Range<Int>) -> Int? {
        var i = range.lowerBound
        while i < range.upperBound {
            let c = b[i]
            let len: Int
            if c < 0x80 { i += 1; continue } else if c >= 0xC2 && c <= 0xDF { len = 2 } else if c >= 0xE0 && c <= 0xEF { len = 3 } else if c >= 0xF0 && c <= 0xF4 { len = 4 } else { return i }
            guard i + len <= range.upperBound else { return i }
            for k in 1..<len where b[i + k] & 0xC0 != 0x80 { return i }
            if c == 0xE0 && b[i + 1] < 0xA0 { return i }
            if c == 0xED && b[i + 1] > 0x9F { return i }
            if c == 0xF0 && b[i + 1] < 0x90 { return i }
            if c == 0xF4 && b[i + 1] > 0x8F { return i }
            i += len
        }
        return nil
    }

    /// Reads a JSON Chakra file of either form.
    public static func decodeFile(_ bytes: [UInt8], file: String, rank: Int? = nil) throws(ReplayError) -> ChakraGraph {
        let values = try split(bytes, file: file)
        guard let first = values.first else { throw ReplayError.malformedChakra(file: file, position: 0, problem: "no JSON object in the file") }
        let head = try parse(bytes, first, file: file)
        if values.count == 1, let wg = head["workload_graph"] {
            return try feeder(head, graph: wg, file: file, offset: first.lowerBound, rank: rank)
        }
        if values.count == 1, head["nodes"] != nil, head["schema"] != nil {
            throw ReplayError.malformedChakra(file: file, position: first.lowerBound,
                              problem: "a PyTorch Execution Trace (schema/nodes) is not a Chakra trace: convert it with "
                                + "chakra_trace_link and chakra_converter, then give the .et files")
        }
        // jsonizer: the first object is GlobalMetadata unless it looks like a node.
        var version = ""
        var metadata: [ChakraAttribute] = []
        var nodes: [ChakraNode] = []
        for (k, range) in values.enumerated() {
            let v = k == 0 ? head : try parse(bytes, range, file: file)
            guard case .object(let fields) = v else {
                throw ReplayError.malformedChakra(file: file, position: range.lowerBound, problem: "expected a JSON object")
            }
            let isNode = fields.contains { ["id", "type", "name"].contains($0.0) }
            if k == 0 && !isNode {
                if let s = field(v, "version") { version = s.stringLike ?? "" }
                metadata = try attributes(v, file: file, offset: range.lowerBound)
                continue
            }
            nodes.append(try jsonizerNode(v, file: file, offset: range.lowerBound))
        }
        let r = rank ?? ChakraProtobuf.metadataRank(metadata) ?? ChakraReader.rank(fromFileName: file) ?? 0
        return ChakraGraph(file: file, rank: r, format: .jsonizer, version: version, metadata: metadata, nodes: nodes)
    }

    /// A field by its camelCase or snake_case name (compared without underscores, case-insensitively).
    static func field(_ v: JSONValue, _ name: String) -> JSONValue? {
        guard case .object(let fields) = v else { return nil }
        let key = normalized(name)
        return fields.first { normalized($0.0) == key }?.1
    }

    static func normalized(_ s: String) -> String { String(s.lowercased().filter { $0 != "_" }) }

    static func uint(_ v: JSONValue?, _ what: String, file: String, offset: Int) throws(ReplayError) -> UInt64? {
        guard let v else { return nil }
        switch v {
        case .int(let i) where i >= 0: return UInt64(i)
        case .double(let d) where d >= 0 && d < 1.8e19 && d == d.rounded(): return UInt64(d)
        case .string(let s): if let u = UInt64(s) { return u }
        case .null: return nil
        default: break
        }
        throw ReplayError.malformedChakra(file: file, position: offset, problem: "\(what): expected a non-negative integer")
    }

    static func uints(_ v: JSONValue?, _ what: String, file: String, offset: Int) throws(ReplayError) -> [UInt64] {
        guard let v else { return [] }
        guard case .array(let items) = v else {
            throw ReplayError.malformedChakra(file: file, position: offset, problem: "\(what): expected an array of node ids")
        }
        var out: [UInt64] = []
        for item in items {
            guard let u = try uint(item, what, file: file, offset: offset) else { continue }
            out.append(u)
        }
        return out
    }

    static func nodeType(_ v: JSONValue?, file: String, offset: Int) throws(ReplayError) -> ChakraNodeType {
        guard let v else { return .invalid }
        if case .string(let s) = v {
            if let t = ChakraNodeType(name: s) { return t }
            if let i = Int(s), let t = ChakraNodeType(rawValue: i) { return t }
        } else if let i = v.intLike, let t = ChakraNodeType(rawValue: Int(clamping: i)) {
            return t
        }
        throw ReplayError.malformedChakra(file: file, position: offset, problem: "unknown node type \(v.serialized(pretty: false))")
    }

    static func jsonizerNode(_ v: JSONValue, file: String, offset: Int) throws(ReplayError) -> ChakraNode {
        var n = ChakraNode(id: try uint(field(v, "id"), "id", file: file, offset: offset) ?? 0,
                           type: try nodeType(field(v, "type"), file: file, offset: offset), offset: offset)
        n.name = field(v, "name")?.stringLike ?? ""
        n.ctrlDeps = try uints(field(v, "ctrl_deps"), "ctrl_deps", file: file, offset: offset)
        n.dataDeps = try uints(field(v, "data_deps"), "data_deps", file: file, offset: offset)
        n.startMicros = try uint(field(v, "start_time_micros"), "start_time_micros", file: file, offset: offset) ?? 0
        n.durationMicros = try uint(field(v, "duration_micros"), "duration_micros", file: file, offset: offset) ?? 0
        for (key, isInput) in [("inputs", true), ("outputs", false)] {
            guard let io = field(v, key), case .object = io else { continue }
            let info = ChakraIOInfo(values: field(io, "values")?.stringLike ?? "", shapes: field(io, "shapes")?.stringLike ?? "",
                                    types: field(io, "types")?.stringLike ?? "")
            if isInput { n.inputs = info } else { n.outputs = info }
        }
        n.attributes = try attributes(v, file: file, offset: offset)
        return n
    }

    /// `attr: [{"name", "<kind>Val": v | "<kind>List": {"values": [...]}}]`.
    static func attributes(_ v: JSONValue, file: String, offset: Int) throws(ReplayError) -> [ChakraAttribute] {
        guard let list = field(v, "attr") ?? field(v, "attrs") else { return [] }
        guard case .array(let items) = list else {
            throw ReplayError.malformedChakra(file: file, position: offset, problem: "attr: expected an array")
        }
        var out: [ChakraAttribute] = []
        for item in items {
            guard case .object(let fields) = item else {
                throw ReplayError.malformedChakra(file: file, position: offset, problem: "attr: expected objects")
            }
            var a = ChakraAttribute(name: field(item, "name")?.stringLike ?? "", value: nil)
            for (k, value) in fields {
                let key = normalized(k)
                guard key != "name" && key != "docstring" else { continue }
                if let parsed = attributeValue(kind: key, value) { a.value = parsed }
            }
            out.append(a)
        }
        return out
    }

    static func attributeValue(kind: String, _ v: JSONValue) -> ChakraAttributeValue? {
        if kind.hasSuffix("list") {
            let values: [JSONValue]
            if case .array(let a)? = field(v, "values") { values = a } else if case .array(let a) = v { values = a } else { values = [] }
            switch kind {
            case "doublelist", "floatlist": return .doubleList(values.compactMap(\.doubleLike))
            case "int32list", "int64list", "sint32list", "sint64list", "sfixed32list", "sfixed64list":
                return .intList(values.compactMap(\.intLike))
            case "uint32list", "uint64list", "fixed32list", "fixed64list":
                return .uintList(values.compactMap { $0.intLike.flatMap { $0 >= 0 ? UInt64($0) : nil } ?? $0.stringLike.flatMap { UInt64($0) } })
            case "boollist": return .boolList(values.compactMap { if case .bool(let b) = $0 { return b } else { return nil } })
            case "stringlist": return .stringList(values.compactMap(\.stringLike))
            case "byteslist": return .bytesList(values.compactMap(\.stringLike).map { Array($0.utf8) })
            default: return nil
            }
        }
        switch kind {
        case "doubleval", "floatval": return v.doubleLike.map { .double($0) }
        case "int32val", "int64val", "sint32val", "sint64val", "sfixed32val", "sfixed64val": return v.intLike.map { .int($0) }
        case "uint32val", "uint64val", "fixed32val", "fixed64val":
            if case .string(let s) = v, let u = UInt64(s) { return .uint(u) }
            return v.intLike.map { $0 >= 0 ? .uint(UInt64($0)) : .int($0) }
        case "boolval":
            if case .bool(let b) = v { return .bool(b) }
            return nil
        case "stringval": return v.stringLike.map { .string($0) }
        case "bytesval": return v.stringLike.map { .bytes(Array($0.utf8)) }  // base64 text kept as is
        case "value":  // PyTorch ET style {"name", "type", "value"}
            switch v {
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .double(let d): return .double(d)
            case .string(let s): return .string(s)
            default: return nil
            }
        default: return nil
        }
    }

    // MARK: Feeder JSON

    static func feeder(_ doc: JSONValue, graph: JSONValue, file: String, offset: Int, rank: Int?) throws(ReplayError) -> ChakraGraph {
        guard case .array(let items) = graph else {
            throw ReplayError.malformedChakra(file: file, position: offset, problem: "workload_graph: expected an array of nodes")
        }
        var nodes: [ChakraNode] = []
        for item in items {
            guard case .object = item else {
                throw ReplayError.malformedChakra(file: file, position: offset, problem: "workload_graph[\(nodes.count)]: expected an object")
            }
            let what = "workload_graph[\(nodes.count)]"
            var n = ChakraNode(id: try uint(field(item, "Id"), what + ".Id", file: file, offset: offset) ?? 0,
                               type: try nodeType(field(item, "NodeType") ?? field(item, "type"), file: file, offset: offset),
                               offset: offset)
            n.name = field(item, "Name")?.stringLike ?? ""
            n.ctrlDeps = try uints(field(item, "ctrl_deps"), what + ".ctrl_deps", file: file, offset: offset)
            n.dataDeps = try uints(field(item, "data_deps"), what + ".data_deps", file: file, offset: offset)
            n.durationMicros = try uint(field(item, "runtime") ?? field(item, "duration_micros"), what + ".runtime",
                                        file: file, offset: offset) ?? 0
            n.startMicros = try uint(field(item, "start_time_micros"), what + ".start_time_micros", file: file, offset: offset) ?? 0
            for key in ["is_cpu_op", "comm_type", "comm_size", "comm_src", "comm_dst", "comm_tag", "comm_priority", "pg_name",
                        "tensor_size"] {
                guard let v = field(item, key) else { continue }
                let value: ChakraAttributeValue?
                switch v {
                case .bool(let b): value = .bool(b)
                case .int(let i): value = .int(i)
                case .double(let d): value = .double(d)
                case .string(let s): value = .string(s)
                default: value = nil
                }
                n.attributes.append(ChakraAttribute(name: key, value: value))
            }
            nodes.append(n)
        }
        var meta: [ChakraAttribute] = []
        for key in ["workload_name", "ngpus", "soc", "rank"] {
            guard let v = field(doc, key) else { continue }
            if let i = v.intLike { meta.append(ChakraAttribute(name: key, value: .int(i))) } else if let s = v.stringLike {
                meta.append(ChakraAttribute(name: key, value: .string(s)))
            }
        }
        let r = rank ?? ChakraProtobuf.metadataRank(meta) ?? ChakraReader.rank(fromFileName: file) ?? 0
        return ChakraGraph(file: file, rank: r, format: .feeder, version: "", metadata: meta, nodes: nodes)
    }
}

extension JSONValue {
    var stringLike: String? {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        default: return nil
        }
    }
    var intLike: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return d.isFinite && d == d.rounded() && abs(d) < 9.2e18 ? Int64(d) : nil
        case .string(let s): return Int64(s)
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
    var doubleLike: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s)
        default: return nil
        }
    }
}
