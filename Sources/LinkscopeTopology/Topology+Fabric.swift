import LinkscopeUnits

/// Builds the inter-node network of a multi-node preset: a two-level Clos of leaves and spines.
///
/// - fat-tree: leaf `k` holds all NICs of `⌊32 / NICs per node⌋` consecutive nodes.
/// - leaf-spine (rail-optimised, as in DGX SuperPOD): NIC `i` of every node lands on a leaf of
///   rail `i`, 32 nodes per rail leaf.
/// Each leaf is joined to each of `min(8, leaves)` spines (none for a single leaf) by one duplex
/// bundle of `leafDownPorts·nic / (spines·oversubscription)` per direction, so the leaf's
/// provisioned uplink equals its downlink at oversubscription 1 (full bisection).
struct NetworkBuilder {
    var nodes: Int
    var devicesPerNode: Int
    /// Local device indices of each node's NICs.
    var nics: [Int]
    var nicBandwidth: Bandwidth
    var latency: Seconds

    mutating func build(fabric: FabricSpec, devices: inout [Device], links: inout [Link]) throws(TopologyError) {
        guard nicBandwidth.bytesPerSecond > 0 else {
            throw .invalidOption(message: "fabric nic_bandwidth must be greater than zero")
        }
        guard latency.value >= 0 else { throw .invalidOption(message: "fabric latency must not be negative") }
        guard fabric.oversubscription >= 1, fabric.oversubscription.isFinite else {
            throw .invalidOption(message: "fabric oversubscription must be at least 1")
        }
        guard !nics.isEmpty else { throw .invalidOption(message: "preset has no NIC for a multi-node fabric") }
        let ports = HardwareDefaults.leafDownPorts
        // leafOf(node, nic) -> leaf number.
        let leafCount: Int
        let leafOf: (Int, Int) -> Int
        switch fabric.kind {
        case .fatTree:
            let nodesPerLeaf = max(1, ports / nics.count)
            leafCount = (nodes + nodesPerLeaf - 1) / nodesPerLeaf
            leafOf = { node, _ in node / nodesPerLeaf }
        case .leafSpine:
            let groups = (nodes + ports - 1) / ports
            leafCount = nics.count * groups
            leafOf = { node, nic in nic * groups + node / ports }
        }
        let firstLeaf = devices.count
        for l in 0..<leafCount {
            devices.append(Device(name: "leaf\(l)", kind: .networkSwitch, node: -1))
        }
        for n in 0..<nodes {
            for (i, nic) in nics.enumerated() {
                let a = n * devicesPerNode + nic
                let b = firstLeaf + leafOf(n, i)
                links.append(Link(from: a, to: b, bandwidth: nicBandwidth, latency: latency, kind: .network))
                links.append(Link(from: b, to: a, bandwidth: nicBandwidth, latency: latency, kind: .network))
            }
        }
        guard leafCount > 1 else { return }
        let spines = min(HardwareDefaults.spineCount, leafCount)
        let firstSpine = devices.count
        for s in 0..<spines {
            devices.append(Device(name: "spine\(s)", kind: .networkSwitch, node: -1))
        }
        let uplink = nicBandwidth * (Double(ports) / (Double(spines) * fabric.oversubscription))
        let lanes = max(1, ports / spines)
        for l in 0..<leafCount {
            for s in 0..<spines {
                links.append(Link(from: firstLeaf + l, to: firstSpine + s, bandwidth: uplink, latency: latency,
                                  kind: .network, lanes: lanes))
                links.append(Link(from: firstSpine + s, to: firstLeaf + l, bandwidth: uplink, latency: latency,
                                  kind: .network, lanes: lanes))
            }
        }
    }
}
