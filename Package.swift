// swift-tools-version: 6.1
import PackageDescription

// Module map (each library imports only the ones listed before it; see README "Architecture"):
//   JSON, Units → Topology → CostModel → Schedule → Engine → Fabric → Collectives → Planning → Timeline → Traces
//   → Scenario → Sim → Replay → Dashboard → Fuzz → linkscope (CLI), linkscope-bench
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

        .target(name: "LinkscopeJSON"),
        .target(name: "LinkscopeUnits"),
        .target(name: "LinkscopeTopology", dependencies: ["LinkscopeUnits"]),
        .target(name: "LinkscopeCostModel", dependencies: ["LinkscopeUnits"]),
        .target(name: "LinkscopeSchedule", dependencies: ["LinkscopeUnits"]),
        .target(name: "LinkscopeEngine", dependencies: [.product(name: "HeapModule", package: "swift-collections")]),
        .target(name: "LinkscopeFabric", dependencies: [
            "LinkscopeUnits", "LinkscopeTopology", "LinkscopeSchedule", "LinkscopeEngine",
            .product(name: "HeapModule", package: "swift-collections"),
        ]),
        .target(name: "LinkscopeCollectives", dependencies: [
            "LinkscopeUnits", "LinkscopeSchedule", "LinkscopeCostModel",
        ]),
        .target(name: "LinkscopePlanning", dependencies: [
            "LinkscopeUnits", "LinkscopeTopology", "LinkscopeCostModel", "LinkscopeCollectives",
        ]),
        .target(name: "LinkscopeTimeline", dependencies: ["LinkscopeUnits", "LinkscopeJSON"]),
        .target(name: "LinkscopeTraces", dependencies: ["LinkscopeUnits", "LinkscopeJSON", "LinkscopeTimeline", "CZlib"]),
        .target(name: "LinkscopeScenario", dependencies: [
            "LinkscopeUnits", "LinkscopeTopology", "LinkscopeCostModel", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "LinkscopeSim", dependencies: [
            "LinkscopeUnits", "LinkscopeTopology", "LinkscopeCostModel", "LinkscopeSchedule",
            "LinkscopeFabric", "LinkscopeCollectives", "LinkscopePlanning", "LinkscopeJSON", "LinkscopeTimeline",
            "LinkscopeScenario",
        ]),
        .target(name: "LinkscopeReplay", dependencies: [
            "LinkscopeUnits", "LinkscopeJSON", "LinkscopeTimeline", "LinkscopeTraces", "LinkscopeTopology",
            "LinkscopeSchedule", "LinkscopeFabric", "LinkscopeCollectives", "LinkscopeCostModel", "LinkscopePlanning",
            "LinkscopeSim", .product(name: "HeapModule", package: "swift-collections"),
        ]),
        .target(name: "LinkscopeLayoutSearch", dependencies: [
            "LinkscopeUnits", "LinkscopeCostModel", "LinkscopeJSON", "LinkscopeTimeline", "LinkscopeScenario", "LinkscopeSim",
        ]),
        .target(name: "LinkscopeKernels", dependencies: ["CBLAS"]),
        .target(name: "LinkscopeTraining", dependencies: [
            "LinkscopeKernels", "LinkscopeUnits", "LinkscopeSchedule", "LinkscopeCollectives", "LinkscopeCostModel",
        ]),
        .target(name: "LinkscopeProfile", dependencies: [
            "LinkscopeTraining", "LinkscopeKernels", "LinkscopeSchedule", "LinkscopeFabric", "LinkscopeJSON",
            "LinkscopeTimeline", "LinkscopeScenario", "LinkscopeSim",
        ]),
        .target(name: "LinkscopeMPI", dependencies: [
            "LinkscopeTraining", "LinkscopeKernels", "LinkscopeJSON",
            .target(name: "CMPI", condition: .when(traits: ["MPI"])),
        ]),
        .target(name: "LinkscopeFuzz", dependencies: ["LinkscopeUnits", "LinkscopeScenario", "LinkscopeSim"]),
        .target(name: "LinkscopeDashboard", dependencies: [
            "LinkscopeUnits", "LinkscopeCostModel", "LinkscopeTimeline", "CNcurses",
        ]),
        .executableTarget(name: "linkscope", dependencies: [
            "LinkscopeUnits", "LinkscopeTopology", "LinkscopeCostModel", "LinkscopeSim",
            "LinkscopeScenario", "LinkscopeJSON", "LinkscopeTimeline", "LinkscopeTraces", "LinkscopeDashboard", "LinkscopeReplay",
            "LinkscopeCollectives", "LinkscopeTraining", "LinkscopeProfile", "LinkscopeMPI",
            "LinkscopePlanning", "LinkscopeFabric", "LinkscopeSchedule", "LinkscopeLayoutSearch",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "LinkscopeBench", dependencies: [
            "LinkscopeUnits", "LinkscopeEngine", "LinkscopeSchedule", "LinkscopeFabric", "LinkscopeSim",
            "LinkscopeTopology", "LinkscopeScenario", "LinkscopeTraces", "LinkscopeDashboard",
            "LinkscopeKernels", "LinkscopeTraining",
            "LinkscopeFuzz",
        ]),

        .testTarget(name: "LinkscopeJSONTests", dependencies: ["LinkscopeJSON"]),
        .testTarget(name: "LinkscopeUnitsTests", dependencies: ["LinkscopeUnits"]),
        .testTarget(name: "LinkscopeTopologyTests", dependencies: ["LinkscopeTopology", "LinkscopeUnits"]),
        .testTarget(name: "LinkscopeCostModelTests", dependencies: ["LinkscopeCostModel"]),
        .testTarget(name: "LinkscopeScheduleTests", dependencies: ["LinkscopeSchedule"]),
        .testTarget(name: "LinkscopePlanningTests", dependencies: [
            "LinkscopePlanning", "LinkscopeTopology", "LinkscopeCostModel",
        ]),
        .testTarget(name: "LinkscopeCLITests", dependencies: [
            "linkscope", "LinkscopeScenario", "LinkscopeTopology", "LinkscopeUnits",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "LinkscopeEngineTests", dependencies: ["LinkscopeEngine", "LinkscopeUnits"]),
        .testTarget(name: "LinkscopeFabricTests", dependencies: [
            "LinkscopeFabric", "LinkscopeTopology", "LinkscopeSchedule", "LinkscopeUnits",
        ]),
        .testTarget(name: "LinkscopeCollectivesTests", dependencies: [
            "LinkscopeCollectives", "LinkscopeSchedule", "LinkscopeCostModel",
        ]),
        .testTarget(name: "LinkscopeTimelineTests", dependencies: ["LinkscopeTimeline"]),
        .testTarget(name: "LinkscopeTracesTests", dependencies: [
            "LinkscopeTraces", "LinkscopeJSON", "LinkscopeTimeline", "LinkscopeUnits",
        ],
                    exclude: ["Reference"]),
        .testTarget(name: "LinkscopeScenarioTests", dependencies: [
            "LinkscopeScenario", "LinkscopeTopology", "LinkscopeCostModel", "LinkscopeUnits",
        ]),
        .testTarget(name: "LinkscopeSimTests", dependencies: [
            "LinkscopeSim", "LinkscopeScenario", "LinkscopeCostModel", "LinkscopeJSON", "LinkscopeTimeline",
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
            "LinkscopeScenario", "LinkscopeUnits",
        ], exclude: ["Fixtures"]),
        .testTarget(name: "LinkscopeKernelsTests", dependencies: ["LinkscopeKernels"]),
        .testTarget(name: "LinkscopeLayoutSearchTests", dependencies: [
            "LinkscopeLayoutSearch", "LinkscopeSim", "LinkscopeScenario", "LinkscopeCostModel",
        ]),
        .testTarget(name: "LinkscopeTrainingTests", dependencies: [
            "LinkscopeTraining", "LinkscopeKernels", "LinkscopeProfile", "LinkscopeJSON", "LinkscopeTimeline",
        ]),
    ]
)
