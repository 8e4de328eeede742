/// A byte count. Sizes are exact integers; `GB = 1e9`, `GiB = 2^30`, never mixed silently.
public struct Bytes: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var count: Int64

    public init(_ count: Int64) { self.count = count }
    public init(_ count: Int) { self.count = Int64(count) }

    public static let zero = Bytes(Int64(0))
    public static func kilobytes(_ v: Int64) -> Bytes { Bytes(v * 1_000) }
    public static func megabytes(_ v: Int64) -> Bytes { Bytes(v * 1_000_000) }
    public static func gigabytes(_ v: Int64) -> Bytes { Bytes(v * 1_000_000_000) }
    public static func kibibytes(_ v: Int64) -> Bytes { Bytes(v << 10) }
    public static func mebibytes(_ v: Int64) -> Bytes { Bytes(v << 20) }
    public static func gibibytes(_ v: Int64) -> Bytes { Bytes(v << 30) }

    public var double: Double { Double(count) }

    public static func < (a: Bytes, b: Bytes) -> Bool { a.count < b.count }
    public static func + (a: Bytes, b: Bytes) -> Bytes { Bytes(a.count + b.count) }
    public static func - (a: Bytes, b: Bytes) -> Bytes { Bytes(a.count - b.count) }
    public static func * (a: Bytes, k: Int64) -> Bytes { Bytes(a.count * k) }
    public static func += (a: inout Bytes, b: Bytes) { a.count += b.count }

    /// Binary units for sizes that are exact powers of two, decimal otherwise ("1 GiB", "4.81 MB").
    public var description: String { Format.bytes(count) }
}

/// Link bandwidth in bytes per second, **per direction**.
public struct Bandwidth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var bytesPerSecond: Double

    public init(bytesPerSecond: Double) { self.bytesPerSecond = bytesPerSecond }
    public static func gigabytesPerSecond(_ v: Double) -> Bandwidth { Bandwidth(bytesPerSecond: v * 1e9) }
    public static func gigabitsPerSecond(_ v: Double) -> Bandwidth { Bandwidth(bytesPerSecond: v * 1e9 / 8) }
    public static func gibibytesPerSecond(_ v: Double) -> Bandwidth {
        Bandwidth(bytesPerSecond: v * 1_073_741_824)
    }

    /// Decimal GB/s (1e9), the unit of every report.
    public var gigabytesPerSecond: Double { bytesPerSecond / 1e9 }

    public static func < (a: Bandwidth, b: Bandwidth) -> Bool { a.bytesPerSecond < b.bytesPerSecond }
    public static func * (a: Bandwidth, k: Double) -> Bandwidth { Bandwidth(bytesPerSecond: a.bytesPerSecond * k) }
    public static func + (a: Bandwidth, b: Bandwidth) -> Bandwidth {
        Bandwidth(bytesPerSecond: a.bytesPerSecond + b.bytesPerSecond)
    }

    public var description: String { Format.bandwidth(bytesPerSecond) }
}

/// Compute throughput in floating-point operations per second.
public struct FlopRate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var flopsPerSecond: Double
    public init(flopsPerSecond: Double) { self.flopsPerSecond = flopsPerSecond }
    public static func teraflops(_ v: Double) -> FlopRate { FlopRate(flopsPerSecond: v * 1e12) }
    public static func < (a: FlopRate, b: FlopRate) -> Bool { a.flopsPerSecond < b.flopsPerSecond }
    public var description: String { Format.number(flopsPerSecond / 1e12) + " TFLOP/s" }
}
