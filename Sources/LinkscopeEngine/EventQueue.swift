import HeapModule

/// Identity of a scheduled event: its insertion sequence number, unique within one queue.
///
/// Sequence numbers grow monotonically, so ordering by `(time, sequence)` keeps same-instant
/// events in insertion order (ns-3's `Scheduler::EventKey`, swift-nio's `EmbeddedEventLoop`).
public struct EventID: Hashable, Comparable, Sendable {
    public var sequence: UInt64
    public init(sequence: UInt64) { self.sequence = sequence }
    public static func < (a: EventID, b: EventID) -> Bool { a.sequence < b.sequence }
}

/// An event taken from the queue: when it fires, its identity and what it carries.
public struct ScheduledEvent<Payload: Sendable>: Sendable {
    /// Virtual time in seconds.
    public var time: Double
    public var id: EventID
    public var payload: Payload
    public init(time: Double, id: EventID, payload: Payload) {
        self.time = time
        self.id = id
        self.payload = payload
    }
}

/// A priority queue of events ordered by time, then by insertion sequence.
///
/// Events pushed one after another at the same time share one *batch*: a first-in first-out list kept
/// in a flat array of nodes, with a single entry in the heap (swift-collections' `Heap`). A
/// symmetric collective step schedules a thousand completions at one instant; they cost one heap
/// insertion and removal instead of a thousand. Only the batch of the latest push grows, so a batch's
/// events all come after those of every earlier batch at the same time (their sequence numbers are
/// larger): popping batch by batch, in (time, first sequence) order, pops events in (time, sequence)
/// order exactly as a heap of single events would. Ties never depend on payloads or on heap layout:
/// two events at the same time pop in the order they were pushed, which makes every simulation built
/// on it reproducible.
///
/// The queue never removes an event early. Cancelling is the caller's business (a flag or a
/// version number checked when the event pops), see `EventLoop`.
///
///     var q = EventQueue<String>()
///     q.push("b", at: 2)
///     q.push("a", at: 1)
///     q.pop()?.payload  // "a"
public struct EventQueue<Payload: Sendable>: Sendable {
    /// A batch in the heap: its time, the sequence number of its first event, and its slot in the storage's
    /// `batchHead` (which holds its first pending node, advanced as the batch drains without touching the heap).
    @usableFromInline
    struct Batch: Comparable, Sendable {
        @usableFromInline var time: Double
        @usableFromInline var sequence: UInt64
        @usableFromInline var slot: Int32

        @inlinable
        init(time: Double, sequence: UInt64, slot: Int32) {
            self.time = time
            self.sequence = sequence
            self.slot = slot
        }

        @inlinable
        static func < (a: Batch, b: Batch) -> Bool {
            a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
        }

        @inlinable
        static func == (a: Batch, b: Batch) -> Bool { a.time == b.time && a.sequence == b.sequence }
    }

    /// An event in the queue: what it carries, its sequence number, and the next node of its batch (-1: last).
    /// One struct per event, so that a push or a pop touches one cache line for it.
    @usableFromInline
    struct Node: Sendable {
        @usableFromInline var payload: Payload
        @usableFromInline var sequence: UInt64
        @usableFromInline var next: Int32

        @inlinable
        init(payload: Payload, sequence: UInt64, next: Int32) {
            self.payload = payload
            self.sequence = sequence
            self.next = next
        }
    }

    /// The heap, the nodes and the free-node stack (see `EventQueueStorage`), copied on write.
    @usableFromInline var storage: EventQueueStorage<Payload>
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var _count = 0

    /// The batch that received the latest push, while it is still queued (only it can grow): its time, first
    /// sequence number (its identity) and last node; `openTail` is -1 when there is none.
    @usableFromInline var openTail: Int32 = -1
    @usableFromInline var openTime: Double = 0
    @usableFromInline var openSequence: UInt64 = 0

    /// An empty queue.
    public init() { storage = EventQueueStorage(capacity: 0) }

    /// An empty queue with room for `capacity` events.
    public init(minimumCapacity capacity: Int) { storage = EventQueueStorage(capacity: capacity) }

    /// Pending events. - Complexity: O(1).
    @inlinable public var count: Int { _count }

    /// - Complexity: O(1).
    @inlinable public var isEmpty: Bool { _count == 0 }

    /// Events ever pushed (the next sequence number). - Complexity: O(1).
    @inlinable public var pushed: UInt64 { nextSequence }

    /// Time of the earliest pending event, nil when empty. - Complexity: O(1).
    @inlinable public var nextTime: Double? { storage.heap.min?.time }

    /// Identity of the earliest pending event. - Complexity: O(1).
    @inlinable public func peekID() -> EventID? {
        guard let b = storage.heap.min else { return nil }
        return EventID(sequence: storage.nodes[Int(storage.batchHead[Int(b.slot)])].sequence)
    }

    /// Nodes ever allocated (pending and free). For tests.
    var nodesAllocated: Int { storage.nodeCount }

    /// The storage, copied first if another queue shares it: the one uniqueness check of a mutation.
    @inlinable
    mutating func uniqueStorage() -> EventQueueStorage<Payload> {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    /// Adds an event.
    /// - Parameters:
    ///   - payload: what the event carries.
    ///   - time: virtual time in seconds; must not be NaN.
    /// - Returns: the event's identity (its sequence number).
    /// - Complexity: O(1) when the previous push was at the same time and its batch is still queued,
    ///   else O(log b) for b pending batches.
    @inlinable
    @discardableResult
    public mutating func push(_ payload: Payload, at time: Double) -> EventID {
        precondition(!time.isNaN, "event time is NaN")
        let st = uniqueStorage()
        let s = nextSequence
        nextSequence &+= 1
        let node: Int32
        if st.freeCount > 0 {
            st.freeCount -= 1
            node = st.free[st.freeCount]
            st.nodes[Int(node)] = Node(payload: payload, sequence: s, next: -1)
        } else {
            if st.nodeCount == st.nodeCapacity { st.growNodes() }
            node = Int32(st.nodeCount)
            (st.nodes + st.nodeCount).initialize(to: Node(payload: payload, sequence: s, next: -1))
            st.nodeCount += 1
        }
        _count += 1
        if openTail >= 0 && openTime == time {
            st.nodes[Int(openTail)].next = node
        } else {
            st.heap.insert(Batch(time: time, sequence: s, slot: st.newBatch(head: node)))
            openTime = time
            openSequence = s
        }
        openTail = node
        return EventID(sequence: s)
    }

    /// Removes and returns the earliest event (lowest time, then lowest sequence).
    /// - Complexity: O(1) within a batch, O(log b) when a batch empties.
    @inlinable
    public mutating func pop() -> ScheduledEvent<Payload>? {
        guard storage.heap.count > 0 else { return nil }
        let st = uniqueStorage()
        guard let b = st.heap.min else { return nil }
        let node = Int(st.batchHead[Int(b.slot)])
        let event = st.nodes[node]
        if event.next < 0 {
            st.heap.removeMin()
            st.freeBatch(b.slot)
            if openTail >= 0 && openSequence == b.sequence { openTail = -1 }
        } else {
            st.batchHead[Int(b.slot)] = event.next  // the heap's key (time, first sequence) is unchanged
        }
        st.free[st.freeCount] = Int32(node)
        st.freeCount += 1
        _count -= 1
        return ScheduledEvent(time: b.time, id: EventID(sequence: event.sequence), payload: event.payload)
    }

    /// Removes and returns the earliest event if it fires at or before `time`.
    /// - Complexity: as `pop()`.
    @inlinable
    public mutating func pop(notAfter time: Double) -> ScheduledEvent<Payload>? {
        guard let t = storage.heap.min?.time, t <= time else { return nil }
        return pop()
    }

    /// Drops every pending event (sequence numbers keep growing).
    /// - Complexity: O(n).
    public mutating func removeAll() {
        storage = EventQueueStorage(capacity: 0)
        _count = 0
        openTail = -1
    }

    /// The pending events in pop order, by walking the batches. For tests.
    func pendingInOrder() -> [(time: Double, sequence: UInt64)] {
        var out: [(time: Double, sequence: UInt64)] = []
        let batches = Array(storage.heap.unordered)
        for b in batches.sorted(by: <) {
            var node = storage.batchHead[Int(b.slot)]
            while node >= 0 {
                out.append((b.time, storage.nodes[Int(node)].sequence))
                node = storage.nodes[Int(node)].next
            }
        }
        return out
    }

    /// Checks the batch order and that no pending sequence number was reused. For tests.
    /// - Complexity: O(n log n).
    public func checkInvariants() {
        precondition(storage.freeCount + _count == storage.nodeCount, "nodes lost or counted twice")
        var sequences = Set<UInt64>()
        let events = pendingInOrder()
        precondition(events.count == _count, "event count out of step with the batches")
        for (i, e) in events.enumerated() {
            precondition(!e.time.isNaN, "NaN time in queue")
            precondition(e.sequence < nextSequence, "sequence number from the future")
            precondition(sequences.insert(e.sequence).inserted, "duplicate sequence number")
            if i > 0 {
                let p = events[i - 1]
                precondition(p.time < e.time || (p.time == e.time && p.sequence < e.sequence), "heap popped out of order")
            }
        }
    }
}

/// The memory of an `EventQueue`: its batch heap, its event nodes and its stack of free nodes, in buffers of its
/// own. A push or a pop edits up to three of them; as arrays, each edit paid a uniqueness check (copy-on-write),
/// several per event. The queue checks this one object once per mutation instead (`uniqueStorage`), copying it
/// when shared, so it keeps value semantics.
///
/// Nodes `0 ..< nodeCount` are initialised (free ones keep their last payload until reused, as an array's
/// elements would); the free stack has room for every node.
@usableFromInline
final class EventQueueStorage<Payload: Sendable>: @unchecked Sendable {
    // @unchecked: mutated only through `EventQueue.uniqueStorage()`, i.e. when no other queue holds it.
    @usableFromInline typealias Batch = EventQueue<Payload>.Batch
    @usableFromInline typealias Node = EventQueue<Payload>.Node

    // No dynamic exclusivity checks on these (a class's stored properties get one per access otherwise): every
    // access goes through the one queue that owns the storage, whose own exclusivity is checked statically.
    @exclusivity(unchecked) @usableFromInline var heap: Heap<Batch>
    /// First pending node of each batch slot, and the stack of free slots (as many as batches ever pending).
    @exclusivity(unchecked) @usableFromInline var batchHead: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) @usableFromInline var batchSlots = 0
    @exclusivity(unchecked) @usableFromInline var batchCapacity: Int
    @exclusivity(unchecked) @usableFromInline var freeBatches: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) @usableFromInline var freeBatchCount = 0
    @exclusivity(unchecked) @usableFromInline var nodes: UnsafeMutablePointer<Node>
    @exclusivity(unchecked) @usableFromInline var nodeCount = 0
    @exclusivity(unchecked) @usableFromInline var nodeCapacity: Int
    @exclusivity(unchecked) @usableFromInline var free: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) @usableFromInline var freeCount = 0

    @usableFromInline
    init(capacity: Int) {
        let n = Swift.max(16, capacity)
        heap = Heap()
        heap.reserveCapacity(n)
        batchHead = .allocate(capacity: n)
        freeBatches = .allocate(capacity: n)
        batchCapacity = n
        nodes = .allocate(capacity: n)
        nodeCapacity = n
        free = .allocate(capacity: n)
    }

    deinit {
        batchHead.deinitialize(count: batchSlots)
        batchHead.deallocate()
        freeBatches.deinitialize(count: freeBatchCount)
        freeBatches.deallocate()
        nodes.deinitialize(count: nodeCount)
        nodes.deallocate()
        free.deinitialize(count: freeCount)
        free.deallocate()
    }

    /// A copy with the same contents (for copy-on-write).
    @usableFromInline
    func copy() -> EventQueueStorage {
        let c = EventQueueStorage(capacity: Swift.max(nodeCapacity, batchCapacity))
        c.heap = heap
        c.batchHead.initialize(from: batchHead, count: batchSlots)
        c.batchSlots = batchSlots
        c.freeBatches.initialize(from: freeBatches, count: freeBatchCount)
        c.freeBatchCount = freeBatchCount
        c.nodes.initialize(from: nodes, count: nodeCount)
        c.nodeCount = nodeCount
        c.free.initialize(from: free, count: freeCount)
        c.freeCount = freeCount
        return c
    }

    /// Doubles the room for nodes (and for the free stack, which may hold them all).
    @usableFromInline
    func growNodes() {
        let n = 2 * nodeCapacity
        nodes = Self.moved(nodes, count: nodeCount, capacity: n)
        free = Self.moved(free, count: freeCount, capacity: n)
        nodeCapacity = n
    }

    /// A buffer of `capacity` holding the `count` elements moved out of `old`, which is freed.
    @usableFromInline
    static func moved<T>(_ old: UnsafeMutablePointer<T>, count: Int, capacity: Int) -> UnsafeMutablePointer<T> {
        let fresh = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        fresh.moveInitialize(from: old, count: count)
        old.deallocate()
        return fresh
    }

    /// A batch slot holding `head`: a free one, else a new one.
    @inlinable
    func newBatch(head: Int32) -> Int32 {
        if freeBatchCount > 0 {
            freeBatchCount -= 1
            let slot = freeBatches[freeBatchCount]
            batchHead[Int(slot)] = head
            return slot
        }
        if batchSlots == batchCapacity {
            let n = 2 * batchCapacity
            batchHead = Self.moved(batchHead, count: batchSlots, capacity: n)
            freeBatches = Self.moved(freeBatches, count: freeBatchCount, capacity: n)
            batchCapacity = n
        }
        (batchHead + batchSlots).initialize(to: head)
        batchSlots += 1
        return Int32(batchSlots - 1)
    }

    /// Returns an emptied batch's slot.
    @inlinable
    func freeBatch(_ slot: Int32) {
        freeBatches[freeBatchCount] = slot
        freeBatchCount += 1
    }
}
