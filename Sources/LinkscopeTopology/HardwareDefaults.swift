import LinkscopeUnits

/// Link rates and hop latencies used by the presets (docs/hardware.md §2–§5, §8).
///
/// Bandwidths are **line rates per direction**; the simulator applies efficiency factors.
/// Latencies are per hop (wire + switch), not end-to-end collective floors.
public enum HardwareDefaults {
    /// NVLink1 (P100), one link, per direction (docs/hardware.md §2).
    public static let nvlink1 = Bandwidth.gigabytesPerSecond(20)
    /// NVLink2/3/4, one link, per direction (docs/hardware.md §2).
    public static let nvlinkLane = Bandwidth.gigabytesPerSecond(25)
    /// NVLink hop latency, 0.3 µs (msccl-tools DGX-1 file, docs/hardware.md §8). A GPU–NVSwitch–GPU path
    /// is two such hops, matching "NVSwitch path = 2 NVLink hops".
    public static let nvlinkLatency = Seconds.microseconds(0.3)

    /// PCIe ×16 line rates per direction after 128b/130b encoding (docs/hardware.md §4).
    public static let pcieGen3 = Bandwidth.gigabytesPerSecond(15.75)
    /// PCIe 4.0 ×16 per direction.
    public static let pcieGen4 = Bandwidth.gigabytesPerSecond(31.5)
    /// PCIe 5.0 ×16 per direction.
    public static let pcieGen5 = Bandwidth.gigabytesPerSecond(63)
    /// PCIe hop latency, 0.5 µs per link `[Derived]`: no sourced value exists (docs/hardware.md §8); a
    /// GPU→switch→GPU P2P path then costs ~1 µs, the order of measured small-message PCIe P2P latency.
    public static let pcieLatency = Seconds.microseconds(0.5)

    /// QPI at 9.6 GT/s × 2 B = 19.2 GB/s per direction, one link (Xeon E5 v4 of the DGX-1) `[Derived]`.
    /// The DGX-1 board has two QPI links; we model one because cross-socket GPU P2P is known to run
    /// well below the raw link rate. Override with `FabricSpec.socketLinkBandwidth`.
    public static let qpi = Bandwidth.gigabytesPerSecond(19.2)
    /// Inter-socket link of the EPYC / Sapphire Rapids DGX A100 / H100 (xGMI / UPI), an
    /// order-of-magnitude placeholder of 64 GB/s per direction `[Derived]`.
    public static let socketLinkModern = Bandwidth.gigabytesPerSecond(64)
    /// Inter-socket hop latency, 1 µs `[Derived]` (placeholder; cross-socket P2P is slower than same-switch).
    public static let socketLatency = Seconds.microseconds(1)

    /// NIC line rates per direction (docs/hardware.md §5).
    /// InfiniBand EDR, 100 Gb/s per direction.
    public static let edr = Bandwidth.gigabitsPerSecond(100)
    /// InfiniBand HDR, 200 Gb/s per direction.
    public static let hdr = Bandwidth.gigabitsPerSecond(200)
    /// InfiniBand NDR, 400 Gb/s per direction.
    public static let ndr = Bandwidth.gigabitsPerSecond(400)
    /// Network hop latency when `FabricSpec.latency` is nil (docs/scenario-reference.md default, 2 µs).
    public static let networkLatency = Seconds.microseconds(2)

    /// Down ports per network leaf switch (a 64-port switch split 32 down / 32 up) `[Derived]`.
    public static let leafDownPorts = 32
    /// Spine switches of a two-level fabric when more than one leaf is needed `[Derived]`.
    public static let spineCount = 8
}
