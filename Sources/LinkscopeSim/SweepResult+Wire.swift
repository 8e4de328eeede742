/// Sweep rows as bytes, for gathering the rows that other processes (`mpirun` ranks) simulated. Doubles travel
/// as their bit patterns, so a gathered report is byte-identical to one simulated in a single process.
public enum SweepWire {
    /// `rows` (index into `Scenario.sweep`, row) as bytes.
    public static func encode(_ rows: [(index: Int, result: SweepResult)]) -> [UInt8] {
        var w = Writer()
        w.int(rows.count)
        for (index, r) in rows {
            w.int(index)
            w.int(r.parameters.count)
            for (key, value) in r.parameters { w.string(key); w.string(value) }
            w.optionalDouble(r.iterationTime)
            w.double(r.simulatedTime)
            w.int(r.collectives.count)
            for c in r.collectives { w.string(c.name); w.double(c.time); w.double(c.busbw) }
            w.optionalString(r.error)
        }
        return w.bytes
    }

    /// The rows `encode` wrote; nil when the bytes are not a whole, well-formed message.
    public static func decode(_ bytes: [UInt8]) -> [(index: Int, result: SweepResult)]? {
        var r = Reader(bytes: bytes)
        guard let count = r.int() else { return nil }
        var rows: [(index: Int, result: SweepResult)] = []
        for _ in 0..<count {
            guard let index = r.int(), let parameterCount = r.int() else { return nil }
            var parameters: [(String, String)] = []
            for _ in 0..<parameterCount {
                guard let key = r.string(), let value = r.string() else { return nil }
                parameters.append((key, value))
            }
            guard let iteration = r.optionalDouble(), let simulated = r.double(), let collectiveCount = r.int() else {
                return nil
            }
            var collectives: [(name: String, time: Double, busbw: Double)] = []
            for _ in 0..<collectiveCount {
                guard let name = r.string(), let time = r.double(), let busbw = r.double() else { return nil }
                collectives.append((name, time, busbw))
            }
            guard let error = r.optionalString() else { return nil }
            rows.append((index, SweepResult(parameters: parameters, iterationTime: iteration, simulatedTime: simulated,
                                            collectives: collectives, error: error)))
        }
        return r.atEnd ? rows : nil
    }

    private struct Writer {
        var bytes: [UInt8] = []
        mutating func uint64(_ v: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
        }
        mutating func int(_ v: Int) { uint64(UInt64(bitPattern: Int64(v))) }
        mutating func double(_ v: Double) { uint64(v.bitPattern) }
        mutating func string(_ s: String) { int(s.utf8.count); bytes += s.utf8 }
        mutating func optionalDouble(_ v: Double?) {
            bytes.append(v == nil ? 0 : 1)
            if let v { double(v) }
        }
        mutating func optionalString(_ s: String?) {
            bytes.append(s == nil ? 0 : 1)
            if let s { string(s) }
        }
    }

    /// Reads what `Writer` wrote; every read is bounds-checked and returns nil past the end.
    private struct Reader {
        let bytes: [UInt8]
        var at = 0
        var atEnd: Bool { at == bytes.count }

        mutating func uint64() -> UInt64? {
            guard bytes.count - at >= 8 else { return nil }
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[at + k]) << UInt64(8 * k) }
            at += 8
            return v
        }
        mutating func int() -> Int? {
            guard let v = uint64(), let i = Int(exactly: Int64(bitPattern: v)), i >= 0 else { return nil }
            return i
        }
        mutating func double() -> Double? { uint64().map(Double.init(bitPattern:)) }
        mutating func string() -> String? {
            guard let n = int(), bytes.count - at >= n else { return nil }
            defer { at += n }
            return String(decoding: bytes[at..<at + n], as: UTF8.self)
        }
        /// nil when the bytes end; `.some(nil)` for an absent value.
        mutating func flag() -> Bool? {
            guard at < bytes.count, bytes[at] <= 1 else { return nil }
            defer { at += 1 }
            return bytes[at] == 1
        }
        mutating func optionalDouble() -> Double?? {
            guard let present = flag() else { return nil }
            return present ? double().map { .some($0) } : .some(nil)
        }
        mutating func optionalString() -> String?? {
            guard let present = flag() else { return nil }
            return present ? string().map { .some($0) } : .some(nil)
        }
    }
}
