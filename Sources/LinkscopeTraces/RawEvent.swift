import LinkscopeJSON
import LinkscopeTimeline


/// A JSON number as written: the exact integer when it has no fraction or exponent, the
/// correctly rounded Double, and the value times 1000 when that is exact (at most three decimals),
/// which turns trace microseconds into exact integer nanoseconds.
struct JSONNumber: Sendable, Equatable {
    var isInteger: Bool
    var int: Int64
    var double: Double
    /// value × 1000, exact when the literal has at most 3 decimals; otherwise rounded from `double`.
    var milli: Int64
}

/// One trace event as parsed: only the fields linkscope uses, typed; `args` kept when asked.
struct RawEvent {
    var ph: UInt8 = 0
    /// Interned in the parser's `StringTable`; -1 when absent.
    var name: Int32 = -1
    var cat: Int32 = -1
    var ts: JSONNumber?
    var dur: JSONNumber?
    var pid: TraceID = .int(0)
    var tid: TraceID = .int(0)
    /// HTA's stream normalisation: an integer, or -1 when missing or not a number.
    var stream: Int64 = -1
    var hasStream = false
    var correlation: Int64 = -1
    var hasCorrelation = false
    var externalID: Int64 = -1
    var bytes: Int64 = 0
    var args: [(String, JSONValue)] = []
    var id: TraceID?
    var bindingPoint: UInt8 = 0

    mutating func reset() {
        ph = 0
        name = -1
        cat = -1
        ts = nil
        dur = nil
        pid = .int(0)
        tid = .int(0)
        stream = -1
        hasStream = false
        correlation = -1
        hasCorrelation = false
        externalID = -1
        bytes = 0
        args.removeAll(keepingCapacity: true)
        id = nil
        bindingPoint = 0
    }
}

/// pid / tid as written: Kineto uses strings ("Spans", "") besides integers.
public enum TraceID: Sendable, Hashable {
    case int(Int64)
    case string(String)
}

/// What sits around `traceEvents` in the top-level object.
struct TraceHeader {
    var distributedInfo: JSONValue?
    var baseTimeNanoseconds: Int64?
    var displayTimeUnit: String?
    var otherData: JSONValue?
    var topLevelArray = false
    var sawTraceEvents = false
}
