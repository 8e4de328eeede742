import Testing
import LinkscopeUnits

@Suite struct UnitParserTests {
    @Test(arguments: [
        ("1 B", Int64(1)), ("1.5 GB", 1_500_000_000), ("4 MiB", 4_194_304), ("4805528 B", 4_805_528),
        ("1GiB", 1_073_741_824), ("2.5 KiB", 2560), ("1e3 KB", 1_000_000), ("1_000 B", 1000), ("1 TiB", 1 << 40),
    ])
    func sizesAreExact(text: String, bytes: Int64) throws {
        #expect(try UnitParser.bytes(text).count == bytes)
    }

    @Test func sizeErrors() {
        #expect(throws: UnitError.missingUnit(text: "1024", expected: UnitParser.sizeUnits)) { try UnitParser.bytes("1024") }
        #expect(throws: UnitError.notWholeBytes(text: "1.5 B")) { try UnitParser.bytes("1.5 B") }
        #expect(throws: UnitError.notPositive(text: "0 B")) { try UnitParser.bytes("0 B") }
        #expect(throws: UnitError.notANumber(text: "lots")) { try UnitParser.bytes("lots") }
        #expect(throws: UnitError.notWholeBytes(text: "99999999999 TB")) { try UnitParser.bytes("99999999999 TB") }
        #expect(throws: (any Error).self) { try UnitParser.bytes("4 mb") }
    }

    @Test func bandwidthsArePerDirectionAndExplicit() throws {
        #expect(try UnitParser.bandwidth("25 GB/s").bytesPerSecond == 25e9)
        #expect(try UnitParser.bandwidth("100 Gb/s").bytesPerSecond == 12.5e9)
        #expect(try UnitParser.bandwidth("1 GiB/s").bytesPerSecond == 1_073_741_824)
        #expect(throws: UnitError.notPositive(text: "0 GB/s")) { try UnitParser.bandwidth("0 GB/s") }
        #expect(throws: UnitError.notPositive(text: "-5 GB/s")) { try UnitParser.bandwidth("-5 GB/s") }
        #expect(throws: (any Error).self) { try UnitParser.bandwidth("25") }
    }

    @Test func timesAndCompute() throws {
        #expect(try UnitParser.seconds("0.3 us").value == 0.3e-6)
        #expect(try UnitParser.seconds("2 ms").value == 2e-3)
        #expect(try UnitParser.seconds("0 us").value == 0)
        #expect(try UnitParser.flopRate("312 TFLOP/s").flopsPerSecond == 312e12)
        #expect(try UnitParser.flops("2.36 GFLOP") == 2.36e9)
        #expect(throws: (any Error).self) { try UnitParser.seconds("5") }
    }
}

@Suite struct FormatTests {
    @Test func bytesPickReadableUnits() {
        #expect(Format.bytes(1 << 30) == "1 GiB")
        #expect(Format.bytes(4_805_528) == "4.806 MB")
        #expect(Format.bytes(3_966_769_152) == "3.967 GB", "not 3873798 KiB")
        #expect(Format.bytes(512) == "512 B")
    }

    @Test func durationsAdapt() {
        #expect(Format.duration(0) == "0 s")
        #expect(Format.duration(3e-7) == "300 ns")
        #expect(Format.duration(60.26e-6) == "60.26 us")
        #expect(Format.duration(0.01253) == "12.53 ms")
        #expect(Format.duration(4.4) == "4.4 s")
    }

    @Test func fixedRoundsHalfAwayFromZero() {
        #expect(Format.fixed(1.005, decimals: 1) == "1.0")
        #expect(Format.fixed(-2.25, decimals: 1) == "-2.3")
        #expect(Format.fixed(-0.04, decimals: 1) == "0.0")
        #expect(Format.number(830035) == "830035")
    }

    @Test func tablesAlign() {
        var t = TextTable(["name", "value"])
        t.add(["a", "1"])
        t.add(["longer", "100"])
        #expect(t.render() == "name    value\n------  -----\na           1\nlonger    100\n")
    }

    @Test func seededGeneratorRepeats() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    }
}
