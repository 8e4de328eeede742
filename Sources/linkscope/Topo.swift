import ArgumentParser
import LinkscopeJSON
import LinkscopeScenario
import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeUnits

struct Topo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a topology: devices, links, NVLink rings and spanning-tree rates for a GPU set.",
        discussion: """
            TARGET is a preset (\(Topology.presetNames.joined(separator: ", "))) or a scenario file.
            Example: linkscope topo dgx1-v100 --gpus 0,1,5,6
            """)

    @Argument(help: "Preset name or scenario YAML file.")
    var target: String

    @Option(help: "GPU set, comma-separated (default: all GPUs, or the scenario's).")
    var gpus: String?

    @Option(help: "Nodes, for a preset (joined by a fat-tree).")
    var nodes: Int = 1

    @Option(help: "Output format: text, json or csv (one row per directed link).")
    var format: OutputFormat = .text

    @Flag(help: "List every link, not only GPU-to-GPU NVLink and a summary of the rest.")
    var allLinks = false

    func run() throws {
        var topology: Topology
        var defaultGPUs: [Int]?
        if target.hasSuffix(".yaml") || target.hasSuffix(".yml") {
            let s = try IO.scenario(target)
            topology = s.topology
            defaultGPUs = s.gpus
        } else {
            do { topology = try Topology.preset(target, nodes: nodes) } catch {
                throw CLIError(.argument(target), .underlying(error))
            }
        }
        var set = defaultGPUs ?? Array(0..<topology.gpuCount)
        if let gpus {
            set = []
            for part in gpus.split(separator: ",") {
                guard let g = Int(part.trimmingCharacters(in: .whitespaces)) else {
                    throw CLIError(.option("--gpus"), .notA(expected: "GPU number", value: String(part)))
                }
                set.append(g)
            }
        }
        let analysis: TopologyAnalysis
        do { analysis = try topology.analyze(gpus: set) } catch { throw CLIError(.option("--gpus"), .underlying(error)) }
        switch format {
        case .json: print(json(topology, analysis).serialized(), terminator: "")
        case .csv:
            guard case .array(let links)? = json(topology, analysis)["links"] else { return }
            print(CSVTable(columns: ["from", "to", "kind", "bandwidth_gbps", "latency_s", "lanes"], objects: links).rendered,
                  terminator: "")
        case .text: print(text(topology, analysis), terminator: "")
        }
    }

    func json(_ t: Topology, _ a: TopologyAnalysis) -> JSONValue {
        .object([
            ("name", .string(t.name)),
            ("devices", .array(t.devices.map { d in
                var f: [(String, JSONValue)] = [("id", .string(d.name)), ("kind", .string(d.kind.rawValue)),
                                                ("node", .int(Int64(d.node)))]
                if let g = d.gpuIndex { f.append(("gpu", .int(Int64(g)))) }
                if let m = d.model { f.append(("model", .string(m))) }
                return .object(f)
            })),
            ("links", .array(t.links.map { l in
                .object([("from", .string(t.devices[l.from].name)), ("to", .string(t.devices[l.to].name)),
                         ("kind", .string(l.kind.rawValue)), ("bandwidth_gbps", .double(l.bandwidth.gigabytesPerSecond)),
                         ("latency_s", .double(l.latency.value)), ("lanes", .int(Int64(l.lanes)))])
            })),
            ("gpus", .array(a.gpus.map { .int(Int64($0)) })),
            ("nvlink_rings", .array(a.nvlinkRings.map { .array($0.map { .int(Int64($0)) }) })),
            ("ring_packing", .array(a.ringPacking.rings.map { r in
                .object([("gpus", .array(r.gpus.map { .int(Int64($0)) })), ("rate_gbps", .double(r.rate.gigabytesPerSecond))])
            })),
            ("ring_rate_gbps", .double(Self.ringRate(a) / 1e9)),
            ("best_single_ring_rate_gbps", .double(a.ringRate.gigabytesPerSecond)),
            ("best_ring", .array(a.bestRing.map { .int(Int64($0)) })),
            ("tree_broadcast_rate_gbps", .double(a.treeBroadcastRate.gigabytesPerSecond)),
            ("tree_broadcast_root", a.broadcastRoot.map { .int(Int64($0)) } ?? .null),
            ("tree_allreduce_rate_gbps", .double(a.treeAllreduceRate.gigabytesPerSecond)),
        ])
    }

    func text(_ t: Topology, _ a: TopologyAnalysis) -> String {
        var out = "\(t.name): \(t.gpuCount) GPUs (\(t.gpuSpec.model)), \(t.devices.count) devices, \(t.links.count) directed links"
        out += t.nodeCount > 1 ? ", \(t.nodeCount) nodes\n" : "\n"
        var counts: [(DeviceKind, Int)] = []
        for k in DeviceKind.allCases {
            let n = t.devices.filter { $0.kind == k }.count
            if n > 0 { counts.append((k, n)) }
        }
        out += "devices: " + counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ") + "\n"
        let set = Set(a.gpus.compactMap { t.device(ofGPU: $0) })
        // GPU↔GPU NVLink among the set (one line per pair), then a per-kind summary of the rest.
        var table = TextTable(["link", "kind", "lanes", "bandwidth/dir", "latency"])
        table.alignments[1] = .left
        var others: [LinkKind: (Int, Double)] = [:]
        for (i, l) in t.links.enumerated() {
            let direct = set.contains(l.from) && set.contains(l.to) && l.from < l.to
            if allLinks || direct {
                table.add([t.linkName(i), l.kind.rawValue, "\(l.lanes)", Format.bandwidth(l.bandwidth.bytesPerSecond),
                           Format.duration(l.latency.value)])
            } else if !direct {
                let cur = others[l.kind] ?? (0, 0)
                others[l.kind] = (cur.0 + 1, max(cur.1, l.bandwidth.bytesPerSecond))
            }
        }
        out += "\nGPU set \(a.gpus.map(String.init).joined(separator: ",")): direct GPU-GPU links (one direction shown)\n"
        out += table.rows.isEmpty ? "  none\n" : table.render(indent: "  ")
        if !allLinks {
            let summary = LinkKind.allCases.compactMap { k in others[k].map { "\($0.0) \(k.rawValue) (up to \(Format.bandwidth($0.1)))" } }
            out += "  other directed links: " + summary.joined(separator: ", ") + "   (--all-links lists them)\n"
        }
        out += "\nNVLink rings: "
        out += a.nvlinkRings.isEmpty ? "none (a ring must fall back to PCIe/QPI or the network)\n"
            : a.nvlinkRings.map { $0.map(String.init).joined(separator: "-") }.joined(separator: ", ") + "\n"
        if !a.ringPacking.rings.isEmpty {
            out += "ring packing: " + a.ringPacking.rings.map {
                $0.gpus.map(String.init).joined(separator: ">") + " @ " + Format.bandwidth($0.rate.bytesPerSecond)
            }.joined(separator: ", ") + " (total \(Format.bandwidth(a.ringPacking.totalRate.bytesPerSecond)))\n"
        }
        let ringRate = Self.ringRate(a)
        if ringRate > a.ringRate.bytesPerSecond {
            // What the simulator's rings reach: every packed ring at once (as NCCL's channels), not one ring.
            out += "ring rate (packed NVLink rings together): \(Format.bandwidth(ringRate)); best single ring "
                + Format.bandwidth(a.ringRate.bytesPerSecond)
        } else {
            out += "ring rate (best ring over any links): \(Format.bandwidth(a.ringRate.bytesPerSecond))"
        }
        out += a.bestRing.isEmpty ? "\n" : " via \(a.bestRing.map(String.init).joined(separator: "-"))\n"
        out += "spanning-tree broadcast rate: \(Format.bandwidth(a.treeBroadcastRate.bytesPerSecond))"
        out += a.broadcastRoot.map { " (root GPU \($0), \(Self.trees(a.broadcast.trees.count)))\n" } ?? "\n"
        out += "spanning-tree all-reduce rate: \(Format.bandwidth(a.treeAllreduceRate.bytesPerSecond))"
        out += " (\(Self.trees(a.allreduce.trees.count)))\n"
        let ringTime = ringRate > 0 ? 1 / ringRate : .infinity
        let treeTime = a.treeBroadcastRate.bytesPerSecond > 0 ? 1 / a.treeBroadcastRate.bytesPerSecond : .infinity
        if treeTime < ringTime {
            out += "→ trees beat the rings here by \(Format.fixed(ringTime / treeTime, decimals: 2))× for broadcast\n"
        }
        return out
    }

    /// The ring rate the simulator uses: all packed NVLink rings together when there are any, else the best ring.
    static func ringRate(_ a: TopologyAnalysis) -> Double {
        max(a.ringRate.bytesPerSecond, a.ringPacking.rings.isEmpty ? 0 : a.ringPacking.totalRate.bytesPerSecond)
    }

    static func trees(_ n: Int) -> String { n == 1 ? "1 tree" : "\(n) trees" }
}
