extension CollectiveResult {
    /// Whether algbw/busbw mean anything: a collective over one GPU (or one that took no time) moves nothing,
    /// and its rates are reported as not applicable (`null`, `-`), never as 0 GB/s.
    public var hasBandwidth: Bool { gpus.count > 1 && time > 0 }
}
