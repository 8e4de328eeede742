/// A discrete-event loop: a virtual clock in seconds plus an `EventQueue`, with cancellation.
///
/// The engine knows nothing about networks (ns-3's `Simulator`, SimPy's `Environment`, swift-nio's
/// `EmbeddedEventLoop`). The clock starts at zero and only moves forward, to the time of the event
/// being handed out. Events at the same time come out in scheduling order.
///
/// Cancelling flags an event id; the flagged event is skipped when it reaches the front of the
/// queue, never searched for and removed. Models with many reschedulings (predicted completion
/// times) should prefer a version number in the payload and ignore stale versions themselves,
/// which costs nothing per cancellation.
///
///     var loop = EventLoop<String>()
///     loop.schedule("tick", after: 1)
///     loop.run(until: 10) { loop, event in print(loop.now, event.payload) }
public struct EventLoop<Payload: Sendable>: Sendable {
    @usableFromInline var _now: Double = 0
    @usableFromInline var _processed: Int = 0

    /// Current virtual time in seconds.
    @inlinable public var now: Double { _now }
    /// Events handed out so far (cancelled ones are not counted).
    @inlinable public var processed: Int { _processed }
    @usableFromInline var queue: EventQueue<Payload>
    /// Pending cancelled ids. Membership only; never iterated, so order cannot leak into results.
    @usableFromInline var cancelled: Set<EventID> = []

    public init() { queue = EventQueue() }

    /// An empty loop with room for `capacity` pending events.
    public init(minimumCapacity capacity: Int) { queue = EventQueue(minimumCapacity: capacity) }

    /// Pending events, cancelled ones included until they are skipped. - Complexity: O(1).
    @inlinable public var pending: Int { queue.count }

    /// Schedules `payload` at absolute time `time` (not before `now`).
    /// - Complexity: O(log n).
    @inlinable
    @discardableResult
    public mutating func schedule(_ payload: Payload, at time: Double) -> EventID {
        precondition(time >= now, "scheduling into the past")
        return queue.push(payload, at: time)
    }

    /// Schedules `payload` `delay` seconds from now (`delay` ≥ 0).
    /// - Complexity: O(log n).
    @inlinable
    @discardableResult
    public mutating func schedule(_ payload: Payload, after delay: Double) -> EventID {
        schedule(payload, at: now + delay)
    }

    /// Marks an event so that it is skipped. Cancelling a fired or unknown id has no effect
    /// beyond remembering it until the queue drains past it.
    /// - Complexity: O(1) amortised.
    @inlinable
    public mutating func cancel(_ id: EventID) {
        if id.sequence < queue.pushed { cancelled.insert(id) }
    }

    /// Time of the next pending event, cancelled ones skipped. - Complexity: O(k log n) for k skipped.
    @inlinable
    public mutating func nextTime() -> Double? {
        skipCancelled()
        return queue.nextTime
    }

    /// Hands out the next event and advances the clock to its time.
    /// - Complexity: O(log n) plus O(log n) per skipped cancelled event.
    @inlinable
    public mutating func next() -> ScheduledEvent<Payload>? {
        next(notAfter: .infinity)
    }

    /// Hands out the next event if it fires at or before `limit`, advancing the clock.
    /// With `limit == now` this drains the current instant, including events scheduled while
    /// handling it: the way to batch one timestamp.
    /// - Complexity: O(log n) per event.
    @inlinable
    public mutating func next(notAfter limit: Double) -> ScheduledEvent<Payload>? {
        skipCancelled()
        guard let e = queue.pop(notAfter: limit) else { return nil }
        _now = e.time
        _processed += 1
        return e
    }

    /// Hands out events in order until the queue is empty or the next one is after `limit`;
    /// the clock then stands at `limit` when finite and reached, else at the last event.
    /// - Complexity: O(n log n) for n events handled.
    @inlinable
    public mutating func run<E: Error>(
        until limit: Double = .infinity,
        _ handle: (inout EventLoop, ScheduledEvent<Payload>) throws(E) -> Void
    ) throws(E) {
        while let e = next(notAfter: limit) {
            try handle(&self, e)
        }
        if limit.isFinite && limit > _now { _now = limit }
    }

    @inlinable
    mutating func skipCancelled() {
        guard !cancelled.isEmpty else { return }
        while let id = queue.peekID(), cancelled.contains(id) {
            _ = queue.pop()
            cancelled.remove(id)
        }
    }

    /// Checks the queue and that the clock is not ahead of any pending event. For tests.
    /// - Complexity: O(n log n).
    public func checkInvariants() {
        queue.checkInvariants()
        if let t = queue.nextTime { precondition(t >= now, "pending event before the clock") }
        precondition(processed >= 0)
    }
}
