import Testing
import LinkscopeSchedule

@Suite struct RingProgramLayoutTests {
    /// `bytesSent` (cyclic windows over prefix sums) against summing every transfer of the ring one by one.
    @Test(arguments: [(n: 2, chunks: 1, steps: 2, shift: 0), (n: 5, chunks: 3, steps: 8, shift: 0),
                      (n: 7, chunks: 2, steps: 6, shift: 1), (n: 4, chunks: 1, steps: 11, shift: 3),
                      (n: 16, chunks: 4, steps: 30, shift: 0)])
    func bytesSentMatchesEveryTransfer(_ c: (n: Int, chunks: Int, steps: Int, shift: Int)) {
        var pieces: [Int64] = []
        for p in 0..<(c.n * c.chunks) {
            let extra = Int64(37 * p + (p % 3) * 11)
            pieces.append(1000 + extra)
        }
        let devices: [Int32] = (0..<c.n).map { Int32($0 + 10) }
        let program = RingProgram(devices: devices, pieceBytes: pieces, chunks: Int32(c.chunks),
                                  steps: Int32(c.steps), shift: Int32(c.shift), path: .automatic)
        var expected = Array(repeating: Int64(0), count: c.n)
        for g in 0..<c.steps {
            for i in 0..<c.n {
                let s = program.segment(position: i, step: g)
                let wrapped = ((i - g + c.shift) % c.n + c.n) % c.n
                #expect(s == wrapped)
                for k in 0..<c.chunks { expected[i] += pieces[s * c.chunks + k] }
            }
        }
        #expect(program.bytesSent() == expected)
        #expect(program.transferCount == c.n * c.steps * c.chunks)
    }

    /// The placeholder, gates and outputs are ordinary tasks in a fixed order; the program is recorded once.
    @Test func addRingProgramAddsGatesPlaceholderOutputs() {
        var schedule = Schedule()
        let before = schedule.add(.delay(seconds: 1))
        let program = RingProgram(devices: [0, 1, 2], pieceBytes: [10, 20, 30], chunks: 1, steps: 4, shift: 0,
                                  path: .automatic)
        let (placeholder, outputs) = schedule.addRingProgram(program, tag: TaskTag(collective: 3), after: [before],
                                                             gates: [[before], [], [before]],
                                                             outputIsJoin: [true, false, true])
        #expect(schedule.count == 1 + 3 + 1 + 3)
        #expect(placeholder == TaskID(4))
        #expect(outputs == [TaskID(5), TaskID(6), TaskID(7)])
        let recorded = schedule.ringPrograms
        #expect(recorded.count == 1)
        #expect(recorded[0].gates == [TaskID(1), TaskID(2), TaskID(3)])
        #expect(Array(schedule.dependencies(of: recorded[0].gates[0])) == [before])
        #expect(schedule.dependencies(of: outputs[0]).isEmpty)
        #expect(schedule.transferCount == 12)
        #expect(schedule.transferredBytes == program.bytesSent().reduce(0, +))
    }
}
