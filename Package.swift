// swift-tools-version:6.0
// The v2x package: cooperative perception for connected vehicles.
// Dependency direction (no cycles): V2XCore ← Scenario, Quant ← Perception ← Comm ← Fusion,
// Metrics ← V2XCore/Scenario; the `v2x` tool depends on everything. See ../shared/DESIGN.md.
import PackageDescription

/// PCL 1.13 and Eigen headers for the C++ bridge (Debian's libpcl-dev, libeigen3-dev).
let pclHeaderFlags = ["-I/usr/include/pcl-1.13", "-I/usr/include/eigen3"]

let package = Package(
    name: "v2x",
    products: [
        .executable(name: "v2x", targets: ["v2x"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // MARK: System libraries (module maps over pkg-config)
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),

        // MARK: Native code of our own
        .target(
            name: "PCLBridge",
            cxxSettings: [.unsafeFlags(pclHeaderFlags)],
            linkerSettings: [
                .linkedLibrary("pcl_common"), .linkedLibrary("pcl_filters"),
                .linkedLibrary("pcl_search"), .linkedLibrary("pcl_kdtree"),
                .linkedLibrary("pcl_segmentation"), .linkedLibrary("pcl_registration"),
                .linkedLibrary("pcl_sample_consensus"),
            ]
        ),
        .target(name: "QuantKernels"),
        // Benchmark-only: oneDNN int8 convolution peer and a vpdpbusd peak probe (`v2x bench kernels`).
        .target(name: "CDNNLBench", linkerSettings: [.linkedLibrary("dnnl")]),

        // MARK: Swift libraries
        .target(name: "V2XCore"),
        .target(name: "Scenario", dependencies: ["V2XCore", "PCLBridge", .product(name: "Yams", package: "Yams")]),
        .target(name: "Quant", dependencies: ["V2XCore", "QuantKernels"]),
        .target(name: "Perception", dependencies: ["V2XCore", "Scenario", "Quant", "COpenBLAS"]),
        .target(
            name: "Comm",
            dependencies: [
                "V2XCore", "Perception", "CZeroMQ",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Fusion",
            dependencies: ["V2XCore", "Scenario", "Perception", "Comm", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Metrics", dependencies: ["V2XCore", "Scenario", "CPNG", .product(name: "Histogram", package: "hdrhistogram-swift")]),

        // MARK: The command-line tool
        .executableTarget(
            name: "v2x",
            dependencies: [
                "V2XCore", "Scenario", "Perception", "Quant", "Comm", "Fusion", "Metrics", "CDNNLBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Tests
        .target(name: "V2XTestSupport", dependencies: ["V2XCore"], path: "Tests/V2XTestSupport"),
        .testTarget(name: "V2XCoreTests", dependencies: ["V2XCore", "V2XTestSupport"]),
        .testTarget(
            name: "ScenarioTests",
            dependencies: ["Scenario", "V2XTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "QuantTests", dependencies: ["Quant", "QuantKernels", "V2XTestSupport"]),
        .testTarget(name: "PerceptionTests", dependencies: ["Perception", "COpenBLAS", "V2XTestSupport"]),
        .testTarget(name: "CommTests", dependencies: ["Comm", "CZeroMQ", "V2XTestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Scenario", "V2XTestSupport"]),
        .testTarget(name: "FusionTests", dependencies: ["Fusion", "Perception", "Comm", "Scenario", "V2XTestSupport"]),
        .testTarget(name: "NodeTests", dependencies: ["Fusion", "Comm", "Perception", "V2XCore", "V2XTestSupport"]),
    ]
)
