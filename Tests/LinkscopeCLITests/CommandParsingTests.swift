import ArgumentParser
import LinkscopeScenario
import LinkscopeTopology
import LinkscopeUnits
import Testing

@testable import linkscope

/// The command line as parsed (no command is run): subcommands, defaults, flag spellings.
@Suite struct CommandParsingTests {
    func parse(_ args: [String]) throws -> any ParsableCommand { try Linkscope.parseAsRoot(args) }

    @Test func simulateOptions() throws {
        let c = try #require(try parse(["simulate", "s.yaml", "--format", "json", "--trace-out", "t.json"]) as? Simulate)
        #expect(c.scenario == "s.yaml")
        #expect(c.format == .json)
        #expect(c.traceOut == "t.json")
        #expect(c.trafficOut == nil)
    }

    /// nccl-tests' own short flags (-b -e -f -d) and their defaults.
    @Test func ncclTestsFlagsAndDefaults() throws {
        let c = try #require(try parse(["nccl-tests", "all_reduce", "-b", "8", "-e", "8G", "-f", "4", "-d", "half"])
            as? NCCLTests)
        #expect(c.operation == "all_reduce")
        #expect(c.minBytes == "8" && c.maxBytes == "8G" && c.factor == 4 && c.datatype == "half")
        #expect(c.preset == "dgx-a100" && c.algorithm == "auto" && c.proto == "auto" && c.nodes == 1)
        #expect(try c.sizeList() == [8, 32, 128, 512, 2048, 8192, 32768, 131_072, 524_288, 2_097_152, 8_388_608,
                                     33_554_432, 134_217_728, 536_870_912, 2_147_483_648, 8_589_934_592])
    }

    @Test func ncclTestsSizeSyntax() throws {
        #expect(try NCCLTests.parseSize("128M", flag: "-b") == 128 << 20)
        #expect(try NCCLTests.parseSize("1k", flag: "-b") == 1024)
        #expect(throws: CLIError.self) { try NCCLTests.parseSize("1.5G", flag: "-b") }
    }

    /// `replay --chakra` takes several files up to the next option; --link-efficiency defaults by algorithm.
    @Test func replayChakraFilesAndEfficiencyDefault() throws {
        let c = try #require(try parse(["replay", "--chakra", "a.et", "b.et", "--preset", "dgx-h100"]) as? ReplayCommand)
        #expect(c.chakra == ["a.et", "b.et"])
        #expect(c.preset == "dgx-h100")
        #expect(c.linkEfficiency == 1)
        let ring = try #require(try parse(["replay", "r0.json", "--algorithm", "ring"]) as? ReplayCommand)
        #expect(ring.linkEfficiency == 0.8)
        #expect(try ring.checkedAlgorithm() == .ring)
    }

    @Test func replayGPUList() throws {
        let c = try #require(try parse(["replay", "r0.json", "--gpus", "0, 2,5"]) as? ReplayCommand)
        #expect(try c.parseGPUs() == [0, 2, 5])
        let twice = try #require(try parse(["replay", "r0.json", "--gpus", "1,1"]) as? ReplayCommand)
        #expect(throws: CLIError.self) { try twice.parseGPUs() }
    }

    @Test func formulasRequiresItsOptions() throws {
        let c = try #require(try parse(["formulas", "--ranks", "8", "--size", "4805528B", "--bandwidth", "25GB/s"])
            as? Formulas)
        #expect(c.ranks == 8 && c.servers == 2 && c.latency == "0us")
        #expect(throws: (any Error).self) { try parse(["formulas", "--ranks", "8"]) }
    }

    @Test func unknownSubcommandIsAUsageError() {
        #expect(throws: (any Error).self) { try parse(["simulat", "s.yaml"]) }
    }
}

/// `ErrorMessage`: the one rendering of errors to text and exit code (docs/output-formats.md).
@Suite struct ErrorMessageTests {
    func render(_ e: any Error) -> ErrorMessage { ErrorMessage(e, command: Linkscope.self) }

    @Test func factsRenderAsSubjectErrorProblem() {
        #expect(render(CLIError(.option("--nodes"), .mustBeAtLeast(1))).text == "--nodes: error: must be at least 1")
        #expect(render(CLIError(.option("--channels"), .mustBeWithin(lower: 1, upper: 64))).text
            == "--channels: error: must be 1 to 64")
        #expect(render(CLIError(.option("--link-efficiency"), .mustBeFraction(got: 2))).text
            == "--link-efficiency: error: must be in (0, 1], got 2.0")
        #expect(render(CLIError(.option("--pane"), .unknown(kind: "pane", value: "x", known: ["a", "b"]))).text
            == "--pane: error: unknown pane 'x' (a, b)")
        #expect(render(CLIError(.option("--protocol"), .useOneOf(["auto", "ll", "ll128", "simple"]))).text
            == "--protocol: error: use auto, ll, ll128 or simple")
        #expect(render(CLIError(.option("--gpus"), .notA(expected: "GPU number", value: "x"))).text
            == "--gpus: error: 'x' is not a GPU number")
        #expect(render(CLIError(.command("replay"), .missing("trace file"))).text
            == "replay: error: give at least one trace file")
        #expect(render(CLIError(.file("a.yaml"), .file(.noSuchFile))).text == "a.yaml: error: no such file")
        #expect(render(CLIError(.none, .stated("boom"))).text == "error: boom")
        #expect(render(CLIError(.option("--nodes"), .mustBeAtLeast(1))).exitCode == 2)
    }

    /// Library errors keep their own text under the subject the command gives them.
    @Test func underlyingLibraryErrors() {
        let unit: any Error = UnitError.missingUnit(text: "12", expected: ["B"])
        let text = render(CLIError(.option("--size"), .underlying(unit))).text
        #expect(text.hasPrefix("--size: error: '12' has no unit"))
        let preset = render(CLIError(.option("--preset"), .underlying(TopologyError.unknownPreset(name: "x", known: ["a"]))))
        #expect(preset.text.hasPrefix("--preset: error: unknown preset 'x'"))
    }

    @Test func scenarioErrorsPrintTheirLocation() throws {
        do {
            _ = try ScenarioLoader.load(yaml: "name: x\ncluster:\n  presett: dgx1-v100\n", file: "s.yaml")
            Issue.record("expected a ScenarioError")
        } catch {
            let m = render(error)
            #expect(m.text.hasPrefix("s.yaml:3:3: error: unknown key 'presett'"))
            #expect(m.exitCode == 2)
        }
    }

    @Test func failedCheckIsExitOneWithoutText() {
        let m = render(CheckFailed())
        #expect(m.text.isEmpty && m.exitCode == 1)
    }

    @Test func usageErrorsAreExitTwoWithAHint() {
        do {
            _ = try Linkscope.parseAsRoot(["formulas", "--ranks", "x"])
            Issue.record("expected a parse error")
        } catch {
            let m = render(error)
            #expect(m.exitCode == 2)
            #expect(m.text.hasSuffix("Run 'linkscope --help' for usage."))
        }
    }
}
