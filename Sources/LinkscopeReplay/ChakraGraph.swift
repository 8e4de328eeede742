import LinkscopeCostModel

/// `NodeType` of `et_def.proto` (docs/trace-analysis.md §4.1).
public enum ChakraNodeType: Int, Sendable, CaseIterable {
    case invalid = 0, metadata = 1, memLoad = 2, memStore = 3, comp = 4, commSend = 5, commRecv = 6, commColl = 7

    /// The enum value name of the `.proto` (what `MessageToJson` writes).
    public var protoName: String {
        switch self {
        case .invalid: return "INVALID_NODE"
        case .metadata: return "METADATA_NODE"
        case .memLoad: return "MEM_LOAD_NODE"
        case .memStore: return "MEM_STORE_NODE"
        case .comp: return "COMP_NODE"
        case .commSend: return "COMM_SEND_NODE"
        case .commRecv: return "COMM_RECV_NODE"
        case .commColl: return "COMM_COLL_NODE"
        }
    }

    /// From "COMP_NODE" or "COMP" (any case).
    public init?(name: String) {
        let n = name.uppercased()
        guard let t = Self.allCases.first(where: { $0.protoName == n || $0.protoName == n + "_NODE" }) else { return nil }
        self = t
    }

    /// COMM_SEND, COMM_RECV or COMM_COLL.
    public var isCommunication: Bool { self == .commSend || self == .commRecv || self == .commColl }
}

/// `CollectiveCommType` of `et_def.proto`.
public enum ChakraCollectiveType: Int, Sendable, CaseIterable {
    case allReduce = 0, reduce = 1, allGather = 2, gather = 3, scatter = 4, broadcast = 5, allToAll = 6,
         reduceScatter = 7, reduceScatterBlock = 8, barrier = 9

    /// The enum value name of the `.proto`.
    public var protoName: String {
        switch self {
        case .allReduce: return "ALL_REDUCE"
        case .reduce: return "REDUCE"
        case .allGather: return "ALL_GATHER"
        case .gather: return "GATHER"
        case .scatter: return "SCATTER"
        case .broadcast: return "BROADCAST"
        case .allToAll: return "ALL_TO_ALL"
        case .reduceScatter: return "REDUCE_SCATTER"
        case .reduceScatterBlock: return "REDUCE_SCATTER_BLOCK"
        case .barrier: return "BARRIER"
        }
    }

    /// From "ALL_REDUCE" (any case).
    public init?(name: String) {
        let n = name.uppercased()
        guard let t = Self.allCases.first(where: { $0.protoName == n }) else { return nil }
        self = t
    }

    /// The simulated operation: BARRIER is a zero-byte all-reduce (synchronisation only).
    public var op: CollectiveOp {
        switch self {
        case .allReduce, .barrier: return .allreduce
        case .reduce: return .reduce
        case .allGather: return .allgather
        case .gather: return .gather
        case .scatter: return .scatter
        case .broadcast: return .broadcast
        case .allToAll: return .alltoall
        case .reduceScatter, .reduceScatterBlock: return .reducescatter
        }
    }

    /// The `CollectiveRequest.bytes` (nccl-tests conventions) for a Chakra `comm_size`, taken as the bytes of
    /// one rank's input buffer (what PyTorch's `record_param_comms` reports as in_msg_nelems × element size):
    /// all-gather and gather move `n` such buffers (total gathered size = comm_size · n); all-reduce, reduce,
    /// broadcast, reduce-scatter (input per rank), scatter (the root's input) and all-to-all (sent per rank)
    /// use comm_size as is; a barrier moves nothing.
    public func requestBytes(commSize: Int64, ranks n: Int) -> Int64 {
        switch self {
        case .barrier: return 0
        case .allGather, .gather:
            let (p, o) = commSize.multipliedReportingOverflow(by: Int64(max(1, n)))
            return o ? Int64.max : p
        default: return commSize
        }
    }
}

/// A typed `AttributeProto` value (signed kinds as `.int`, unsigned as `.uint`, float/double as `.double`).
public enum ChakraAttributeValue: Sendable, Equatable {
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case bytes([UInt8])
    case intList([Int64])
    case uintList([UInt64])
    case doubleList([Double])
    case boolList([Bool])
    case stringList([String])
    case bytesList([[UInt8]])

    /// An integer reading of a scalar (bools as 0/1, integral doubles, decimal strings).
    public var int64: Int64? {
        switch self {
        case .int(let v): return v
        case .uint(let v): return v <= UInt64(Int64.max) ? Int64(v) : nil
        case .double(let d): return d.isFinite && d == d.rounded() && abs(d) < 9.2e18 ? Int64(d) : nil
        case .bool(let b): return b ? 1 : 0
        case .string(let s): return Int64(s)
        default: return nil
        }
    }
    /// A text reading of a scalar (strings, integers).
    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .int(let v): return String(v)
        case .uint(let v): return String(v)
        default: return nil
        }
    }
    /// A boolean reading (bools, integers as non-zero, "true"/"false").
    public var boolValue: Bool? {
        switch self {
        case .bool(let b): return b
        case .int(let v): return v != 0
        case .uint(let v): return v != 0
        case .string(let s): return s == "true" ? true : s == "false" ? false : nil
        default: return nil
        }
    }
}

/// `AttributeProto`: a named value of a node or of the metadata.
public struct ChakraAttribute: Sendable, Equatable {
    /// The attribute's name (`comm_type`, `pg_name`, …).
    public var name: String
    /// nil when the oneof is unset (or a kind this reader does not know).
    public var value: ChakraAttributeValue?
    /// An attribute `name` = `value`.
    public init(name: String, value: ChakraAttributeValue?) {
        self.name = name
        self.value = value
    }
}

/// `IOInfo { values, shapes, types }`, strings.
public struct ChakraIOInfo: Sendable, Equatable {
    /// Tensor values as written.
    public var values: String
    /// Tensor shapes as written.
    public var shapes: String
    /// Tensor types as written.
    public var types: String
    /// IO info from its three strings.
    public init(values: String = "", shapes: String = "", types: String = "") {
        self.values = values
        self.shapes = shapes
        self.types = types
    }
}

/// One node of a Chakra execution trace.
public struct ChakraNode: Sendable, Equatable {
    /// The node id (dependencies name it).
    public var id: UInt64
    /// The operator or kernel name.
    public var name: String
    /// COMP, COMM_COLL, …
    public var type: ChakraNodeType
    /// Ids of nodes that must finish first (control).
    public var ctrlDeps: [UInt64]
    /// Ids of nodes whose output this one reads.
    public var dataDeps: [UInt64]
    /// Measured start, µs (0 when absent).
    public var startMicros: UInt64
    /// Measured duration, µs.
    public var durationMicros: UInt64
    /// Input tensors, when given.
    public var inputs: ChakraIOInfo?
    /// Output tensors, when given.
    public var outputs: ChakraIOInfo?
    /// Every other attribute, in file order.
    public var attributes: [ChakraAttribute]
    /// Where the node starts in its file (byte offset), for messages.
    public var offset: Int

    /// A node; attributes and times default to none.
    public init(id: UInt64, name: String = "", type: ChakraNodeType, ctrlDeps: [UInt64] = [], dataDeps: [UInt64] = [],
                startMicros: UInt64 = 0, durationMicros: UInt64 = 0, inputs: ChakraIOInfo? = nil, outputs: ChakraIOInfo? = nil,
                attributes: [ChakraAttribute] = [], offset: Int = 0) {
        self.id = id
        self.name = name
        self.type = type
        self.ctrlDeps = ctrlDeps
        self.dataDeps = dataDeps
        self.startMicros = startMicros
        self.durationMicros = durationMicros
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.offset = offset
    }

    /// The first attribute named `name`.
    public func attribute(_ name: String) -> ChakraAttributeValue? { attributes.first { $0.name == name }?.value }

    /// `comm_type` as an enum; nil when absent or out of range (see `rawCommType`).
    public var commType: ChakraCollectiveType? { rawCommType.flatMap { ChakraCollectiveType(rawValue: Int($0)) } }
    /// `comm_type` as a number (names are mapped), also when out of range.
    public var rawCommType: Int64? {
        if case .string(let s)? = attribute("comm_type"), let t = ChakraCollectiveType(name: s) { return Int64(t.rawValue) }
        return attribute("comm_type")?.int64
    }
    /// `comm_size` in bytes.
    public var commSize: Int64? { attribute("comm_size")?.int64 }
    /// `pg_name`: the process group.
    public var pgName: String? { attribute("pg_name")?.stringValue }
    /// `comm_src`: the sending rank of a send/recv.
    public var commSrc: Int? { attribute("comm_src")?.int64.map { Int(clamping: $0) } }
    /// `comm_dst`: the receiving rank of a send/recv.
    public var commDst: Int? { attribute("comm_dst")?.int64.map { Int(clamping: $0) } }
    /// `comm_tag`: pairs a send with its recv.
    public var commTag: Int64? { attribute("comm_tag")?.int64 }
    /// `is_cpu_op` (false when absent).
    public var isCPUOp: Bool { attribute("is_cpu_op")?.boolValue ?? false }
}

/// Which encoding a graph was read from.
public enum ChakraFormat: String, Sendable {
    /// Binary `.et`: varint-framed `GlobalMetadata` then `Node` protobuf messages.
    case protobuf = "et"
    /// `chakra_jsonizer` output: metadata JSON then node JSONs, concatenated.
    case jsonizer = "jsonizer-json"
    /// The Chakra C++ feeder's `{"workload_graph": [...]}`.
    case feeder = "feeder-json"
}

/// One rank's Chakra execution trace.
public struct ChakraGraph: Sendable {
    /// The file read.
    public var file: String
    /// The rank: metadata `rank`, else the file name's last number, else 0.
    public var rank: Int
    /// The encoding read.
    public var format: ChakraFormat
    /// `GlobalMetadata.version` (schema version), "" when absent.
    public var version: String
    /// `GlobalMetadata` attributes.
    public var metadata: [ChakraAttribute]
    /// Nodes in file order.
    public var nodes: [ChakraNode]

    /// A graph of `nodes` for `rank`.
    public init(file: String, rank: Int, format: ChakraFormat, version: String = "", metadata: [ChakraAttribute] = [],
                nodes: [ChakraNode]) {
        self.file = file
        self.rank = rank
        self.format = format
        self.version = version
        self.metadata = metadata
        self.nodes = nodes
    }
}
