import HeapModule

/// PLACEHOLDER: the discrete-event queue (replaced by the engine work).
public struct EventQueue<Payload: Sendable>: Sendable {
    public init() {}
}
