// swift-tools-version: 6.0
import PackageDescription

/// One system-library module per C library (`CMalloc`: glibc's allocator tuning); `CPNGShim` is the
/// only C code we own (libpng reports errors with `longjmp`, which Swift cannot catch).
let package = Package(
    name: "synergen-prep",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "SynergenPrep", targets: ["SynergenPrep"]),
        .executable(name: "synergen-prep", targets: ["synergen-prep"]),
        .executable(name: "synergen-bench", targets: ["synergen-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // glibc's <malloc.h> (`mallopt`): no library to link, only the declarations.
        .systemLibrary(name: "CMalloc"),
        .target(name: "CPNGShim", dependencies: ["CLibPNG"]),
        .target(
            name: "SynergenPrep",
            dependencies: ["CArchive", "CTurboJPEG", "CPNGShim", "CZstd", "COpenBLAS", "CMalloc"]
        ),
        .executableTarget(
            name: "synergen-prep",
            dependencies: ["SynergenPrep", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "synergen-bench",
            dependencies: ["SynergenPrep", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "SynergenPrepTests", dependencies: ["SynergenPrep"]),
    ]
)
