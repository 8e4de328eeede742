import Foundation
import LinkscopeFuzz
import LinkscopeScenario
import Testing

/// Property tests of the scenario loader on generated inputs: no crash, no input over 3 s, every rejection
/// located (file:line:col). CI runs a bounded subset; `LINKSCOPE_FUZZ_COUNT=N` runs N inputs here, and
/// `linkscope-bench fuzz` runs 100,000+ in child processes so that a trap is counted, not fatal.
struct ScenarioFuzzTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let seeds = FuzzCase.exampleSeeds(packageRoot: root)
    static let count = ProcessInfo.processInfo.environment["LINKSCOPE_FUZZ_COUNT"].flatMap(Int.init) ?? 3_000

    @Test func seedsAreTheExampleScenarios() {
        #expect(Self.seeds.count >= 8)
        for s in Self.seeds { #expect((try? ScenarioLoader.load(yaml: s, file: "seed.yaml")) != nil) }
    }

    @Test func generatedInputsAreRejectedWithALocationOrAccepted() {
        var outcomes: [String: Int] = [:]
        var slowest = 0.0
        for i in 0..<Self.count {
            let text = ScenarioFuzzer.input(i, seeds: Self.seeds, base: 7)
            let start = Date()
            let outcome = FuzzCase.run(text, simulate: false)
            let seconds = Date().timeIntervalSince(start)
            slowest = max(slowest, seconds)
            // A debug build sharing two cores with the other suites: 3 s still catches a runaway input (the
            // release fuzz run keeps 10 s for 120,000 inputs; a typical input takes milliseconds).
            #expect(seconds < 3, "input \(i) took \(seconds) s")
            switch outcome {
            case .accepted: outcomes["accepted", default: 0] += 1
            case .rejected: outcomes["rejected", default: 0] += 1
            case .refusedBySimulator: outcomes["refused", default: 0] += 1
            case .unlocated(let message): Issue.record("input \(i): rejection without a location: \(message)\n\(text)")
            }
        }
        print("scenario fuzz: \(Self.count) inputs, \(outcomes), slowest \(slowest) s")
        // The mutations must exercise both sides of the loader.
        #expect((outcomes["accepted"] ?? 0) > Self.count / 50)
        #expect((outcomes["rejected"] ?? 0) > Self.count / 4)
    }

    @Test(arguments: ScenarioFuzzer.unitStrings)
    func everyUnitStringIsAcceptedOrLocated(unit: String) {
        for value in ["1", "0", "-1", "1e12", "1e19", "0.5"] {
            let yaml = "cluster: {preset: dgx1-v100}\ncollectives:\n  - {op: allreduce, size: \(value) \(unit)}\n"
            if case .unlocated(let m) = FuzzCase.run(yaml, simulate: false) { Issue.record("\(value) \(unit): \(m)") }
            let link = "cluster:\n  devices: [{id: a, kind: gpu}, {id: b, kind: gpu}]\n"
                + "  links: [{from: a, to: b, bandwidth: \(value) \(unit), latency: \(value) \(unit)}]\n"
                + "collectives: [{op: allreduce, size: 1 MiB}]\n"
            if case .unlocated(let m) = FuzzCase.run(link, simulate: false) { Issue.record("link \(value) \(unit): \(m)") }
        }
    }

    @Test func deepNestingIsRejectedQuickly() {
        for depth in [100, 1_000, 10_000] {
            let nested = String(repeating: "[", count: depth) + "1 MiB" + String(repeating: "]", count: depth)
            let yaml = "cluster: {preset: dgx1-v100}\ncollectives: [{op: allreduce, size: \(nested)}]\n"
            let start = Date()
            let outcome = FuzzCase.run(yaml, simulate: false)
            #expect(Date().timeIntervalSince(start) < 1)
            #expect(outcome == .rejected)
        }
    }

    @Test func generatorIsDeterministic() {
        for i in [0, 1, 99, 12345] {
            #expect(ScenarioFuzzer.input(i, seeds: Self.seeds, base: 3) == ScenarioFuzzer.input(i, seeds: Self.seeds, base: 3))
        }
    }
}

/// Findings of the fuzz run, kept as regression tests.
struct ScenarioFuzzFindingsTests {
    @Test func syntaxErrorAtEndOfInputPointsInsideTheFile() throws {
        // A key without ':' on the last, unterminated line: libyaml reported a line past the end (fuzz #64465).
        let yaml = "# linkscope's built-in scenario (`linkscope` with no arguments).\n# The book's MNIST CNN on a DGX\n1 (V100): how much does the choice of gradient\n# synchronisation cost? Ring all-reduce moves 2(N-1)/N·M per GPU over the NVLink rings;\n# a parameter server funnels N·M through its own links.\nname: PS vs ring all-reduce on a DGX-1 (V100)\ncluster:\n  preset: dgx1-v100\ngpus: all\nmodel:\n  preset: book-mnist-cnn        # 1,201,382 parameters: M = 4,805,528 B in fp32\n  dtype: fp32\ntraining:\n  batch_per_gpu: 128\n  iterations: 3\n  sync: {scheme: allreduce, algorithm: ring, servers: 2}\ncollecti"
        #expect(FuzzCase.run(yaml, simulate: false) == .rejected)
    }
}
