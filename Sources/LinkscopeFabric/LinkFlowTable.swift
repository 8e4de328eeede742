/// The flows on each link, kept in one flat slab instead of an array per link: adding and removing a flow, millions
/// of times a run, then touches two flat arrays instead of a nested one (no per-link buffer to check for uniqueness
/// or to grow on its own).
///
/// Each link owns a run of slots `storage[start[l] ..< start[l] + capacity[l]]`, the first `count[l]` in use, in the
/// order a per-link array would hold them: a flow is appended at the end and removed by swapping the last one into
/// its place, so every walk over a link's flows sees the same order as before. A full run moves to the end of the
/// slab with twice the room (amortised O(1); the space left behind is not reused).
struct LinkFlowTable {
    private(set) var storage: [Int32] = []
    private var start: [Int32]
    private var capacity: [Int32]
    /// Flows on each link.
    private(set) var count: [Int32]

    init(links: Int) {
        start = Array(repeating: 0, count: links)
        capacity = Array(repeating: 0, count: links)
        count = Array(repeating: 0, count: links)
    }

    /// Slots of `storage` holding the flows on link `l`. - Complexity: O(1).
    @inline(__always)
    func range(_ l: Int) -> Range<Int> { Int(start[l])..<Int(start[l] + count[l]) }

    /// The first flow on link `l` (which must have one).
    @inline(__always)
    func first(_ l: Int) -> Int32 { storage[Int(start[l])] }

    /// Adds flow `f` at the end of link `l`'s list.
    @inline(__always)
    mutating func append(_ f: Int32, to l: Int) {
        if count[l] == capacity[l] { grow(l) }
        storage[Int(start[l] + count[l])] = f
        count[l] += 1
    }

    private mutating func grow(_ l: Int) {
        let old = Int(start[l]), n = Int(count[l])
        let room = Swift.max(4, 2 * Int(capacity[l]))
        let fresh = storage.count
        storage.append(contentsOf: repeatElement(Int32(0), count: room))
        for k in 0..<n { storage[fresh + k] = storage[old + k] }
        start[l] = Int32(fresh)
        capacity[l] = Int32(room)
    }

    /// Removes flow `f` from link `l` (swapping the last flow into its place). Does nothing if absent.
    @inline(__always)
    mutating func remove(_ f: Int32, from l: Int) {
        let s = Int(start[l]), n = Int(count[l])
        guard n > 0 else { return }
        let last = s + n - 1
        if storage[last] != f {
            var p = s
            while p < last && storage[p] != f { p += 1 }
            guard p < last else { return }
            storage[p] = storage[last]
            storage[last] = f
        }
        count[l] -= 1
    }
}
