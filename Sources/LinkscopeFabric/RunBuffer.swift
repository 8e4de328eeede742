/// A growable array of plain values for the hottest state of one `FabricRun` (per link, per flow, the flow
/// slab), written millions of times a run.
///
/// Why not `Array`: every write to an array stored in the run pays a uniqueness check (copy-on-write) and, with
/// state spread over many arrays, a cache miss per array. This buffer is never shared, so it needs no check:
/// writes go straight through the pointer (`nonmutating` addressors), and a struct element keeps the fields used
/// together in one cache line (the storage is 64-byte aligned). Bounds are checked by `assert`, so in debug
/// builds (all tests) as strictly as an array's.
///
/// Ownership: the memory belongs to a class instance freed with the last copy, so nothing leaks. Copies share the
/// storage; only the run that created a buffer may use it, and only one copy may grow it (a run never copies
/// one). Elements are `BitwiseCopyable`, so nothing needs deinitializing.
struct RunBuffer<Element: BitwiseCopyable>: RandomAccessCollection {
    private final class Storage {
        var pointer: UnsafeMutableRawPointer?
        init() {}
        deinit { pointer?.deallocate() }
    }

    private let owner = Storage()
    private(set) var base: UnsafeMutablePointer<Element>?
    private(set) var count = 0
    private(set) var capacity = 0

    /// An empty buffer.
    init() {}

    /// `count` copies of `value`.
    init(repeating value: Element, count: Int) {
        reserve(count)
        if count > 0 { base.unsafelyUnwrapped.initialize(repeating: value, count: count) }
        self.count = count
    }

    /// Element `i` (0 ≤ i < count). - Complexity: O(1).
    @inline(__always)
    subscript(i: Int) -> Element {
        unsafeAddress {
            assert(i >= 0 && i < count, "RunBuffer index out of range")
            return UnsafePointer(base.unsafelyUnwrapped + i)
        }
        nonmutating unsafeMutableAddress {
            assert(i >= 0 && i < count, "RunBuffer index out of range")
            return base.unsafelyUnwrapped + i
        }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    var isEmpty: Bool { count == 0 }
    var indices: Range<Int> { 0..<count }

    /// Removes and returns the last element, if any (a stack's pop). - Complexity: O(1).
    @inline(__always)
    mutating func popLast() -> Element? {
        guard count > 0 else { return nil }
        count -= 1
        return base.unsafelyUnwrapped[count]
    }

    /// Empties the buffer, keeping its storage. - Complexity: O(1).
    @inline(__always)
    mutating func removeAll() { count = 0 }

    /// Adds `value` at the end. - Complexity: O(1) amortised.
    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { reserve(Swift.max(16, 2 * capacity)) }
        (base.unsafelyUnwrapped + count).initialize(to: value)
        count += 1
    }

    /// Adds `n` copies of `value` at the end.
    mutating func append(repeating value: Element, count n: Int) {
        if count + n > capacity { reserve(Swift.max(count + n, 2 * capacity)) }
        if n > 0 { (base.unsafelyUnwrapped + count).initialize(repeating: value, count: n) }
        count += n
    }

    /// The elements as an array (to hand results out of the run).
    func array() -> [Element] {
        guard count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: base, count: count))
    }

    private mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        let stride = MemoryLayout<Element>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, n * stride),
                                                   alignment: Swift.max(64, MemoryLayout<Element>.alignment))
        let fresh = raw.bindMemory(to: Element.self, capacity: n)
        if let old = base, count > 0 { fresh.initialize(from: old, count: count) }
        owner.pointer?.deallocate()
        owner.pointer = raw
        base = fresh
        capacity = n
    }
}
