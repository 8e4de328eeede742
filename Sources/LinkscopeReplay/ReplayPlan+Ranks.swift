import LinkscopeCostModel
import LinkscopeTimeline
import LinkscopeTraces
import LinkscopeUnits

/// Per-rank plans: the replayed iterations' activities, stream order and cross-stream dependencies.
extension ReplayPlan {
    /// ProfilerStep annotations of a trace (host side), first occurrence per name, by start time.
    static func profilerSteps(_ t: RankTrace) -> [(name: String, ts: Int64, end: Int64)] {
        var out: [(name: String, ts: Int64, end: Int64)] = []
        for i in TraceAnalysis.profilerStepEvents(in: t) {
            let e = t.events[i]
            let name = t.strings[Int(e.name)]
            if !out.contains(where: { $0.name == name }) { out.append((name, e.ts, e.end)) }
        }
        return out.enumerated().sorted { $0.element.ts != $1.element.ts ? $0.element.ts < $1.element.ts : $0.offset < $1.offset }
            .map(\.element)
    }

    static func rankPlan(trace: RankTrace, extracted e: Extracted, iterations: Int, crossStream: Bool) -> RankPlan {
        var acts = e.activities.filter { $0.iteration < iterations }
        acts = acts.enumerated().sorted {
            let a = $0.element, b = $1.element
            if a.start != b.start { return a.start < b.start }
            if a.stream != b.stream { return a.stream < b.stream }
            return $0.offset < $1.offset
        }.map(\.element)
        let streams = Array(Set(acts.map(\.stream))).sorted()
        var byStream = [[Int]](repeating: [], count: streams.count)
        var streamIndex = [Int](repeating: 0, count: acts.count)
        for (i, a) in acts.enumerated() {
            let s = streams.firstIndex(of: a.stream) ?? 0
            streamIndex[i] = s
            acts[i].lane = UInt8(min(s, 255))
            byStream[s].append(i)
        }
        // Prefix maxima of ends per stream, for "everything up to here had ended by T".
        var prefixEnd = byStream.map { list -> [Int64] in
            var m = Int64.min
            return list.map { m = max(m, acts[$0].end); return m }
        }
        var position = [Int](repeating: 0, count: acts.count)
        for list in byStream { for (p, i) in list.enumerated() { position[i] = p } }
        // implied[s][s2]: position on s2 already waited for by the latest activity of s.
        var implied = [[Int]](repeating: [Int](repeating: -1, count: streams.count), count: streams.count)
        for (i, a) in acts.enumerated() {
            let s = streamIndex[i]
            var deps: [Int] = []
            let p = position[i]
            if p > 0 { deps.append(byStream[s][p - 1]) }
            if crossStream {
                for s2 in 0..<streams.count where s2 != s {
                    // Last position on s2 whose prefix-max end ≤ a.start.
                    let ends = prefixEnd[s2]
                    var lo = 0, hi = ends.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if ends[mid] <= a.start { lo = mid + 1 } else { hi = mid }
                    }
                    let q = lo - 1
                    if q >= 0 && q > implied[s][s2] {
                        let j = byStream[s2][q]
                        if j < i { deps.append(j) }
                        implied[s][s2] = q
                    }
                }
            }
            acts[i].dependencies = deps
        }
        prefixEnd.removeAll()
        return RankPlan(rank: trace.rank, file: trace.file, streams: streams, activities: acts,
                        iterationOffsets: Array(e.offsets.prefix(iterations)), iterationNames: Array(e.names.prefix(iterations)))
    }
}
