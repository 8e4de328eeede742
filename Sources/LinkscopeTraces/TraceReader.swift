import LinkscopeJSON

/// Reads Chrome-trace / PyTorch profiler (Kineto) JSON, plain or gzip-compressed, one event at a time.
///
/// ```swift
/// let trace = try TraceReader.read(path: "rank-3.json.gz")
/// print(trace.rank, trace.events.count)
/// ```
/// Malformed, truncated or non-trace input throws a `TraceError` naming the file and byte offset.
public enum TraceReader {
    /// Reads one file (`.json`, `.json.gz`, `.pt.trace.json(.gz)`; gzip is detected by its magic bytes).
    /// Without `keepingArgs` only metadata and counter events keep their full `args` (`RankTrace.args`); the
    /// typed fields every event needs (stream, correlation, External id, bytes) are read either way, so
    /// `TraceAnalysis` gives the same numbers, faster.
    public static func read(path: String, keepingArgs: Bool = true) throws -> RankTrace {
        let source = try openTraceSource(path: path)
        do {
            return try read(source: source, file: path, keepingArgs: keepingArgs,
                            expectedBytes: expectedDecompressedSize(path: path))
        } catch var e as TraceError where e.kind != .gzip && e.kind != .io {
            if let (line, column) = try? locate(offset: e.offset, in: openTraceSource(path: path)) {
                e.line = line
                e.column = column
            }
            throw e
        }
    }

    /// Reads a trace held in memory (plain or gzip), fed to the parser in `chunkSize` pieces.
    public static func read(bytes: [UInt8], file: String = "<memory>", chunkSize: Int = 1 << 20) throws -> RankTrace {
        let source = try wrapIfGzip(MemoryChunkSource(bytes, chunkSize: chunkSize), file: file)
        do {
            return try read(source: source, file: file)
        } catch var e as TraceError where e.kind != .gzip && e.kind != .io {
            if let (line, column) = try? locate(offset: e.offset, in: wrapIfGzip(MemoryChunkSource(bytes), file: file)) {
                e.line = line
                e.column = column
            }
            throw e
        }
    }

    /// Reads a trace from a string (tests, small hand-made traces).
    public static func read(json: String, file: String = "<memory>", chunkSize: Int = 1 << 20) throws -> RankTrace {
        try read(bytes: Array(json.utf8), file: file, chunkSize: chunkSize)
    }

    /// 1-based line and column of a byte offset, by reading the (decompressed) input again.
    static func locate(offset: Int, in source: ChunkSource) throws -> (Int, Int) {
        var line = 1
        var lineStart = 0
        var base = 0
        while base <= offset, let chunk = try source.nextChunk() {
            let limit = min(chunk.count, offset - base)
            var i = 0
            while i < limit {
                if chunk[i] == 0x0A {
                    line += 1
                    lineStart = base + i + 1
                }
                i += 1
            }
            base += chunk.count
        }
        return (line, offset - lineStart + 1)
    }

    /// Decompresses (when gzip) and counts the bytes of a file without parsing: the I/O + zlib floor.
    public static func decompressedByteCount(path: String) throws -> Int {
        let source = try openTraceSource(path: path)
        var total = 0
        while let chunk = try source.nextChunk() { total += chunk.count }
        return total
    }

    /// The first `limit` bytes of a file, inflated when it is gzip (the header of a trace, for peeking at
    /// fields the reader does not keep, such as `deviceProperties`). nil when the file cannot be read.
    public static func decompressedPrefix(path: String, limit: Int) -> [UInt8]? {
        guard let source = try? openTraceSource(path: path, prefetch: false) else { return nil }
        var out: [UInt8] = []
        while out.count < limit, let chunk = try? source.nextChunk() {
            out.append(contentsOf: chunk.prefix(limit - out.count))
        }
        return out.isEmpty ? nil : out
    }

    static func read(source: ChunkSource, file: String, keepingArgs: Bool = true, expectedBytes: Int = 0) throws -> RankTrace {
        var parser = JSONEventParser(source: source, file: file)
        parser.metadataArgsOnly = !keepingArgs
        var builder = TraceBuilder(file: file)
        // Kineto writes 250-400 bytes per event; a guess too large only reserves untouched address space.
        builder.trace.events.reserveCapacity(min(expectedBytes / 256, 1 << 26))
        let header = try parser.parse(keepArgs: TraceBuilder.keepsArgs) { raw, strings in
            builder.add(&raw, strings: strings)
        }
        guard header.sawTraceEvents else {
            throw TraceError(kind: .notATrace, file: file, offset: parser.offset,
                             message: "no traceEvents array in the top-level object")
        }
        return builder.finish(header: header, strings: parser.table.strings)
    }

    /// The rank in a file name (`rank-3`, `rank_3`), if any.
    public static func rankFromFileName(_ path: String) -> Int? {
        let name = Array((path.split(separator: "/").last.map(String.init) ?? path).utf8)
        let word = Array("rank".utf8)
        var best: Int?
        var i = 0
        while i + word.count < name.count {
            if Array(name[i..<(i + word.count)]) == word {
                let sep = name[i + word.count]
                var j = i + word.count + 1
                var value = 0
                var digits = 0
                while (sep == UInt8(ascii: "-") || sep == UInt8(ascii: "_")), j < name.count,
                      name[j] >= 0x30, name[j] <= 0x39, digits < 9 {
                    value = value * 10 + Int(name[j] - 0x30)
                    digits += 1
                    j += 1
                }
                if digits > 0 { best = value }
            }
            i += 1
        }
        return best
    }
}

/// Turns parsed events into a `RankTrace`.
struct TraceBuilder {
    var trace: RankTrace
    /// The parser's interned strings as of the current event.
    private var strings: [String] = []
    private var openSlices: [RankTrace.ThreadKey: [RawEvent]] = [:]
    private var flowStarts: Set<TraceID> = []

    init(file: String) { trace = RankTrace(file: file) }

    func string(_ id: Int32) -> String? { id >= 0 && Int(id) < strings.count ? strings[Int(id)] : nil }

    /// Host-side categories whose args are large and unused: only the typed fields are kept.
    static func keepsArgs(_ cat: String?) -> Bool {
        guard let cat else { return true }
        switch cat {
        case "cpu_op", "python_function", "cuda_runtime", "cuda_driver", "overhead", "cpu_instant_event",
             "fwdbwd", "ac2g", "async_cpu_to_gpu", "Trace":
            return false
        default:
            return true
        }
    }

    mutating func id(_ t: TraceID) -> Int64 {
        switch t {
        case .int(let v): return v
        case .string(let s):
            if let v = trace.stringIDs[s] { return v }
            let v = 1_000_000_000 + Int64(trace.stringIDs.count)
            trace.stringIDs[s] = v
            return v
        }
    }

    static func kind(cat: String?, raw: RawEvent) -> TraceEventKind {
        guard let cat else { return .cpu }
        switch cat {
        case "kernel", "Kernel":
            return raw.hasStream && raw.hasCorrelation ? .kernel : .gpuOther
        case "gpu_memcpy", "Memcpy":
            return raw.hasStream && raw.hasCorrelation ? .memcpy : .gpuOther
        case "gpu_memset", "Memset":
            return raw.hasStream && raw.hasCorrelation ? .memset : .gpuOther
        case "gpu_user_annotation", "cuda_sync", "cuda_event", "mtia_ccp_events":
            return .gpuOther
        case "cuda_runtime", "cuda_driver", "Runtime", "mtia_runtime":
            return .runtime
        case "user_annotation":
            return .annotation
        default:
            return .cpu
        }
    }

    mutating func add(_ raw: inout RawEvent, strings: [String]) {
        self.strings = strings
        if let ts = raw.ts, !ts.isInteger { trace.hasFractionalTimestamps = true }
        switch raw.ph {
        case UInt8(ascii: "X"):
            guard let ts = raw.ts, let dur = raw.dur else { return }
            append(raw, ts: ts, dur: dur, fromBeginEnd: false)
        case UInt8(ascii: "B"):
            let key = RankTrace.ThreadKey(pid: id(raw.pid), tid: id(raw.tid))
            openSlices[key, default: []].append(raw)
        case UInt8(ascii: "E"):
            let key = RankTrace.ThreadKey(pid: id(raw.pid), tid: id(raw.tid))
            guard var begin = openSlices[key]?.popLast(), let bts = begin.ts, let ets = raw.ts else { return }
            if !raw.args.isEmpty { begin.args.append(contentsOf: raw.args) }
            let dur = JSONNumber(isInteger: bts.isInteger && ets.isInteger, int: ets.int - bts.int,
                                 double: ets.double - bts.double, milli: ets.milli &- bts.milli)
            append(begin, ts: bts, dur: dur, fromBeginEnd: true)
        case UInt8(ascii: "M"):
            metadata(raw)
        case UInt8(ascii: "C"):
            guard let ts = raw.ts else { return }
            var values: [(String, Double)] = []
            for (k, v) in raw.args {
                switch v {
                case .int(let i): values.append((k, Double(i)))
                case .double(let d): values.append((k, d))
                default: break
                }
            }
            trace.counters.append(TraceCounterSample(pid: id(raw.pid), name: string(raw.name) ?? "", ts: ts.milli, values: values))
        case UInt8(ascii: "s"):
            if let i = raw.id { flowStarts.insert(i) }
        case UInt8(ascii: "f"):
            // Orphan flow ends (Kineto writes them for runtime calls that launch nothing) are dropped.
            if let i = raw.id, !flowStarts.contains(i) { trace.orphanFlows += 1 }
        default:
            break
        }
    }

    private mutating func append(_ raw: RawEvent, ts: JSONNumber, dur: JSONNumber, fromBeginEnd: Bool) {
        var argsIndex: Int32 = -1
        if !raw.args.isEmpty {
            argsIndex = Int32(trace.args.count)
            trace.args.append(raw.args)
        }
        let e = TraceEvent(
            kind: kind(raw),
            name: raw.name >= 0 ? raw.name : emptyName(),
            category: raw.cat,
            ts: ts.milli, dur: dur.milli, tsMicros: ts.double, durMicros: dur.double,
            pid: id(raw.pid), tid: id(raw.tid),
            stream: raw.stream, correlation: raw.correlation, externalID: raw.externalID, bytes: raw.bytes,
            args: argsIndex, fromBeginEnd: fromBeginEnd)
        trace.events.append(e)
    }

    private mutating func metadata(_ raw: RawEvent) {
        let pid = id(raw.pid)
        let key = RankTrace.ThreadKey(pid: pid, tid: id(raw.tid))
        func arg(_ k: String) -> JSONValue? { raw.args.first { $0.0 == k }?.1 }
        func intArg(_ k: String) -> Int? {
            switch arg(k) {
            case .int(let v)?: return Int(truncatingIfNeeded: v)
            case .double(let d)? where d.isFinite && abs(d) < 9e18: return Int(d)
            default: return nil
            }
        }
        switch string(raw.name) ?? "" {
        case "process_name":
            if case .string(let s)? = arg("name") { trace.processNames[pid] = s }
        case "process_sort_index":
            if let v = intArg("sort_index") { trace.processSortIndex[pid] = v }
        case "thread_name":
            if case .string(let s)? = arg("name") {
                if trace.threadNames[key] == nil { trace.threadOrder.append(key) }
                trace.threadNames[key] = s
            }
            if let g = intArg("gpu") { trace.threadGPU[key] = g }
        case "thread_sort_index":
            if let v = intArg("sort_index") { trace.threadSortIndex[key] = v }
        default:
            break
        }
    }

    /// Kind of each category id, computed once (the stream/correlation test is per event).
    private var kindCache: [Int16] = []

    mutating func kind(_ raw: RawEvent) -> TraceEventKind {
        guard raw.cat >= 0 else { return .cpu }
        let i = Int(raw.cat)
        if kindCache.count <= i { kindCache.append(contentsOf: repeatElement(-1, count: i + 1 - kindCache.count)) }
        var k: TraceEventKind
        if kindCache[i] >= 0, let cached = TraceEventKind(rawValue: UInt8(kindCache[i])) {
            k = cached
        } else {
            var probe = raw
            probe.hasStream = true
            probe.hasCorrelation = true
            k = Self.kind(cat: string(raw.cat), raw: probe)
            kindCache[i] = Int16(k.rawValue)
        }
        if k.isGPUActivity && !(raw.hasStream && raw.hasCorrelation) { k = .gpuOther }
        return k
    }

    /// Index of "" for events without a name (appended to the strings at the end).
    private var emptyNameID: Int32 = -1
    private mutating func emptyName() -> Int32 {
        if emptyNameID < 0 { emptyNameID = Int32.max }
        return emptyNameID
    }

    mutating func finish(header: TraceHeader, strings: [String]) -> RankTrace {
        trace.strings = strings
        if emptyNameID >= 0 {
            let id = Int32(strings.count)
            trace.strings.append("")
            for i in trace.events.indices where trace.events[i].name == Int32.max { trace.events[i].name = id }
        }
        trace.baseTimeNanoseconds = header.baseTimeNanoseconds
        trace.displayTimeUnit = header.displayTimeUnit
        trace.otherData = header.otherData
        if let info = header.distributedInfo {
            if let r = Self.int(info["rank"]) {
                trace.rank = r
                trace.rankSource = .distributedInfo
            }
            trace.worldSize = Self.int(info["world_size"])
        }
        if trace.rankSource == .fallback {
            if trace.isLinkscopeOutput, let r = Self.int(header.otherData?["rank"]) {
                trace.rank = r
                trace.rankSource = .linkscope
            } else if let r = TraceReader.rankFromFileName(trace.file) {
                trace.rank = r
                trace.rankSource = .fileName
            }
        }
        return trace
    }

    static func int(_ v: JSONValue?) -> Int? {
        switch v {
        case .int(let i)?: return Int(truncatingIfNeeded: i)
        case .double(let d)? where d.isFinite && abs(d) < 9e18: return Int(d)
        case .string(let s)?: return Int(s)
        default: return nil
        }
    }
}
