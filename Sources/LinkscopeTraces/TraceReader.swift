import CZlib
import LinkscopeTimeline

/// PLACEHOLDER: Kineto / Chrome trace reader (replaced by the traces work).
public enum TraceReader {}
