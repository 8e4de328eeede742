import Foundation
import LinkscopeFuzz
// linkscope-bench: release-build benchmarks. `swift run -c release linkscope-bench [NAME ...]`.
// Each suite prints its own numbers; with no argument every suite runs.
let suites: [(String, String, ([String]) -> Void)] = [
    ("engine", "event queue and max-min fair fabric: events/s", EngineBench.run),
    ("sim", "ASTRA-sim's 1024-GPU ring; 1 GiB all-reduce over 1024 GPUs (ring, hierarchical): events/s, wall, peak RSS", SimBench.run),
    ("scale", "1 GiB ring and hierarchical all-reduce, 64 → 16,384 GPUs (--max-gpus G): wall, events/s, peak RSS, growth", SimBench.scale),
    ("sweep", "8-point sweep (big-sweep.yaml) on 1 vs 2 workers: wall, speedup, identical rows", SweepBench.run),
    ("training", "10 iterations of gpt3-175b on 1024 GPUs (TP 8, PP 16, DP 8): wall, tokens/s, MFU", TrainingBench.run),
    ("dashboard", "frame time of a 1-million-event timeline at 200x60", DashboardBench.run),
    ("analyze", "trace analysis of the shared Kineto traces", AnalyzeBench.run),
    ("kernels", "training kernels vs raw sgemm, thread all-reduce vs memcpy, training samples/s", KernelsBench.run),
    ("fuzz", "scenario-loader fuzz in child processes: --count N (or LINKSCOPE_FUZZ_COUNT), --seed S", FuzzBench.run),
]
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "fuzz-batch" {
    FuzzBench.batch(Array(arguments.dropFirst()))
} else if arguments.first == "fuzz-show", arguments.count >= 3, let seed = UInt64(arguments[1]), let i = Int(arguments[2]) {
    // Prints input number i of a fuzz run, to reproduce a finding with `linkscope simulate`.
    print(ScenarioFuzzer.input(i, seeds: FuzzCase.exampleSeeds(packageRoot: FileManager.default.currentDirectoryPath),
                               base: seed), terminator: "")
} else if arguments.contains("--help") || arguments.contains("-h") {
    print("usage: linkscope-bench [SUITE ...] [--args]\nsuites:")
    for (name, what, _) in suites { print("  \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(what)") }
} else {
    let chosen = arguments.filter { !$0.hasPrefix("-") }
    // The fuzz run and the scaling series take minutes: only when named.
    for (name, _, run) in suites where chosen.isEmpty ? name != "fuzz" && name != "scale" : chosen.contains(name) {
        print("== \(name)")
        run(arguments)
    }
}
