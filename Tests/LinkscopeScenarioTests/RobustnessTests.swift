import Testing
import LinkscopeUnits
@testable import LinkscopeScenario

/// Loading must end in a scenario or a located `ScenarioError`, never a crash.
@Suite struct RobustnessTests {
    func expectNoCrash(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if let e = loadError(yaml) {
            #expect(e.line >= 1 && e.column >= 1, "\(e)", sourceLocation: sourceLocation)
            #expect(!e.message.isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func randomBytesNeverCrash(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let alphabet = Array("abcgpus:{}[],-#&*!|>'\"\n \t0123456789.?%@`~\\") + ["\u{0}", "\u{7f}", "é", "\u{feff}"]
        for _ in 0..<150 {
            let length = Int.random(in: 0..<120, using: &rng)
            var text = ""
            for _ in 0..<length {
                if Bool.random(using: &rng) {
                    text.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)])
                } else {
                    let scalar = Unicode.Scalar(UInt8.random(in: 0...255, using: &rng))
                    text.unicodeScalars.append(scalar)
                }
            }
            expectNoCrash(text)
        }
    }

    @Test(arguments: [UInt64(11), 12, 13, 14])
    func mutatedValidDocumentsNeverCrash(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let sources = [interfaceExample, ScenarioLoader.defaultScenarioYAML, customGraph()]
        let insertions = ["-", ":", "[", "]", "{", "}", "0", "99999999999999999999", " ", "\n", "*a", "&a ", "ps",
                          "-1", "0 GB/s", "gpus: [9]", "sweep: {gpus: [[0, 40]]}", "~", "<<: *a", "'"]
        for _ in 0..<100 {
            var lines = sources[Int.random(in: 0..<sources.count, using: &rng)]
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<lines.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: lines.remove(at: i)
                case 1: lines.insert(lines[Int.random(in: 0..<lines.count, using: &rng)], at: i)
                case 2:
                    var chars = Array(lines[i])
                    let at = chars.isEmpty ? 0 : Int.random(in: 0...chars.count, using: &rng)
                    chars.insert(contentsOf: insertions[Int.random(in: 0..<insertions.count, using: &rng)], at: at)
                    lines[i] = String(chars)
                case 3:
                    var chars = Array(lines[i])
                    if !chars.isEmpty { chars.remove(at: Int.random(in: 0..<chars.count, using: &rng)) }
                    lines[i] = String(chars)
                default: lines.swapAt(i, Int.random(in: 0..<lines.count, using: &rng))
                }
                if lines.isEmpty { lines = [""] }
            }
            expectNoCrash(lines.joined(separator: "\n"))
        }
    }

    @Test func pathologicalDocuments() {
        let deepFlow = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        let deepMap = String(repeating: "{a: ", count: 3_000) + "1" + String(repeating: "}", count: 3_000)
        let deepDash = String(repeating: "- ", count: 3_000) + "x"
        var deepBlock = ""
        for i in 0..<600 { deepBlock += String(repeating: " ", count: i) + "k\(i):\n" }
        let laughs = """
            a: &a [x, x, x, x, x, x, x, x, x, x]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
            f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
            """
        let docs = [
            "", " ", "\n\n", "~", "null", "42", "'just a string'", "[]", "{}", "---\n---\n", "--- !!map\n",
            "*undefined", "a: *undefined", "&x a: 1", "cluster: &c {preset: *c}", deepFlow, deepMap, deepDash,
            deepBlock, laughs, "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, sizes: [1e400 B]}]",
            "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, sizes: [-0 B]}]",
            "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, sizes: [1e18 TiB]}]",
            "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, sizes: [nan GB, inf B, .5 KiB]}]",
            "cluster: {preset: dgx1-v100, nodes: 9223372036854775807}",
            "cluster: {preset: dgx1-v100}\ngpus: [-9223372036854775808]",
            "cluster: {preset: dgx1-v100}\nsimulation: {link_efficiency: 1e999}\ncollectives: [{op: allreduce, size: 1 B}]",
            "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, sizes: {from: 1 B, to: 8 EiB}}]",
            "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, sizes: {from: 1 B, to: 9000000000000000000 B, factor: 2}}]",
            "cluster: {preset: dgx1-v100}\nsweep: {gpus: [[0]]}\ncollectives: [{op: allreduce, size: 1 B}]\nsweep2: 1",
            "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, size: 1 B}]\nsweep: {'collectives[99999999999999999999].op': [x]}",
            "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, size: 1 B}]\nsweep: {'collectives[0][0]': [x]}",
            "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, size: 1 B}]\nsweep: {'gpus.x': [1]}",
            "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, size: 1 B}]\nsweep: {'': [1]}",
            "cluster: {devices: [{id: a, kind: cpu}], links: []}\ncollectives: [{op: allreduce, size: 1 B}]",
            "cluster: {devices: [{id: a, kind: gpu}], links: ~}\ncollectives: [{op: allreduce, size: 1 B}]",
            "\u{feff}cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, size: 1 B}]",
            "cluster: {preset: dgx1-v100}\r\ncollectives: [{op: allreduce, size: 1 B}]\r\n",
        ]
        for d in docs { expectNoCrash(d) }
        #expect(loadError(laughs)?.message.contains("after expanding aliases") == true)
        #expect(loadError(deepFlow)?.message.contains("nesting is deeper") == true)
    }

    @Test func singleGPUCustomGraphAndCRLF() throws {
        let one = try load("cluster: {devices: [{id: a, kind: gpu}]}\ncollectives: [{op: allreduce, size: 1 B}]")
        #expect(one.gpus == [0] && one.topology.gpuCount == 1)
        let crlf = try load("cluster: {preset: dgx1-v100}\r\ncollectives: [{op: allreduce, size: 1 B}]\r\n")
        #expect(crlf.collectives.count == 1)
    }
}
