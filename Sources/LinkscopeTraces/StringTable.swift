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

    @inline(__always)
    static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in p {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
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
                    var j = 0
                    while j < p.count {
                        if a[start + j] != p[j] { return false }
                        j += 1
                    }
                    return true
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
