import ArgumentParser
import LinkscopeCostModel
import LinkscopeJSON
import LinkscopeTimeline
import LinkscopeUnits

struct Formulas: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate the book's closed-form cost formulas (no simulation).",
        discussion: """
            Lists every all-reduce / sync scheme for N ranks and M bytes: per-worker and per-server traffic
            (exact integers) and the alpha-beta time (docs/cost-model.md §3-§8). Example (the book's MNIST CNN):
              linkscope formulas --ranks 8 --size 4805528B --bandwidth 25GB/s \\
                --latency 0.3us
            """)

    @Option(name: [.customShort("n"), .long], help: "Ranks N (data-parallel workers).")
    var ranks: Int

    @Option(help: "Message / model size M with a unit (e.g. 4805528B, 1GiB).")
    var size: String

    @Option(help: "Bottleneck bandwidth per direction with a unit (e.g. 25GB/s, 100Gb/s).")
    var bandwidth: String

    @Option(help: "Per-message latency alpha with a unit.")
    var latency: String = "0us"

    @Option(help: "Parameter-server shards k for the sharded-PS row.")
    var servers: Int = 2

    @Option(help: "Output format: text, json or csv (one row per scheme).")
    var format: OutputFormat = .text

    func run() throws {
        guard ranks >= 1 else { throw CLIError(.option("--ranks"), .mustBeAtLeast(1)) }
        guard servers >= 1 else { throw CLIError(.option("--servers"), .mustBeAtLeast(1)) }
        let m: Bytes
        let b: Bandwidth
        let a: Seconds
        do { m = try UnitParser.bytes(size) } catch { throw CLIError(.option("--size"), .underlying(error)) }
        do { b = try UnitParser.bandwidth(bandwidth) } catch { throw CLIError(.option("--bandwidth"), .underlying(error)) }
        do { a = try UnitParser.seconds(latency) } catch { throw CLIError(.option("--latency"), .underlying(error)) }
        let rows = CostFormulas.formulaTable(ranks: ranks, bytes: m.count, bandwidth: b.bytesPerSecond, latency: a.value,
                                             servers: servers)
        let schemes: [JSONValue] = rows.map { r in
            .object([("scheme", .string(r.scheme)),
                     ("per_worker_sent", r.perWorkerSent.map { .int($0) } ?? .null),
                     ("per_worker_received", r.perWorkerReceived.map { .int($0) } ?? .null),
                     ("server_in", r.serverIn.map { .int($0) } ?? .null),
                     ("network_total", r.networkTotal.map { .int($0) } ?? .null),
                     ("time_s", .double(r.seconds))])
        }
        switch format {
        case .json:
            let json = JSONValue.object([
                ("ranks", .int(Int64(ranks))), ("bytes", .int(m.count)), ("bandwidth_gbps", .double(b.gigabytesPerSecond)),
                ("latency_s", .double(a.value)), ("schemes", .array(schemes)),
            ])
            print(json.serialized(), terminator: "")
        case .csv:
            let columns = ["scheme", "per_worker_sent", "per_worker_received", "server_in", "network_total", "time_s"]
            print(CSVTable(columns: columns, objects: schemes).rendered, terminator: "")
        case .text:
            print("Closed-form costs for N = \(ranks), M = \(m.count) B (\(m)), B = \(b) per direction, α = \(a)")
            print("(docs/cost-model.md §3-§8; traffic in bytes per iteration; '-' where the scheme has no such quantity)\n")
            var t = TextTable(["scheme", "sent/worker", "recv/worker", "server in", "network total", "time"])
            for r in rows {
                t.add([r.scheme, r.perWorkerSent.map(String.init) ?? "-", r.perWorkerReceived.map(String.init) ?? "-",
                       r.serverIn.map(String.init) ?? "-", r.networkTotal.map(String.init) ?? "-",
                       Format.duration(r.seconds)])
            }
            print(t.render(), terminator: "")
        }
    }
}
