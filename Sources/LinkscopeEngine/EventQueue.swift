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
/// in a flat array of nodes, with a single entry in the heap (a 4-ary min-heap: half the depth of a binary
/// heap, and a node's four children share one or two cache lines). A
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
    /// A batch in the heap: its time, the sequence number of its first event, and the node of its first
    /// pending event (advanced in place as the batch drains: it is not part of the key).
    @usableFromInline
    struct Batch: Comparable, Sendable {
        @usableFromInline var time: Double
        @usableFromInline var sequence: UInt64
        @usableFromInline var head: Int32

        @inlinable
        init(time: Double, sequence: UInt64, head: Int32) {
            self.time = time
            self.sequence = sequence
            self.head = head
        }

        @inlinable
        static func < (a: Batch, b: Batch) -> Bool {
            a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
        }

        @inlinable
        static func == (a: Batch, b: Batch) -> Bool { a.time == b.time && a.sequence == b.sequence }
    }

    /// The batches, as an implicit 4-ary min-heap by (time, sequence): children of `i` are `4i + 1 ... 4i + 4`.
    /// Keys are unique, so the pop order is fixed whatever the heap's shape.
    @usableFromInline var heap: [Batch] = []
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var _count = 0

    /// The batch that received the latest push, while it is still queued (only it can grow): its time, first
    /// sequence number (its identity) and last node; `openTail` is -1 when there is none.
    @usableFromInline var openTail: Int32 = -1
    @usableFromInline var openTime: Double = 0
    @usableFromInline var openSequence: UInt64 = 0

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

    @usableFromInline var nodes: [Node] = []
    /// Popped nodes, reused last-in first-out. A stack of its own rather than a list threaded through the free
    /// nodes: taking a node then reads this small hot array, not the node's own (cold) line.
    @usableFromInline var freeNodes: [Int32] = []

    /// An empty queue.
    public init() {}

    /// An empty queue with room for `capacity` events.
    public init(minimumCapacity capacity: Int) {
        heap.reserveCapacity(capacity)
        nodes.reserveCapacity(capacity)
    }

    /// Pending events. - Complexity: O(1).
    @inlinable public var count: Int { _count }

    /// - Complexity: O(1).
    @inlinable public var isEmpty: Bool { _count == 0 }

    /// Events ever pushed (the next sequence number). - Complexity: O(1).
    @inlinable public var pushed: UInt64 { nextSequence }

    /// Time of the earliest pending event, nil when empty. - Complexity: O(1).
    @inlinable public var nextTime: Double? { heap.first?.time }

    /// Identity of the earliest pending event. - Complexity: O(1).
    @inlinable public func peekID() -> EventID? {
        guard let b = heap.first else { return nil }
        return EventID(sequence: nodes[Int(b.head)].sequence)
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
        let s = nextSequence
        nextSequence &+= 1
        let node: Int32
        if !freeNodes.isEmpty {
            node = freeNodes.removeLast()
            nodes[Int(node)] = Node(payload: payload, sequence: s, next: -1)
        } else {
            node = Int32(nodes.count)
            nodes.append(Node(payload: payload, sequence: s, next: -1))
        }
        _count += 1
        if openTail >= 0 && openTime == time {
            nodes[Int(openTail)].next = node
        } else {
            heapInsert(Batch(time: time, sequence: s, head: node))
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
        guard let b = heap.first else { return nil }
        let node = Int(b.head)
        let event = nodes[node]
        if event.next < 0 {
            heapRemoveMin()
            if openTail >= 0 && openSequence == b.sequence { openTail = -1 }
        } else {
            heap[0].head = event.next
        }
        freeNodes.append(Int32(node))
        _count -= 1
        return ScheduledEvent(time: b.time, id: EventID(sequence: event.sequence), payload: event.payload)
    }

    /// Adds a batch to the heap. - Complexity: O(log₄ b).
    @inlinable
    mutating func heapInsert(_ batch: Batch) {
        var i = heap.count
        heap.append(batch)
        heap.withUnsafeMutableBufferPointer { h in
            while i > 0 {
                let parent = (i - 1) >> 2
                guard batch < h[parent] else { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = batch
        }
    }

    /// Removes the heap's first batch (which must exist). - Complexity: O(log₄ b).
    @inlinable
    mutating func heapRemoveMin() {
        let last = heap.removeLast()
        let n = heap.count
        guard n > 0 else { return }
        heap.withUnsafeMutableBufferPointer { h in
            var i = 0
            while true {
                let first = 4 * i + 1
                if first >= n { break }
                var best = first
                let end = Swift.min(first + 4, n)
                var c = first + 1
                while c < end {
                    if h[c] < h[best] { best = c }
                    c += 1
                }
                guard h[best] < last else { break }
                h[i] = h[best]
                i = best
            }
            h[i] = last
        }
    }

    /// Removes and returns the earliest event if it fires at or before `time`.
    /// - Complexity: as `pop()`.
    @inlinable
    public mutating func pop(notAfter time: Double) -> ScheduledEvent<Payload>? {
        guard let t = heap.first?.time, t <= time else { return nil }
        return pop()
    }

    /// Drops every pending event (sequence numbers keep growing).
    /// - Complexity: O(n).
    public mutating func removeAll() {
        heap = []
        _count = 0
        openTail = -1
        nodes = []
        freeNodes = []
    }

    /// The pending events in pop order, by walking the batches. For tests.
    func pendingInOrder() -> [(time: Double, sequence: UInt64)] {
        var out: [(time: Double, sequence: UInt64)] = []
        for b in heap.sorted(by: <) {
            var node = b.head
            while node >= 0 {
                out.append((b.time, nodes[Int(node)].sequence))
                node = nodes[Int(node)].next
            }
        }
        return out
    }

    /// Checks the batch order and that no pending sequence number was reused. For tests.
    /// - Complexity: O(n log n).
    public func checkInvariants() {
        for i in heap.indices.dropFirst() {
            precondition(!(heap[i] < heap[(i - 1) >> 2]), "heap order broken")
        }
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
