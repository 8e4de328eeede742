import HeapModule
import LinkscopeEngine

/// A link's candidate share in progressive filling: residual capacity over unfrozen flows.
struct ShareEntry: Comparable {
    var share: Double
    var link: Int32
    var version: UInt32
    static func < (a: ShareEntry, b: ShareEntry) -> Bool {
        a.share < b.share || (a.share == b.share && a.link < b.link)
    }
    static func == (a: ShareEntry, b: ShareEntry) -> Bool { a.share == b.share && a.link == b.link }
}

extension FabricRun {
    /// Re-solves max-min fair rates for the connected components (flows linked by shared links,
    /// transitively) that contain a link touched at this instant, then reschedules the predicted
    /// drain time of every flow whose rate changed. Flows elsewhere keep their rates and events.
    ///
    /// Components are found by a walk from each touched link, in touch order, and solved one by
    /// one: a lone flow simply gets its narrowest link; larger components are solved by
    /// `fillComponent`.
    /// - Complexity: O((L + F·h) log L) for the L links and F flows (h hops each) of the components.
    mutating func solveTouchedComponents(at now: Double) {
        epoch &+= 1
        if epoch == 0 {  // wrapped: clear marks so that old stamps cannot collide
            for i in links.indices { links[i].mark = 0 }
            for i in flows.indices { flows[i].mark = 0; flows[i].frozenMark = 0 }
            epoch = 1
        }
        let mark = epoch
        for root in touchedLinks {
            links[Int(root)].touched = false
            guard links[Int(root)].mark != mark else { continue }
            if !recordHistory && solveAlone(root, mark: mark, at: now) { continue }
            links[Int(root)].mark = mark
            componentLinks.removeAll()
            componentFlows.removeAll()
            stack.append(root)
            while let l = stack.popLast() {
                componentLinks.append(l)
                for f in linkFlows.flows(on: links[Int(l)]) where flows[Int(f)].mark != mark {
                    flows[Int(f)].mark = mark
                    componentFlows.append(f)
                    for k in flows[Int(f)].hops {
                        let l2 = routes.flat[k]
                        if links[Int(l2)].mark != mark {
                            links[Int(l2)].mark = mark
                            stack.append(l2)
                        }
                    }
                }
            }
            if componentFlows.count == 1 {
                let f = Int(componentFlows[0])
                var x = Double.infinity
                flows[f].newRate = routeCapacity[Int(flows[f].route)]
            } else if componentFlows.count > 1 {
                fillComponent(mark: mark)
            }
            applyRates(at: now)
            if recordHistory { recordRates(at: now) }
            #if DEBUG
            checkComponentInvariants()
            #endif
        }
        touchedLinks.removeAll()
    }

    /// The two cases that need no walk, most of the links touched by symmetric collectives: a link left without
    /// flows (nothing to solve), and a link whose only flow is also alone on every other link of its route (a
    /// component of one flow, which gets its narrowest link). Returns false, changing nothing, otherwise.
    /// Not used while recording link history, which wants every component link's summed rate.
    @inline(__always)
    private mutating func solveAlone(_ root: Int32, mark: UInt16, at now: Double) -> Bool {
        let ri = Int(root)
        let count = links[ri].flowCount
        if count == 0 { return true }  // no flow can reach an empty link: nothing to mark either
        guard count == 1 else { return false }
        let f = Int(links[ri].firstFlow)
        let hops = flows[f].hops
        for k in hops {
            guard links[Int(routes.flat[k])].flowCount == 1 else { return false }
        }
        for k in hops { links[Int(routes.flat[k])].mark = mark }
        flows[f].mark = mark
        applyRate(Int32(f), rate: routeCapacity[Int(flows[f].route)], at: now)
        return true
    }

    /// Empties a scratch array, keeping its storage (cheaper than `removeAll(keepingCapacity:)` for the few
    /// elements these hold).
    @inline(__always)
    static func clear(_ array: inout [Int32]) {
        if array.count > 64 {
            array.removeAll(keepingCapacity: true)
        } else {
            while array.popLast() != nil {}
        }
    }

    /// Max-min fairness by progressive filling (water-filling; Bertsekas & Gallager, *Data
    /// Networks*, §6.5.2) over `componentLinks` / `componentFlows`: raise all rates together; when a
    /// link fills, freeze its flows at the link's residual share and continue with the rest. Links
    /// come from a heap keyed by (share, link index) with lazy invalidation; a link's share never
    /// decreases as others freeze, so stale entries are skipped.
    /// - Complexity: O((L + F·h) log L).
    private mutating func fillComponent(mark: UInt16) {
        for l in componentLinks {
            let li = Int(l)
            let n = Int(links[li].flowCount)
            linkScratch[li].residual = linkScratch[li].capacity
            linkScratch[li].unfrozen = Int32(n)
            linkScratch[li].version &+= 1
            if n > 0 {
                shareHeap.insert(ShareEntry(share: linkScratch[li].capacity / Double(n), link: l,
                                            version: linkScratch[li].version))
            }
        }
        while let top = shareHeap.popMin() {  // drains the heap: its storage is reused next time
            let li = Int(top.link)
            guard top.version == linkScratch[li].version, linkScratch[li].unfrozen > 0 else { continue }
            let x = top.share
            for f in linkFlows.flows(on: links[li]) where flows[Int(f)].frozenMark != mark {
                flows[Int(f)].frozenMark = mark
                flows[Int(f)].newRate = x
                for k in flows[Int(f)].hops {
                    let l2 = Int(routes.flat[k])
                    linkScratch[l2].residual -= x
                    linkScratch[l2].unfrozen -= 1
                }
            }
            linkScratch[li].unfrozen = 0
            // Links that lost flows get a fresh, never smaller, share.
            for f in linkFlows.flows(on: links[li]) {
                for k in flows[Int(f)].hops {
                    let l2 = Int(routes.flat[k])
                    guard linkScratch[l2].unfrozen > 0 else { continue }
                    let share = Swift.max(x, linkScratch[l2].residual / Double(linkScratch[l2].unfrozen))
                    linkScratch[l2].version &+= 1
                    shareHeap.insert(ShareEntry(share: share, link: Int32(l2), version: linkScratch[l2].version))
                }
            }
        }
    }

    /// Reschedules the drain of each component flow whose rate changed; the old event goes stale.
    private mutating func applyRates(at now: Double) {
        for f in componentFlows { applyRate(f, rate: flows[Int(f)].newRate, at: now) }
    }

    /// Reschedules one flow's drain if its rate changed.
    @inline(__always)
    private mutating func applyRate(_ f: Int32, rate: Double, at now: Double) {
        let fi = Int(f)
        if rate == flows[fi].rate { return }
        var flow = flows[fi]
        flow.remaining -= flow.rate * (now - flow.updatedAt)
        flow.updatedAt = now
        flow.rate = rate
        flow.version &+= 1
        let left = flow.remaining > flow.epsilon ? flow.remaining / rate : 0
        flows[fi] = flow
        loop.schedule(FabricEvent(kind: .flowDrained, index: f, version: flow.version), at: now + left)
    }

    /// Closes each component link's rate segment when its summed rate changed.
    private mutating func recordRates(at now: Double) {
        for l in componentLinks {
            let li = Int(l)
            var total = 0.0
            for f in linkFlows.flows(on: links[li]) { total += flows[Int(f)].rate }
            if total == segmentRate[li] { continue }
            if segmentRate[li] > 0 && now > segmentStart[li] {
                history[li].append(RateSegment(start: segmentStart[li], end: now, bytesPerSecond: segmentRate[li]))
            }
            segmentStart[li] = now
            segmentRate[li] = total
        }
    }

    /// Checks the max-min certificate of the component just solved: no link is over capacity, and
    /// every flow has a bottleneck, a saturated link on its route where no flow is faster.
    /// Run after every solve in debug builds (so by every test).
    /// - Complexity: O(L + F·h·d) for d flows per link.
    func checkComponentInvariants() {
        let tolerance = 1e-9
        for l in componentLinks {
            let li = Int(l)
            var total = 0.0
            for f in linkFlows.flows(on: links[li]) { total += flows[Int(f)].rate }
            precondition(total <= linkScratch[li].capacity * (1 + tolerance), "link \(li) over capacity")
        }
        for f in componentFlows {
            let rate = flows[Int(f)].rate
            precondition(rate >= 0, "flow without rate")
            var bottleneck = false
            for k in routes.hops(flows[Int(f)].route) where !bottleneck {
                let li = Int(routes.flat[k])
                var total = 0.0
                var fastest = 0.0
                for g in linkFlows.flows(on: links[li]) {
                    total += flows[Int(g)].rate
                    fastest = Swift.max(fastest, flows[Int(g)].rate)
                }
                bottleneck = total >= linkScratch[li].capacity * (1 - tolerance) && rate >= fastest * (1 - tolerance)
            }
            precondition(bottleneck, "flow \(f) has no bottleneck link: not max-min fair")
        }
    }
}
