// swift-tools-version: 6.1
import PackageDescription

// Module map (each library imports only the ones listed before it; see README "Architecture"):
//   Units → Topology → CostModel → Schedule → Engine → Fabric → Collectives → Planning → Timeline → Traces
//   → Scenario → Sim → Replay → Dashboard → linkscope (CLI)
// Real training (issue 8): CBLAS → Kernels → Training → Profile (→ MPI behind the "MPI" trait) → linkscope.
let package = Package(
    name: "linkscope",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "linkscope", targets: ["linkscope"]),
        .executable(name: "linkscope-bench", targets: ["LinkscopeBench"]),
    ],
    // `swift build --traits MPI` adds the Open MPI transport of `profile --transport mpi`; the default build
    // needs no MPI.
    traits: [.trait(name: "MPI")],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CNcurses", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),

        .target(name: "LinkscopeUnits"),
        .target(name: "LinkscopeTopology", dependencies: ["LinkscopeUnits"]),
        .target(name: "LinkscopeCostModel", dependencies: ["LinkscopeUnits"]),
        .target(name: "LinkscopeSchedule", dependencies: ["LinkscopeUnits"]),
        .target(name: "LinkscopeEngine", dependencies: [
            "LinkscopeUnits", .product(name: "HeapModule", package: "swift-collections"),
        ]),
        .target(name: "LinkscopeFabric", dependencies: [
            "LinkscopeUnits", "LinkscopeTopology", "LinkscopeSchedule", "LinkscopeEngine",
        ]),
        .target(name: "LinkscopeCollectives", dependencies: [
            "LinkscopeUnits", "LinkscopeSchedule", "LinkscopeCostModel",
        ]),
        .target(name: "LinkscopePlanning", dependencies: [
            "LinkscopeUnits", "LinkscopeTopology", "LinkscopeCostModel", "LinkscopeCollectives",
        ]),
        .target(name: "LinkscopeTimeline", dependencies: ["LinkscopeUnits"]),
        .target(name: "LinkscopeTraces", dependencies: ["LinkscopeUnits", "LinkscopeTimeline", "CZlib"]),
        .target(name: "LinkscopeScenario", dependencies: [
            "LinkscopeUnits", "LinkscopeTopology", "LinkscopeCostModel", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "LinkscopeSim", dependencies: [
            "LinkscopeUnits", "LinkscopeTopology", "LinkscopeCostModel", "LinkscopeSchedule",
            "LinkscopeEngine", "LinkscopeFabric", "LinkscopeCollectives", "LinkscopePlanning", "LinkscopeTimeline",
            "LinkscopeScenario",
        ]),
        .target(name: "LinkscopeReplay", dependencies: [
            "LinkscopeUnits", "LinkscopeTimeline", "LinkscopeTraces", "LinkscopeTopology", "LinkscopeSchedule",
            "LinkscopeFabric", "LinkscopeCollectives", "LinkscopeCostModel", "LinkscopePlanning",
            "LinkscopeSim", .product(name: "HeapModule", package: "swift-collections"),
        ]),
        .target(name: "LinkscopeKernels", dependencies: ["CBLAS"]),
        .target(name: "LinkscopeTraining", dependencies: [
            "LinkscopeKernels", "LinkscopeUnits", "LinkscopeSchedule", "LinkscopeCollectives", "LinkscopeCostModel",
            "LinkscopeTimeline",
        ]),
        .target(name: "LinkscopeProfile", dependencies: [
            "LinkscopeTraining", "LinkscopeKernels", "LinkscopeUnits", "LinkscopeTopology", "LinkscopeCostModel",
            "LinkscopeSchedule", "LinkscopeFabric", "LinkscopeTimeline", "LinkscopeScenario", "LinkscopeSim",
        ]),
        .target(name: "LinkscopeMPI", dependencies: [
            "LinkscopeTraining", "LinkscopeKernels", "LinkscopeTimeline",
            .target(name: "CMPI", condition: .when(traits: ["MPI"])),
        ]),
        .target(name: "LinkscopeFuzz", dependencies: ["LinkscopeUnits", "LinkscopeScenario", "LinkscopeSim"]),
        .target(name: "LinkscopeDashboard", dependencies: [
            "LinkscopeUnits", "LinkscopeTimeline", "CNcurses",
        ]),
        .executableTarget(name: "linkscope", dependencies: [
            "LinkscopeUnits", "LinkscopeTopology", "LinkscopeCostModel", "LinkscopeSim",
            "LinkscopeScenario", "LinkscopeTimeline", "LinkscopeTraces", "LinkscopeDashboard", "LinkscopeReplay",
            "LinkscopeCollectives", "LinkscopeTraining", "LinkscopeProfile", "LinkscopeMPI",
            "LinkscopePlanning", "LinkscopeFabric", "LinkscopeSchedule",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "LinkscopeBench", dependencies: [
            "LinkscopeUnits", "LinkscopeEngine", "LinkscopeSchedule", "LinkscopeFabric", "LinkscopeSim",
            "LinkscopeTopology", "LinkscopeScenario", "LinkscopeTraces", "LinkscopeDashboard", "LinkscopeTimeline",
            "LinkscopeKernels", "LinkscopeTraining",
            "LinkscopeFuzz",
        ]),

        .testTarget(name: "LinkscopeUnitsTests", dependencies: ["LinkscopeUnits"]),
        .testTarget(name: "LinkscopeTopologyTests", dependencies: ["LinkscopeTopology"]),
        .testTarget(name: "LinkscopeCostModelTests", dependencies: ["LinkscopeCostModel"]),
        .testTarget(name: "LinkscopeEngineTests", dependencies: ["LinkscopeEngine"]),
        .testTarget(name: "LinkscopeFabricTests", dependencies: [
            "LinkscopeFabric", "LinkscopeTopology", "LinkscopeSchedule",
        ]),
        .testTarget(name: "LinkscopeCollectivesTests", dependencies: [
            "LinkscopeCollectives", "LinkscopeSchedule", "LinkscopeCostModel",
        ]),
        .testTarget(name: "LinkscopeTimelineTests", dependencies: ["LinkscopeTimeline"]),
        .testTarget(name: "LinkscopeTracesTests", dependencies: ["LinkscopeTraces", "LinkscopeTimeline"],
                    exclude: ["Reference"]),
        .testTarget(name: "LinkscopeScenarioTests", dependencies: ["LinkscopeScenario", "LinkscopeTopology", "LinkscopeCostModel"]),
        .testTarget(name: "LinkscopeSimTests", dependencies: [
            "LinkscopeSim", "LinkscopeScenario", "LinkscopeTopology", "LinkscopeCostModel", "LinkscopeTimeline",
        ]),
        .testTarget(name: "LinkscopeFuzzTests", dependencies: ["LinkscopeFuzz", "LinkscopeScenario"]),
        .testTarget(name: "LinkscopeDashboardTests", dependencies: ["LinkscopeDashboard", "LinkscopeTimeline"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "LinkscopeNCCLTests", dependencies: [
            "LinkscopeCostModel", "LinkscopePlanning", "LinkscopeCollectives", "LinkscopeFabric", "LinkscopeTopology",
            "LinkscopeSchedule", "LinkscopeUnits",
        ]),
        .testTarget(name: "LinkscopeReplayTests", dependencies: [
            "LinkscopeReplay", "LinkscopeTraces", "LinkscopeTopology", "LinkscopeTimeline", "LinkscopeSim",
            "LinkscopeScenario",
        ], exclude: ["Fixtures"]),
        .testTarget(name: "LinkscopeKernelsTests", dependencies: ["LinkscopeKernels"]),
        .testTarget(name: "LinkscopeTrainingTests", dependencies: [
            "LinkscopeTraining", "LinkscopeKernels", "LinkscopeProfile", "LinkscopeCollectives",
        ]),
    ]
)
