import Testing
@testable import LinkscopeReplay

/// Replay's one error type: facts in the cases, the sentences the CLI printed before in `description`.
struct ReplayErrorTests {
    @Test func descriptionsRenderTheFacts() {
        let cases: [(ReplayError, String)] = [
            (.noInput(kind: "Chakra trace"), "no Chakra trace given"),
            (.duplicateRank(file: "b.json", rank: 1, otherFile: "a.json"), "b.json: rank 1 is also given by a.json"),
            (.nothingToReplay(files: ["a", "b"]),
             "a, b: no GPU activity (kernels, memcpy, memset) in complete ProfilerSteps to replay"),
            (.dependencyCycle(file: "c.et", position: 12, node: 7, name: "mm"),
             "c.et: byte 12: dependency cycle through node 7 'mm'"),
            (.malformedChakra(file: "c.et", position: 3, problem: "truncated frame"), "c.et: byte 3: truncated frame"),
            (.malformedWire(position: 9, problem: "varint longer than 10 bytes"), "varint longer than 10 bytes at byte 9"),
            (.invalidValue(field: "link efficiency", value: "1.5", expected: "in (0, 1]"),
             "link efficiency must be in (0, 1], got 1.5"),
            (.invalidValue(field: "--nodes", value: nil, expected: "at least 1"), "--nodes must be at least 1"),
            (.gpuCount(field: "--gpus", ranks: 4, gpus: 2), "--gpus: the job has 4 ranks but 2 GPUs were given"),
            (.gpuOutOfRange(gpu: 9, preset: "dgx-a100", nodes: 1, available: 8, suggestNodes: true),
             "--gpus: GPU 9 does not exist: dgx-a100 × 1 node has GPUs 0-7 (add --nodes for more nodes)"),
            (.tooFewNodes(ranks: 20, preset: "dgx-a100", nodes: 2, gpus: 16),
             "--nodes: the job has 20 ranks but dgx-a100 × 2 nodes has 16 GPUs"),
            (.worldSizeTooSmall(worldSize: 1, highestRank: 1), "world size 1 is smaller than rank 1 + 1"),
        ]
        for (error, text) in cases { #expect(error.description == text) }
    }

    @Test func factsAreReadable() {
        let e = ReplayError.malformedChakra(file: "x.et", position: 40, problem: "bad")
        #expect(e.file == "x.et" && e.position == 40 && e.message == "bad")
        let d = ReplayError.duplicateRank(file: "b", rank: 2, otherFile: "a")
        #expect(d.file == "b" && d.position == nil && d.message == "rank 2 is also given by a")
    }
}
