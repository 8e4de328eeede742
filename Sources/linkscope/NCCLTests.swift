import ArgumentParser
import Foundation
import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeFabric
import LinkscopePlanning
import LinkscopeSchedule
import LinkscopeTopology
import LinkscopeUnits

/// `linkscope nccl-tests OP`: the table NVIDIA's nccl-tests `OP_perf` prints, predicted by the NCCL-like model.
struct NCCLTests: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nccl-tests",
        abstract: "Predict an nccl-tests run (all_reduce_perf & co.) with the NCCL-like model; compare with a real one.",
        discussion: """
            Prints the table nccl-tests prints (size, count, type, redop, root, time, algbw, busbw; out-of-place \
            and in-place, which the model does not tell apart), then the algorithm/protocol NCCL's tuner picks per \
            size. --compare reads a real nccl-tests output and prints the error per size. --format json or csv gives \
            one row per size with numbers as numbers (schema: docs/output-formats.md). Example:
              linkscope nccl-tests all_reduce -b 8 -e 8G -f 2 --preset dgx-a100
            """)

    @Argument(help: "all_reduce, all_gather, reduce_scatter, broadcast, reduce, alltoall or sendrecv (a _perf suffix is fine).")
    var operation: String

    @Option(name: [.customShort("b"), .customLong("minbytes")], help: "Smallest size (nccl-tests units: 8, 1K, 128M, 8G = powers of 1024).")
    var minBytes: String = "32M"

    @Option(name: [.customShort("e"), .customLong("maxbytes")], help: "Largest size.")
    var maxBytes: String = "32M"

    @Option(name: [.customShort("f"), .customLong("stepfactor")], help: "Size multiplication factor.")
    var factor: Int = 2

    @Option(name: [.customShort("d"), .customLong("datatype")], help: "Element type: float, half, bfloat16, int8, double.")
    var datatype: String = "float"

    @Option(help: "Topology preset.")
    var preset: String = "dgx-a100"

    @Option(help: "Nodes of the preset (GPUs = all of them).")
    var nodes: Int = 1

    @Option(help: "auto (NCCL's tuner, default), ring, tree or nvls (like NCCL_ALGO).")
    var algorithm: String = "auto"

    @Option(name: .customLong("protocol"), help: "auto (default), ll, ll128 or simple (like NCCL_PROTO).")
    var proto: String = "auto"

    @Option(help: "Channels (like NCCL_MIN_NCHANNELS = NCCL_MAX_NCHANNELS); default NCCL's graph search.")
    var channels: Int?

    @Option(help: "analytical (default: the model, O(1) per size) or flows (every channel chunk on the fabric).")
    var collectives: String = "analytical"

    @Option(help: "A real nccl-tests output to compare with (error per size).")
    var compare: String?

    @Option(help: "Output format: text (nccl-tests' table), json or csv (one row per size).")
    var format: OutputFormat = .text

    func run() throws {
        let op = try Self.operation(operation)
        let sizes = try sizeList()
        let (typeName, typeSize) = try Self.datatype(datatype)
        guard nodes >= 1 else { throw CLIError(.option("--nodes"), .mustBeAtLeast(1)) }
        let topology: Topology
        do { topology = try Topology.preset(preset, nodes: nodes) } catch {
            throw CLIError(.option("--preset"), .underlying(error))
        }
        let alg: NCCLAlgorithm? = algorithm == "auto" ? nil : NCCLAlgorithm(rawValue: algorithm.lowercased())
        guard algorithm == "auto" || alg != nil else { throw CLIError(.option("--algorithm"), .useOneOf(["auto", "ring", "tree", "nvls"])) }
        let pr: NCCLProtocol? = proto == "auto" ? nil : NCCLProtocol(rawValue: proto.lowercased())
        guard proto == "auto" || pr != nil else { throw CLIError(.option("--protocol"), .useOneOf(["auto", "ll", "ll128", "simple"])) }
        guard collectives == "analytical" || collectives == "flows" else {
            throw CLIError(.option("--collectives"), .useOneOf(["analytical", "flows"]))
        }
        if let c = channels, !(1...64).contains(c) { throw CLIError(.option("--channels"), .mustBeWithin(lower: 1, upper: 64)) }
        let measured = try compare.map { try Self.readMeasurements($0) }

        let planner = NCCLPlanner(topology: topology)
        let gpus = Array(0..<topology.gpuCount)
        let n = gpus.count
        var rows: [NCCLTestsRow] = []
        for size in sizes {
            guard let plan = planner.plan(op: op, bytes: size, gpus: gpus, algorithm: alg, proto: pr, channels: channels)
            else { throw CLIError(.option("--algorithm"), .stated("NCCL offers no \(algorithm)/\(proto) \(op.rawValue) on \(preset)")) }
            var seconds = plan.modelTime
            if collectives == "flows" && size > 0 { seconds = try flows(plan, op: op, size: size, gpus: gpus, planner: planner) }
            let algbw = seconds > 0 ? Double(size) / seconds / 1e9 : 0
            rows.append(NCCLTestsRow(size: size, time: seconds * 1e6, algbw: algbw,
                                     busbw: algbw * op.busBandwidthFactor(ranks: n),
                                     algorithm: plan.cost.algorithm.rawValue, proto: plan.cost.proto.rawValue,
                                     channels: plan.lowering.channels))
        }

        let perRank = op == .allgather || op == .reducescatter || op == .alltoall
        let redop = op == .allreduce || op == .reduce || op == .reducescatter ? "sum" : "none"
        let root = op == .broadcast || op == .reduce ? 0 : -1
        if format != .text {
            let output = NCCLTestsOutput(operation: String(Self.perfName(op).dropLast(5)), preset: preset, nodes: nodes, gpus: n,
                                          collectives: collectives, type: typeName, typeSize: typeSize,
                                          perRank: perRank, redop: redop, root: root, compare: compare)
            print(format == .json ? output.json(rows, measured: measured).serialized()
                                  : output.csv(rows, measured: measured), terminator: "")
            return
        }
        var out = "# linkscope \(Linkscope.configuration.version.split(separator: " ").last ?? "") prediction of \(Self.perfName(op)) "
            + "on \(preset) (\(nodes) node\(nodes == 1 ? "" : "s"), \(n) GPUs): NCCL-like model, \(collectives); "
            + planner.basis.description + "\n"
        out += "# nThread 1 nGpus \(n) minBytes \(sizes.first ?? 0) maxBytes \(sizes.last ?? 0) step: \(factor)(factor) "
            + "warmup iters: 0 iters: 1 agg iters: 1 validation: 0 graph: 0\n#\n"
        out += "#                                                              out-of-place                       in-place          \n"
        out += "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong\n"
        out += "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       \n"
        for r in rows {
            let count = r.size / Int64(typeSize) / Int64(perRank ? n : 1)
            let half = "  \(Self.time(r.time))  \(Self.f(r.algbw, 6))  \(Self.f(r.busbw, 6))  \(Self.pad("N/A", 5))"
            out += Self.pad(String(r.size), 12) + "  " + Self.pad(String(count), 12) + "  " + Self.pad(typeName, 8) + "  "
                + Self.pad(redop, 6) + "  " + Self.pad(String(root), 6) + half + " " + half + "\n"
        }
        let avg = rows.isEmpty ? 0 : rows.reduce(0) { $0 + $1.busbw } / Double(rows.count)
        out += "# Out of bounds values : 0 OK\n# Avg bus bandwidth    : \(Self.f(avg, 0, digits: 4)) \n#\n"
        out += "# NCCL's pick per size (tuner model, NCCL v2.30.7):\n"
        for r in rows { out += "#   \(Self.pad(String(r.size), 12))  \(r.algorithm)/\(r.proto) \(r.channels)ch\n" }
        if let measured {
            out += "\nComparison with \(compare ?? "") (error = predicted / measured − 1)\n"
            out += "        size   measured us  predicted us    error   meas busbw  pred busbw\n"
            var errors: [Double] = []
            for r in rows {
                guard let m = measured[r.size] else { continue }
                let err = r.time / m.time - 1
                errors.append(abs(err))
                out += Self.pad(String(r.size), 12) + "  " + Self.pad(Self.f(m.time, 0), 12) + "  "
                    + Self.pad(Self.f(r.time, 0), 12) + "  " + Self.pad(String(format: "%+.1f%%", err * 100), 7) + "  "
                    + Self.pad(Self.f(m.busbw, 0), 11) + "  " + Self.pad(Self.f(r.busbw, 0), 10) + "\n"
            }
            if errors.isEmpty {
                out += "  (no size in common with the measurement)\n"
            } else {
                let mean = errors.reduce(0, +) / Double(errors.count)
                out += "mean |error| \(String(format: "%.1f", mean * 100)) % over \(errors.count) sizes; "
                    + "max \(String(format: "%.1f", (errors.max() ?? 0) * 100)) %\n"
            }
        }
        print(out, terminator: "")
    }

    /// The plan's lowering run alone on the fabric; the collective's end, seconds.
    func flows(_ plan: NCCLPlan, op: CollectiveOp, size: Int64, gpus: [Int], planner: NCCLPlanner) throws -> Double {
        var request = CollectiveRequest(op: op, algorithm: .ring, bytes: size,
                                        participants: gpus.compactMap { planner.topology.device(ofGPU: $0) },
                                        chunkBytes: plan.chunkBytes)
        request.nccl = plan.lowering
        var schedule = Schedule()
        do {
            _ = try CollectiveCompiler.compile(request, into: &schedule)
        } catch {
            throw CLIError(.none, .stated("cannot lower \(op.rawValue): \(error)"))
        }
        let result: ExecutionResult
        do { result = try FabricSimulator(topology: planner.topology).run(schedule) } catch {
            throw CLIError(.none, .stated("\(error)"))
        }
        var end = 0.0
        for i in schedule.tasks.indices where schedule.tasks[i].tag.collective >= 0 { end = max(end, result.taskEnd[i]) }
        return end
    }

    // MARK: nccl-tests conventions

    static func operation(_ s: String) throws -> CollectiveOp {
        let name = s.hasSuffix("_perf") ? String(s.dropLast(5)) : s
        switch name {
        case "all_reduce": return .allreduce
        case "all_gather": return .allgather
        case "reduce_scatter": return .reducescatter
        case "broadcast": return .broadcast
        case "reduce": return .reduce
        case "alltoall": return .alltoall
        case "sendrecv": return .sendrecv
        default:
            throw CLIError(.argument("OPERATION"), .unknown(kind: "operation", value: s, known: [
                "all_reduce", "all_gather", "reduce_scatter", "broadcast", "reduce", "alltoall", "sendrecv",
            ]))
        }
    }

    static func perfName(_ op: CollectiveOp) -> String {
        switch op {
        case .allreduce: return "all_reduce_perf"
        case .allgather: return "all_gather_perf"
        case .reducescatter: return "reduce_scatter_perf"
        case .broadcast: return "broadcast_perf"
        case .reduce: return "reduce_perf"
        case .alltoall: return "alltoall_perf"
        default: return "sendrecv_perf"
        }
    }

    static func datatype(_ s: String) throws -> (String, Int) {
        switch s {
        case "float", "float32": return ("float", 4)
        case "half", "float16": return ("half", 2)
        case "bfloat16": return ("bfloat16", 2)
        case "int8": return ("int8", 1)
        case "double": return ("double", 8)
        default:
            throw CLIError(.option("--datatype"),
                           .unknown(kind: "type", value: s, known: ["float", "half", "bfloat16", "int8", "double"]))
        }
    }

    /// nccl-tests size syntax: a number with an optional K, M or G (powers of 1024).
    static func parseSize(_ s: String, flag: String) throws -> Int64 {
        var digits = s
        var scale: Int64 = 1
        if let last = s.last, "KkMmGg".contains(last) {
            digits = String(s.dropLast())
            scale = "Kk".contains(last) ? 1 << 10 : "Mm".contains(last) ? 1 << 20 : 1 << 30
        }
        guard let v = Int64(digits), v >= 0, v <= Int64.max / scale else {
            throw CLIError(.option(flag), .notA(expected: "size (e.g. 8, 1K, 128M, 8G)", value: s))
        }
        return v * scale
    }

    func sizeList() throws -> [Int64] {
        let lo = try Self.parseSize(minBytes, flag: "-b"), hi = try Self.parseSize(maxBytes, flag: "-e")
        guard factor >= 2 else { throw CLIError(.option("-f"), .stated("the factor must be at least 2")) }
        guard lo >= 1, hi >= lo else { throw CLIError(.option("-e"), .stated("maxbytes must be ≥ minbytes ≥ 1")) }
        var sizes: [Int64] = []
        var s = lo
        while s <= hi && sizes.count < 64 {
            sizes.append(s)
            let (next, overflow) = s.multipliedReportingOverflow(by: Int64(factor))
            if overflow { break }
            s = next
        }
        return sizes
    }

    /// Reads an nccl-tests output: rows start with the size, then count, type, redop and (when the header has
    /// it) root; the next three numbers are the out-of-place time (µs), algbw and busbw. Works for outputs with
    /// and without the root column and for `[0]`-prefixed MPI logs.
    static func readMeasurements(_ path: String) throws -> [Int64: (time: Double, busbw: Double)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIError(.file(path), .stated("cannot read the nccl-tests output"))
        }
        var out: [Int64: (time: Double, busbw: Double)] = [:]
        // Outputs from nccl-tests ≥ 2.13 have a root column; older ones do not (the header tells).
        var hasRoot = true
        for line in text.split(separator: "\n") {
            if line.contains("redop") && line.contains("time") { hasRoot = line.contains("root") }
            let cleaned = line.replacingOccurrences(of: "[0]", with: " ")
            let tokens = cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard tokens.count >= 6, let size = Int64(tokens[0]), Int64(tokens[1]) != nil else { continue }
            var i = 2
            while i < tokens.count, Double(tokens[i]) == nil { i += 1 }  // type, redop
            if hasRoot { i += 1 }
            guard i + 2 < tokens.count, let time = Double(tokens[i]), let busbw = Double(tokens[i + 2]),
                  out[size] == nil else { continue }
            out[size] = (time, busbw)
        }
        guard !out.isEmpty else { throw CLIError(.file(path), .stated("no nccl-tests result rows found")) }
        return out
    }

    static func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : String(repeating: " ", count: width - s.count) + s }

    static func f(_ v: Double, _ width: Int, digits: Int = 2) -> String { pad(String(format: "%.\(digits)f", v), width) }

    /// nccl-tests' time column: %7.2f below 100 µs, %7.1f below 10 ms, %7.0f above.
    static func time(_ us: Double) -> String {
        pad(String(format: us >= 10000 ? "%.0f" : us >= 100 ? "%.1f" : "%.2f", us), 7)
    }
}
