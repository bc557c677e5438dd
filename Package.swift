// swift-tools-version:6.0
import PackageDescription

/// Release builds of the numeric modules are tuned for the host CPU in the Makefile
/// (`-Xswiftc -target-cpu -Xswiftc native`); the package itself stays portable.
let package = Package(
    name: "vsr",
    products: [
        .executable(name: "vsr", targets: ["vsr"]),
        .library(name: "VSRCore", targets: ["VSRCore"]),
        .library(name: "VSRMedia", targets: ["VSRMedia"]),
        .library(name: "VSRPipeline", targets: ["VSRPipeline"]),
        .library(name: "VSRInference", targets: ["VSRInference"]),
        .library(name: "VSRStreams", targets: ["VSRStreams"]),
        .library(name: "VSRPresets", targets: ["VSRPresets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // FFmpeg's C API (libavformat, libavcodec, libswscale, libavutil), found through pkg-config.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]
        ),
        // glibc's mallopt, for MemoryReuse (VSRInference).
        .systemLibrary(name: "CMalloc"),
        // Value types and the protocols the pipeline is built from. No FFmpeg here.
        .target(name: "VSRCore"),
        // The only module that imports CFFmpeg: demux, decode, encode, mux, swscale.
        .target(name: "VSRMedia", dependencies: ["VSRCore", "CFFmpeg"]),
        // Tensors, ops (naive reference + optimized kernels), models, weights I/O, metrics. No FFmpeg.
        // -Ounchecked drops bounds and overflow checks in release builds: the kernels index raw
        // pointers whose ranges the tests check against the reference ops.
        .target(
            name: "VSRInference",
            dependencies: ["VSRCore", "CMalloc", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // Raw frames through files and pipes: y4m and rawvideo readers and writers. No FFmpeg.
        .target(name: "VSRStreams", dependencies: ["VSRCore"]),
        // Pipelines/ presets: strict decoding of the versioned JSON (fuzzed in Fuzz/).
        .target(name: "VSRPresets", dependencies: ["VSRCore", "VSRMedia", "VSRStreams"]),
        // Drives frames from a source through upscalers to a sink. Knows protocols, never FFmpeg.
        .target(name: "VSRPipeline", dependencies: ["VSRCore"]),
        .executableTarget(
            name: "vsr",
            dependencies: [
                "VSRCore", "VSRMedia", "VSRPipeline", "VSRInference", "VSRStreams", "VSRPresets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Kernel speed against the machine's FMA peak (a benchmark, never a timed test).
        .executableTarget(
            name: "vsr-kernel-bench",
            dependencies: ["VSRInference", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        .testTarget(name: "VSRCoreTests", dependencies: ["VSRCore"]),
        .testTarget(name: "VSRMediaTests", dependencies: ["VSRMedia", "VSRCore"]),
        .testTarget(name: "VSRInferenceTests", dependencies: ["VSRInference", "VSRCore"]),
        .testTarget(name: "VSRStreamsTests", dependencies: ["VSRStreams", "VSRCore"]),
        .testTarget(name: "VSRPipelineTests", dependencies: ["VSRPipeline", "VSRCore"]),
        // End-to-end tests drive the built `vsr` binary and check its output with the ffmpeg/ffprobe CLIs.
        .testTarget(name: "vsrTests", dependencies: ["vsr"], exclude: ["Snapshots"]),
    ]
)
