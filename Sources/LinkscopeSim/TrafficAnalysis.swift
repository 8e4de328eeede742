import LinkscopeJSON
import LinkscopeScenario

/// Deterministic integers only (docs/output-formats.md): bytes per GPU, per directed link, per collective and
/// per iteration, plus the scenario name and the version that wrote it. `check` compares these.
public struct TrafficAnalysis: Sendable {
    public var json: JSONValue

    init(scenario: Scenario, report: Report, accounting: Accounting, version: String) {
        let gpus: [JSONValue] = report.gpus.map {
            .object([("id", .int(Int64($0.id))), ("bytes_sent", .int($0.bytesSent)),
                     ("bytes_received", .int($0.bytesReceived))])
        }
        let links: [JSONValue] = report.links.map {
            .object([("from", .string($0.from)), ("to", .string($0.to)), ("kind", .string($0.kind)),
                     ("bytes", .int($0.bytes))])
        }
        let collectives: [JSONValue] = zip(report.collectives, accounting.collectiveTraffic).map { c, traffic in
            .object([("name", .string(c.name)), ("op", .string(c.op)), ("algorithm", .string(c.algorithm)),
                     ("gpus", .array(c.gpus.map { .int(Int64($0)) })), ("bytes", .int(c.bytes)),
                     ("traffic_bytes", .int(traffic))])
        }
        var fields: [(String, JSONValue)] = [
            ("scenario", .string(scenario.name)), ("linkscope_version", .string(version)),
            ("topology", .string(scenario.topology.name)),
            ("gpus", .array(gpus)), ("links", .array(links)), ("collectives", .array(collectives)),
        ]
        if let t = report.training {
            var it: [(String, JSONValue)] = [
                ("iterations", .int(Int64(t.iterations))), ("gradient_bytes", .int(t.gradientBytes)),
                ("per_worker_sent", .int(t.perWorkerSent)), ("per_worker_received", .int(t.perWorkerReceived)),
            ]
            if let s = t.perServerReceived { it.append(("per_server_received", .int(s))) }
            if let s = t.perServerSent { it.append(("per_server_sent", .int(s))) }
            fields.append(("per_iteration", .object(it)))
        }
        json = .object(fields)
    }

    public var serialized: String { json.serialized() }
}

/// One difference between a baseline and a fresh traffic analysis.
public struct TrafficDifference: Sendable, Equatable, CustomStringConvertible {
    public var key: String
    public var baseline: String?
    public var current: String?
    public var description: String {
        switch (baseline, current) {
        case (nil, let c?): return "+ \(key): \(c) (not in baseline)"
        case (let b?, nil): return "- \(key): \(b) (missing now)"
        case (let b?, let c?): return "~ \(key): baseline \(b), now \(c)"
        default: return key
        }
    }
}

public enum TrafficCheck {
    /// Every leaf that differs, keyed by its path (`links[3].bytes`). The version key is ignored:
    /// a baseline stays valid across releases unless the traffic itself changed.
    public static func differences(baseline: JSONValue, current: JSONValue) -> [TrafficDifference] {
        var a: [(String, String)] = []
        var b: [(String, String)] = []
        flatten(baseline, path: "", into: &a)
        flatten(current, path: "", into: &b)
        let ignored: Set<String> = ["linkscope_version"]
        a.removeAll { ignored.contains($0.0) }
        b.removeAll { ignored.contains($0.0) }
        var out: [TrafficDifference] = []
        var bIndex: [String: String] = [:]
        for (k, v) in b { bIndex[k] = v }
        var aKeys: Set<String> = []
        for (k, v) in a {
            aKeys.insert(k)
            let now = bIndex[k]
            if now != v { out.append(TrafficDifference(key: k, baseline: v, current: now)) }
        }
        for (k, v) in b where !aKeys.contains(k) { out.append(TrafficDifference(key: k, baseline: nil, current: v)) }
        return out
    }

    static func flatten(_ v: JSONValue, path: String, into out: inout [(String, String)]) {
        switch v {
        case .object(let fields):
            for (k, x) in fields { flatten(x, path: path.isEmpty ? k : "\(path).\(k)", into: &out) }
        case .array(let items):
            // Arrays of scalars compare as one value; arrays of objects element by element.
            if items.allSatisfy({ if case .object = $0 { return false }; return true }) {
                out.append((path, v.serialized(pretty: false)))
            } else {
                for (i, x) in items.enumerated() { flatten(x, path: "\(path)[\(i)]", into: &out) }
            }
        default:
            out.append((path, v.serialized(pretty: false)))
        }
    }
}
