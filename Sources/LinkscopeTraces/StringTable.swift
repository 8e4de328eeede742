#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interns strings straight from UTF-8 bytes (FNV-1a, open addressing), so a name repeated on
/// thousands of events becomes a `String` once.
struct StringTable {
    private(set) var strings: [String] = []
    private var arena: [UInt8] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32] = Array(repeating: -1, count: 1024)

    var count: Int { strings.count }

    /// A multiplicative hash taking eight bytes per step (the table only needs a good spread).
    @inline(__always)
    static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(p.count)
        guard let base = p.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= p.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < p.count {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    mutating func intern(_ p: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = Self.hash(p)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[i]
            if id < 0 { break }
            let k = Int(id)
            if hashes[k] == h && lengths[k] == p.count {
                let start = starts[k]
                let equal = arena.withUnsafeBufferPointer { a -> Bool in
                    guard let pa = a.baseAddress, let pb = p.baseAddress else { return p.isEmpty }
                    return memcmp(pa + start, pb, p.count) == 0
                }
                if equal { return id }
            }
            i = (i + 1) & mask
        }
        let id = Int32(strings.count)
        strings.append(String(decoding: p, as: UTF8.self))
        starts.append(arena.count)
        lengths.append(p.count)
        hashes.append(h)
        arena.append(contentsOf: p)
        slots[i] = id
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    mutating func intern(_ s: String) -> Int32 {
        var s = s
        return s.withUTF8 { intern($0) }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (k, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(k)
        }
    }
}
