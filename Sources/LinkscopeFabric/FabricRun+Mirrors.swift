/// Mirrored tasks: a task declared to behave exactly like another one (its representative) is not
/// simulated. It finishes when it is ready and its representative has finished, with the
/// representative's interval; a mirrored transfer still charges its own route's links with its bytes
/// and with the busy time of the representative's transfer. The caller promises that the two would
/// run identically (same duration, no contention the representative does not also see), e.g. the
/// ranks of a tensor-parallel group whose collectives are priced analytically.
extension FabricRun {
    /// Builds the representative → mirrors lists (CSR) from `mirrorOf` (-1 = simulated normally).
    static func mirrorLists(_ mirrorOf: [Int32], count n: Int) -> (start: [Int32], list: [Int32]) {
        guard !mirrorOf.isEmpty else { return ([], []) }
        var start = Array(repeating: Int32(0), count: n + 1)
        for m in 0..<n where mirrorOf[m] >= 0 { start[Int(mirrorOf[m]) + 1] += 1 }
        for i in 0..<n { start[i + 1] += start[i] }
        var fill = start
        var list = Array(repeating: Int32(0), count: Int(start[n]))
        for m in 0..<n where mirrorOf[m] >= 0 {
            let r = Int(mirrorOf[m])
            list[Int(fill[r])] = Int32(m)
            fill[r] += 1
        }
        return (start, list)
    }

    /// A mirror whose dependencies are done: it waits for its representative if that is still running.
    mutating func mirrorReady(_ task: Int32, at now: Double) {
        let i = Int(task)
        taskStart[i] = now
        mirrorIsReady[i] = true
        if representativeDone[Int(mirrorOf[i])] { readyMirrors.append(task) }
    }

    /// A task finished: hand its ready mirrors over to `finishReadyMirrors`.
    mutating func representativeFinished(_ task: Int32) {
        let i = Int(task)
        guard mirrorStart[i] < mirrorStart[i + 1] else { return }
        representativeDone[i] = true
        for k in Int(mirrorStart[i])..<Int(mirrorStart[i + 1]) where mirrorIsReady[Int(mirrorList[k])] {
            readyMirrors.append(mirrorList[k])
        }
    }

    /// Finishes every ready mirror whose representative is done (and those they make ready), in order.
    mutating func finishReadyMirrors(at now: Double) {
        var k = 0
        while k < readyMirrors.count {
            let m = readyMirrors[k]
            k += 1
            let i = Int(m)
            let r = Int(mirrorOf[i])
            taskStart[i] = Swift.max(taskStart[i], taskStart[r])
            if case .transfer(_, _, let bytes, _) = schedule.tasks[i].kind, aux[i] >= 0 {
                chargeMirroredTransfer(set: aux[i], bytes: bytes, from: taskStart[i],
                                       until: taskEnd[r] - routes.latency[Int(routes.setRoutes[routes.parts(aux[i]).lowerBound])])
            }
            taskEnd[i] = now
            served(m, at: now)
            release(m, at: now)
            representativeFinished(m)
        }
        readyMirrors.removeAll(keepingCapacity: true)
    }

    /// Bytes on every hop of the route set; busy time as the union of mirrored intervals per link
    /// (overlap with simulated flows on the same link is not subtracted).
    private mutating func chargeMirroredTransfer(set: Int32, bytes: Int64, from start: Double, until end: Double) {
        let parts = routes.parts(set)
        if parts.count == 1 {  // the common case, without the split's array
            chargeMirrored(route: routes.setRoutes[parts.lowerBound], bytes: bytes, from: start, until: end)
            return
        }
        for (k, piece) in zip(parts, routes.split(bytes, over: set)) where piece > 0 {
            chargeMirrored(route: routes.setRoutes[k], bytes: piece, from: start, until: end)
        }
    }

    private mutating func chargeMirrored(route: Int32, bytes: Int64, from start: Double, until end: Double) {
        for h in routes.hops(route) {
            let l = Int(routes.flat[h])
            mirrorBytes[l] &+= bytes
            let s = Swift.max(start, mirrorBusyUntil[l])
            if end > s {
                links[l].busy += end - s
                mirrorBusyUntil[l] = end
            }
        }
    }
}
