import LinkscopeUnits

extension NodeTemplate {
    /// DGX-2 (docs/hardware.md §7): 16 V100, 12 NVSwitches on two boards of 6 (nvsw0–5 board 0 with
    /// GPUs 0–7, nvsw6–11 board 1 with GPUs 8–15). Each GPU has one NVLink2 to each switch of its
    /// board (150 GB/s per direction); switch `s` and its counterpart `s+6` are joined by 8 links
    /// (200 GB/s per direction, 48 links in all = 1.2 TB/s per direction: full bisection).
    /// PCIe Gen3: 8 switches holding GPU pairs, four per socket, one EDR NIC per switch.
    static func dgx2(socketRate: Bandwidth?) -> NodeTemplate {
        var t = NodeTemplate(presetName: "dgx2", gpuSpec: .v100, nicBandwidth: HardwareDefaults.edr)
        t.addDevices("gpu", .gpu, count: 16)
        let sw = t.addDevices("nvsw", .nvswitch, count: 12)
        let lane = HardwareDefaults.nvlinkLane
        let latency = HardwareDefaults.nvlinkLatency
        for g in 0..<16 {
            let board = g / 8
            for s in 0..<6 { t.connect(g, sw + board * 6 + s, lane, latency, .nvlink) }
        }
        for s in 0..<6 { t.connect(sw + s, sw + s + 6, lane * 8, latency, .nvlink, lanes: 8) }
        t.addPCIeTree(gpuBase: 0, gpus: 16, switches: 8, sockets: 2, rate: HardwareDefaults.pcieGen3,
                      socketRate: socketRate ?? HardwareDefaults.qpi, nicSwitch: Array(0..<8))
        return t
    }

    /// DGX A100 / H100 (docs/hardware.md §7): 8 GPUs, `lanesPerSwitch[s]` NVLinks from every GPU to
    /// NVSwitch `s` (A100: 2 × 6 = 12 links, 300 GB/s; H100: 5/4/4/5 = 18 links, 450 GB/s).
    /// PCIe: 4 switches holding GPU pairs, two per socket, NIC `i` on GPU `i`'s switch.
    static func hgx(name: String, spec: GPUSpec, lanesPerSwitch: [Int], pcie: Bandwidth, nic: Bandwidth,
                    socketRate: Bandwidth?) -> NodeTemplate {
        var t = NodeTemplate(presetName: name, gpuSpec: spec, nicBandwidth: nic)
        t.addDevices("gpu", .gpu, count: 8)
        let sw = t.addDevices("nvsw", .nvswitch, count: lanesPerSwitch.count)
        for g in 0..<8 {
            for (s, lanes) in lanesPerSwitch.enumerated() {
                t.connect(g, sw + s, HardwareDefaults.nvlinkLane * Double(lanes), HardwareDefaults.nvlinkLatency,
                          .nvlink, lanes: lanes)
            }
        }
        t.addPCIeTree(gpuBase: 0, gpus: 8, switches: 4, sockets: 2, rate: pcie,
                      socketRate: socketRate ?? HardwareDefaults.socketLinkModern, nicSwitch: (0..<8).map { $0 / 2 })
        return t
    }
}
