/// A duration or an instant of simulated time, in seconds.
///
/// Seconds as `Double` keep fair-share arithmetic exact enough (relative error ~1e-16) while the
/// engine orders events by (time, sequence number), so equal times never depend on hash order.
public struct Seconds: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The duration in seconds.
    public var value: Double
    /// `value` seconds.
    public init(_ value: Double) { self.value = value }

    /// No time.
    public static let zero = Seconds(0)
    /// `v` ns.
    public static func nanoseconds(_ v: Double) -> Seconds { Seconds(v * 1e-9) }
    /// `v` µs.
    public static func microseconds(_ v: Double) -> Seconds { Seconds(v * 1e-6) }
    /// `v` ms.
    public static func milliseconds(_ v: Double) -> Seconds { Seconds(v * 1e-3) }

    /// Rounded to whole nanoseconds, the resolution of timelines and trace files.
    public var nanoseconds: Int64 { Int64((value * 1e9).rounded()) }

    /// Orders by duration.
    public static func < (a: Seconds, b: Seconds) -> Bool { a.value < b.value }
    /// Sum of two durations.
    public static func + (a: Seconds, b: Seconds) -> Seconds { Seconds(a.value + b.value) }
    /// Difference of two durations.
    public static func - (a: Seconds, b: Seconds) -> Seconds { Seconds(a.value - b.value) }
    /// Adds `b` to `a`.
    public static func += (a: inout Seconds, b: Seconds) { a.value += b.value }
    /// The duration scaled by `k`.
    public static func * (a: Seconds, k: Double) -> Seconds { Seconds(a.value * k) }

    /// Readable ns, us, ms or s.
    public var description: String { Format.duration(value) }
}

extension Bytes {
    /// Time to move these bytes at `bandwidth` (no latency term).
    public func time(at bandwidth: Bandwidth) -> Seconds { Seconds(double / bandwidth.bytesPerSecond) }
}
