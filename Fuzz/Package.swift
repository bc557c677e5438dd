// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for the readers of untrusted bytes. Not part of the product: `make fuzz` builds
/// them with `-sanitize=fuzzer,address` (FuzzDriver hands `main` to libFuzzer) and runs each one.
let package = Package(
    name: "vsr-fuzz",
    dependencies: [
        .package(name: "vsr", path: ".."),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "fuzz-y4m",
            dependencies: ["FuzzDriver", .product(name: "VSRStreams", package: "vsr"), .product(name: "VSRCore", package: "vsr")]),
        .executableTarget(name: "fuzz-safetensors", dependencies: ["FuzzDriver", .product(name: "VSRInference", package: "vsr")]),
        .executableTarget(
            name: "fuzz-pth",
            dependencies: [
                "FuzzDriver", .product(name: "VSRInference", package: "vsr"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .executableTarget(name: "fuzz-preset", dependencies: ["FuzzDriver", .product(name: "VSRPresets", package: "vsr")]),
        .executableTarget(name: "fuzz-media", dependencies: ["FuzzDriver", .product(name: "VSRMedia", package: "vsr")]),
    ]
)
