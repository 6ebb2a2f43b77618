// swift-tools-version: 6.0
import PackageDescription

/// libFuzzer targets, one per parser of untrusted bytes, over the library's public API.
/// Build and run with `scripts/fuzz.sh` (it passes `--sanitize fuzzer -Xswiftc -sanitize=fuzzer,address`;
/// SwiftPM then compiles every module with coverage instrumentation and ASan and builds the
/// executables with `-parse-as-library`, so libFuzzer's `main` drives `LLVMFuzzerTestOneInput`).
/// A plain `swift build` of this package is not a fuzzer: the executables would have no `main`.
let targets = [
    "FuzzManifest", "FuzzTar", "FuzzJPEG", "FuzzPNG", "FuzzTokenizer", "FuzzSafeTensors",
    "FuzzTokenizedShard", "FuzzPackedShard",
]

let package = Package(
    name: "synergen-prep-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "synergen-prep", path: ".."),
    ],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "SynergenPrep", package: "synergen-prep")]),
    ] + targets.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport", .product(name: "SynergenPrep", package: "synergen-prep")]
        )
    }
)
