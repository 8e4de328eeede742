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
/// Backed by swift-collections' `Heap` (a min-max heap; 1.4–4.6 M events/s measured on the 2-core development machine).
/// Ties never depend on payloads or on heap layout: two events at the same time pop in the order
/// they were pushed, which makes every simulation built on it reproducible.
///
/// The queue never removes an event early. Cancelling is the caller's business (a flag or a
/// version number checked when the event pops), see `EventLoop`.
///
///     var q = EventQueue<String>()
///     q.push("b", at: 2)
///     q.push("a", at: 1)
///     q.pop()?.payload  // "a"
public struct EventQueue<Payload: Sendable>: Sendable {
    @usableFromInline
    struct Entry: Comparable, Sendable {
        @usableFromInline var time: Double
        @usableFromInline var sequence: UInt64
        @usableFromInline var payload: Payload

        @inlinable
        init(time: Double, sequence: UInt64, payload: Payload) {
            self.time = time
            self.sequence = sequence
            self.payload = payload
        }

        @inlinable
        static func < (a: Entry, b: Entry) -> Bool {
            a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
        }

        @inlinable
        static func == (a: Entry, b: Entry) -> Bool { a.time == b.time && a.sequence == b.sequence }
    }

    @usableFromInline var heap: Heap<Entry>
    @usableFromInline var nextSequence: UInt64 = 0

    /// An empty queue.
    public init() { heap = Heap() }

    /// An empty queue with room for `capacity` events.
    public init(minimumCapacity capacity: Int) { heap = Heap(minimumCapacity: capacity) }

    /// Pending events. - Complexity: O(1).
    @inlinable public var count: Int { heap.count }

    /// - Complexity: O(1).
    @inlinable public var isEmpty: Bool { heap.isEmpty }

    /// Events ever pushed (the next sequence number). - Complexity: O(1).
    @inlinable public var pushed: UInt64 { nextSequence }

    /// Time of the earliest pending event, nil when empty. - Complexity: O(1).
    @inlinable public var nextTime: Double? { heap.min?.time }

    /// Identity of the earliest pending event. - Complexity: O(1).
    @inlinable public func peekID() -> EventID? { heap.min.map { EventID(sequence: $0.sequence) } }

    /// Adds an event.
    /// - Parameters:
    ///   - payload: what the event carries.
    ///   - time: virtual time in seconds; must not be NaN.
    /// - Returns: the event's identity (its sequence number).
    /// - Complexity: O(log n).
    @inlinable
    @discardableResult
    public mutating func push(_ payload: Payload, at time: Double) -> EventID {
        precondition(!time.isNaN, "event time is NaN")
        let s = nextSequence
        nextSequence &+= 1
        heap.insert(Entry(time: time, sequence: s, payload: payload))
        return EventID(sequence: s)
    }

    /// Removes and returns the earliest event (lowest time, then lowest sequence).
    /// - Complexity: O(log n).
    @inlinable
    public mutating func pop() -> ScheduledEvent<Payload>? {
        guard let e = heap.popMin() else { return nil }
        return ScheduledEvent(time: e.time, id: EventID(sequence: e.sequence), payload: e.payload)
    }

    /// Removes and returns the earliest event if it fires at or before `time`.
    /// - Complexity: O(log n).
    @inlinable
    public mutating func pop(notAfter time: Double) -> ScheduledEvent<Payload>? {
        guard let t = heap.min?.time, t <= time else { return nil }
        return pop()
    }

    /// Drops every pending event (sequence numbers keep growing).
    /// - Complexity: O(n).
    public mutating func removeAll() { heap = Heap() }

    /// Checks the heap order and that no pending sequence number was reused. For tests.
    /// - Complexity: O(n log n).
    public func checkInvariants() {
        var sequences = Set<UInt64>()
        for e in heap.unordered {
            precondition(!e.time.isNaN, "NaN time in queue")
            precondition(e.sequence < nextSequence, "sequence number from the future")
            precondition(sequences.insert(e.sequence).inserted, "duplicate sequence number")
        }
        var copy = heap
        var last: Entry? = nil
        while let e = copy.popMin() {
            if let l = last { precondition(!(e < l), "heap popped out of order") }
            last = e
        }
    }
}
