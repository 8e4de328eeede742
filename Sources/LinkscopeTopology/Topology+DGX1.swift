import LinkscopeUnits

extension NodeTemplate {
    /// NVLink2 link counts of the DGX-1 (V100) hybrid cube-mesh (docs/hardware.md §7, from msccl-tools
    /// `sccl/topologies/nvidia.py`). Every row sums to 6 links = 150 GB/s per direction.
    static let dgx1V100Links: [[Int]] = [
        [0, 2, 1, 1, 2, 0, 0, 0],
        [2, 0, 1, 2, 0, 1, 0, 0],
        [1, 1, 0, 2, 0, 0, 2, 0],
        [1, 2, 2, 0, 0, 0, 0, 1],
        [2, 0, 0, 0, 0, 2, 1, 1],
        [0, 1, 0, 0, 2, 0, 1, 2],
        [0, 0, 2, 0, 1, 1, 0, 2],
        [0, 0, 0, 1, 1, 2, 2, 0],
    ]

    /// DGX-1 with P100 (`volta == false`, every NVLink1 single, 20 GB/s) or V100 (the link-count
    /// matrix × 25 GB/s). Both share the adjacency: {0–3} and {4–7} fully connected plus 0–4, 1–5,
    /// 2–6, 3–7. PCIe Gen3: switches hold GPU pairs (0,1) (2,3) (4,5) (6,7), two per socket, one
    /// EDR NIC per switch, QPI between the sockets.
    static func dgx1(volta: Bool, socketRate: Bandwidth?) -> NodeTemplate {
        var t = NodeTemplate(presetName: volta ? "dgx1-v100" : "dgx1-p100", gpuSpec: volta ? .v100 : .p100,
                             nicBandwidth: HardwareDefaults.edr)
        t.addDevices("gpu", .gpu, count: 8)
        for a in 0..<8 {
            for b in (a + 1)..<8 where dgx1V100Links[a][b] > 0 {
                let lanes = volta ? dgx1V100Links[a][b] : 1
                let lane = volta ? HardwareDefaults.nvlinkLane : HardwareDefaults.nvlink1
                t.connect(a, b, lane * Double(lanes), HardwareDefaults.nvlinkLatency, .nvlink, lanes: lanes)
            }
        }
        t.addPCIeTree(gpuBase: 0, gpus: 8, switches: 4, sockets: 2, rate: HardwareDefaults.pcieGen3,
                      socketRate: socketRate ?? HardwareDefaults.qpi, nicSwitch: [0, 1, 2, 3])
        return t
    }

    /// Plain PCIe box (docs/hardware.md §7 `[Derived]`): 4 V100-class GPUs without NVLink, PCIe Gen3
    /// switches holding (0,1) and (2,3) under one CPU root complex, one EDR NIC on the root complex.
    static func pcie4GPU() -> NodeTemplate {
        var t = NodeTemplate(presetName: "pcie-4gpu", gpuSpec: .v100, nicBandwidth: HardwareDefaults.edr)
        t.addDevices("gpu", .gpu, count: 4)
        let sw = t.addDevices("pcie", .pcieSwitch, count: 2)
        let cpu = t.addDevices("cpu", .cpu, count: 1)
        let nic = t.addDevices("nic", .nic, count: 1)
        let rate = HardwareDefaults.pcieGen3
        let latency = HardwareDefaults.pcieLatency
        for g in 0..<4 { t.connect(g, sw + g / 2, rate, latency, .pcie) }
        for s in 0..<2 { t.connect(sw + s, cpu, rate, latency, .pcie) }
        t.connect(nic, cpu, rate, latency, .pcie)
        return t
    }
}
