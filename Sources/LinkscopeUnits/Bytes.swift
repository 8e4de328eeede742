/// A byte count. Sizes are exact integers; `GB = 1e9`, `GiB = 2^30`, never mixed silently.
public struct Bytes: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The exact number of bytes.
    public var count: Int64

    /// `count` bytes.
    public init(_ count: Int64) { self.count = count }
    /// `count` bytes.
    public init(_ count: Int) { self.count = Int64(count) }

    /// No bytes.
    public static let zero = Bytes(Int64(0))
    /// `v` × 1000 bytes (KB, decimal).
    public static func kilobytes(_ v: Int64) -> Bytes { Bytes(v * 1_000) }
    /// `v` × 10^6 bytes (MB, decimal).
    public static func megabytes(_ v: Int64) -> Bytes { Bytes(v * 1_000_000) }
    /// `v` × 10^9 bytes (GB, decimal).
    public static func gigabytes(_ v: Int64) -> Bytes { Bytes(v * 1_000_000_000) }
    /// `v` × 2^10 bytes (KiB, binary).
    public static func kibibytes(_ v: Int64) -> Bytes { Bytes(v << 10) }
    /// `v` × 2^20 bytes (MiB, binary).
    public static func mebibytes(_ v: Int64) -> Bytes { Bytes(v << 20) }
    /// `v` × 2^30 bytes (GiB, binary).
    public static func gibibytes(_ v: Int64) -> Bytes { Bytes(v << 30) }

    /// `count` as a Double, for rates and times.
    public var double: Double { Double(count) }

    /// Orders by byte count.
    public static func < (a: Bytes, b: Bytes) -> Bool { a.count < b.count }
    /// Sum of two byte counts.
    public static func + (a: Bytes, b: Bytes) -> Bytes { Bytes(a.count + b.count) }
    /// Difference of two byte counts.
    public static func - (a: Bytes, b: Bytes) -> Bytes { Bytes(a.count - b.count) }
    /// `k` times the byte count.
    public static func * (a: Bytes, k: Int64) -> Bytes { Bytes(a.count * k) }
    /// Adds `b` to `a`.
    public static func += (a: inout Bytes, b: Bytes) { a.count += b.count }

    /// Binary units for sizes that are exact powers of two, decimal otherwise ("1 GiB", "4.81 MB").
    public var description: String { Format.bytes(count) }
}

/// Link bandwidth in bytes per second, **per direction**.
public struct Bandwidth: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Bytes per second in one direction.
    public var bytesPerSecond: Double

    /// A bandwidth of `bytesPerSecond` per direction.
    public init(bytesPerSecond: Double) { self.bytesPerSecond = bytesPerSecond }
    /// `v` GB/s (10^9 bytes per second).
    public static func gigabytesPerSecond(_ v: Double) -> Bandwidth { Bandwidth(bytesPerSecond: v * 1e9) }
    /// `v` Gb/s (10^9 bits per second, so v/8 GB/s).
    public static func gigabitsPerSecond(_ v: Double) -> Bandwidth { Bandwidth(bytesPerSecond: v * 1e9 / 8) }
    /// `v` GiB/s (2^30 bytes per second).
    public static func gibibytesPerSecond(_ v: Double) -> Bandwidth {
        Bandwidth(bytesPerSecond: v * 1_073_741_824)
    }

    /// Decimal GB/s (1e9), the unit of every report.
    public var gigabytesPerSecond: Double { bytesPerSecond / 1e9 }

    /// Orders by bytes per second.
    public static func < (a: Bandwidth, b: Bandwidth) -> Bool { a.bytesPerSecond < b.bytesPerSecond }
    /// The bandwidth scaled by `k` (link efficiency, lanes).
    public static func * (a: Bandwidth, k: Double) -> Bandwidth { Bandwidth(bytesPerSecond: a.bytesPerSecond * k) }
    /// Sum of two bandwidths (parallel links or planes).
    public static func + (a: Bandwidth, b: Bandwidth) -> Bandwidth {
        Bandwidth(bytesPerSecond: a.bytesPerSecond + b.bytesPerSecond)
    }

    /// Readable GB/s, MB/s or KB/s (decimal units).
    public var description: String { Format.bandwidth(bytesPerSecond) }
}

/// Compute throughput in floating-point operations per second.
public struct FlopRate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Floating-point operations per second.
    public var flopsPerSecond: Double
    /// A rate of `flopsPerSecond`.
    public init(flopsPerSecond: Double) { self.flopsPerSecond = flopsPerSecond }
    /// `v` TFLOP/s (10^12 FLOP per second).
    public static func teraflops(_ v: Double) -> FlopRate { FlopRate(flopsPerSecond: v * 1e12) }
    /// Orders by FLOP per second.
    public static func < (a: FlopRate, b: FlopRate) -> Bool { a.flopsPerSecond < b.flopsPerSecond }
    /// `N TFLOP/s`.
    public var description: String { Format.number(flopsPerSecond / 1e12) + " TFLOP/s" }
}
