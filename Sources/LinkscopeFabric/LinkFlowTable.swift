/// What a run reads or writes per link on every flow start and drain and every solve of a lone flow, packed in
/// 32 bytes (half a cache line; `RunBuffer` aligns its storage to 64): a flow start costs one miss per hop instead
/// of one per array (the fields used to live in ten arrays), and the links of a 1024-GPU fabric (20 k) fit in a
/// core's L2. What only multi-flow solves need is in `LinkScratch`.
struct LinkState {
    /// Start of the current busy period (meaningful while `flowCount > 0`).
    var busySince: Double = 0
    /// Seconds with at least one flow, summed over closed busy periods (and mirrored transfers).
    var busy: Double = 0
    /// Flows on the link; the first of them (kept here: most links carry one flow, and then the slab is never read);
    /// where the others live in `LinkFlowTable.storage`.
    var flowCount: Int32 = 0
    var firstFlow: Int32 = 0
    var flowStart: Int32 = 0
    /// Solve epoch that last reached the link (16 bits: marks are cleared when the epoch wraps, every 65535 solves).
    var mark: UInt16 = 0
    /// Slots in the link's run of the slab: 0 when the shift is 0, else 2 << shift (4, 8, 16, ...), so that it
    /// fits a byte.
    var flowRoomShift: UInt8 = 0
    /// Whether the link is already listed in `FabricRun.touchedLinks` for this instant.
    var touched = false

    init() {}

    /// Slots in the link's run of the flow slab.
    @inline(__always)
    var flowRoom: Int32 { flowRoomShift == 0 ? 0 : Int32(2) << flowRoomShift }
}

/// Per link, what only progressive filling (`FabricRun.fillComponent`) and the checks need.
struct LinkScratch {
    /// Bytes/s available to flows (bandwidth × efficiency).
    var capacity: Double
    /// Capacity not yet given to frozen flows.
    var residual: Double = 0
    /// Version of the link's live share-heap entry; flows on it not yet frozen.
    var version: UInt32 = 0
    var unfrozen: Int32 = 0

    init(capacity: Double) { self.capacity = capacity }
}

/// The flows on each link, kept in one flat slab instead of an array per link: adding and removing a flow, millions
/// of times a run, then touches the link's `LinkState` line, and the slab only when the link has more than one flow
/// (no per-link buffer to check for uniqueness or to grow on its own).
///
/// A link's list is its `firstFlow`, then the slots `storage[flowStart ..< flowStart + flowCount - 1]` of its run
/// (`flowRoom` slots), in the order a per-link array would hold them: a flow is appended at the end and removed by
/// swapping the last one into its place, so every walk over a link's flows sees the same order as before. A full run
/// moves to the end of the slab with twice the room (amortised O(1); the space left behind is not reused).
struct LinkFlowTable {
    private(set) var storage = RunBuffer<Int32>()

    /// The flows on `link`, in list order. - Complexity: O(1) to make, O(1) per flow.
    @inline(__always)
    func flows(on link: LinkState) -> LinkFlows {
        LinkFlows(first: link.firstFlow, rest: storage.base.map { $0 + Int(link.flowStart) }, count: Int(link.flowCount))
    }

    /// The flow at position `i` of the link's list.
    @inline(__always)
    private func flow(_ i: Int, of link: LinkState) -> Int32 {
        i == 0 ? link.firstFlow : storage[Int(link.flowStart) + i - 1]
    }

    @inline(__always)
    private func setFlow(_ i: Int, of link: LinkState, to f: Int32) {
        if i == 0 { return }  // the first is set by the caller (it lives in the link's line)
        storage[Int(link.flowStart) + i - 1] = f
    }

    /// Adds flow `f` at the end of the link's list.
    @inline(__always)
    mutating func append(_ f: Int32, to link: inout LinkState) {
        let n = link.flowCount
        if n == 0 {
            link.firstFlow = f
        } else {
            if n - 1 == link.flowRoom { grow(&link) }
            storage[Int(link.flowStart + n - 1)] = f
        }
        link.flowCount = n + 1
    }

    private mutating func grow(_ link: inout LinkState) {
        let old = Int(link.flowStart), n = Int(link.flowCount) - 1
        let shift = link.flowRoomShift + 1  // room max(4, 2 · room)
        let fresh = storage.count
        storage.append(repeating: 0, count: Int(Int32(2) << shift))
        for k in 0..<n { storage[fresh + k] = storage[old + k] }
        link.flowStart = Int32(fresh)
        link.flowRoomShift = shift
    }

    /// Removes flow `f` from the link (moving the last flow into its place). Does nothing if absent.
    @inline(__always)
    mutating func remove(_ f: Int32, from link: inout LinkState) {
        let n = Int(link.flowCount)
        guard n > 0 else { return }
        let last = n - 1
        let lastFlow = flow(last, of: link)
        if lastFlow != f {
            var p = 0
            while p < last && flow(p, of: link) != f { p += 1 }
            guard p < last else { return }
            if p == 0 { link.firstFlow = lastFlow } else { setFlow(p, of: link, to: lastFlow) }
        }
        link.flowCount -= 1
    }
}

/// The flows on one link, in list order (`LinkFlowTable.flows(on:)`): a snapshot, valid while no flow is added to
/// or removed from the link.
struct LinkFlows: Sequence, IteratorProtocol {
    let first: Int32
    let rest: UnsafeMutablePointer<Int32>?
    let count: Int
    var position = 0

    init(first: Int32, rest: UnsafeMutablePointer<Int32>?, count: Int) {
        self.first = first
        self.rest = rest
        self.count = count
    }

    @inline(__always)
    mutating func next() -> Int32? {
        guard position < count else { return nil }
        defer { position += 1 }
        return position == 0 ? first : rest.unsafelyUnwrapped[position - 1]
    }

    var underestimatedCount: Int { count }
}
