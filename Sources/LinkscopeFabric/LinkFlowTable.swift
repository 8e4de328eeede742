/// What a run keeps per link and reads or writes on every flow start, drain and solve, packed in one 64-byte
/// cache line (`RunBuffer` aligns its storage to 64): a flow start then costs one miss per hop instead of one
/// per array (the fields used to live in ten arrays).
struct LinkState {
    /// Bytes/s available to flows (bandwidth × efficiency).
    var capacity: Double
    /// Start of the current busy period (meaningful while `flowCount > 0`).
    var busySince: Double = 0
    /// Seconds with at least one flow, summed over closed busy periods (and mirrored transfers).
    var busy: Double = 0
    /// Bytes of every flow started on the link (and of mirrored transfers).
    var bytes: Int64 = 0
    /// Fair-share scratch: capacity not yet given to frozen flows (see `fillComponent`).
    var residual: Double = 0
    /// This link's run of slots in `LinkFlowTable.storage` and how many are in use.
    var flowStart: Int32 = 0
    var flowCount: Int32 = 0
    /// Fair-share scratch: solve epoch that last reached the link; heap-entry version; flows not yet frozen.
    var mark: UInt32 = 0
    var version: UInt32 = 0
    var unfrozen: Int32 = 0
    /// Slots in the link's run: 0 when the shift is 0, else 2 << shift (4, 8, 16, ...), so that it fits a byte.
    var flowRoomShift: UInt8 = 0
    /// Whether the link is already listed in `FabricRun.touchedLinks` for this instant.
    var touched = false

    init(capacity: Double) { self.capacity = capacity }

    /// Slots in the link's run of the flow slab.
    @inline(__always)
    var flowRoom: Int32 { flowRoomShift == 0 ? 0 : Int32(2) << flowRoomShift }
}

/// The flows on each link, kept in one flat slab instead of an array per link: adding and removing a flow, millions
/// of times a run, then touches the slab and the link's `LinkState` line (no per-link buffer to check for uniqueness
/// or to grow on its own).
///
/// Each link owns a run of slots `storage[flowStart ..< flowStart + flowRoom]` (fields of its `LinkState`), the first
/// `flowCount` in use, in the order a per-link array would hold them: a flow is appended at the end and removed by
/// swapping the last one into its place, so every walk over a link's flows sees the same order as before. A full run
/// moves to the end of the slab with twice the room (amortised O(1); the space left behind is not reused).
struct LinkFlowTable {
    private(set) var storage = RunBuffer<Int32>()

    /// Slots of `storage` holding the flows on `link`. - Complexity: O(1).
    @inline(__always)
    func range(_ link: LinkState) -> Range<Int> { Int(link.flowStart)..<Int(link.flowStart + link.flowCount) }

    /// The first flow on `link` (which must have one).
    @inline(__always)
    func first(_ link: LinkState) -> Int32 { storage[Int(link.flowStart)] }

    /// Adds flow `f` at the end of the link's list.
    @inline(__always)
    mutating func append(_ f: Int32, to link: inout LinkState) {
        if link.flowCount == link.flowRoom { grow(&link) }
        storage[Int(link.flowStart + link.flowCount)] = f
        link.flowCount += 1
    }

    private mutating func grow(_ link: inout LinkState) {
        let old = Int(link.flowStart), n = Int(link.flowCount)
        let shift = link.flowRoomShift + 1  // room max(4, 2 · room)
        let fresh = storage.count
        storage.append(repeating: 0, count: Int(Int32(2) << shift))
        for k in 0..<n { storage[fresh + k] = storage[old + k] }
        link.flowStart = Int32(fresh)
        link.flowRoomShift = shift
    }

    /// Removes flow `f` from the link (swapping the last flow into its place). Does nothing if absent.
    @inline(__always)
    mutating func remove(_ f: Int32, from link: inout LinkState) {
        let s = Int(link.flowStart), n = Int(link.flowCount)
        guard n > 0 else { return }
        let last = s + n - 1
        if storage[last] != f {
            var p = s
            while p < last && storage[p] != f { p += 1 }
            guard p < last else { return }
            storage[p] = storage[last]
            storage[last] = f
        }
        link.flowCount -= 1
    }
}
