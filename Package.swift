// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SpruceLink",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SpruceQR", targets: ["SpruceQR"]),
        .library(name: "SpruceCore", targets: ["SpruceCore"]),
        .executable(name: "sprucelink", targets: ["sprucelink"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries (C). Unsafe code that talks to them stays in one small file per wrapper.
        .systemLibrary(
            name: "CQREncode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        // libpng reports errors with longjmp; the setjmp and the whole write live in C so no jump crosses Swift.
        .target(name: "CSprucePNG", dependencies: ["CPNG"]),

        .target(name: "SpruceQR", dependencies: ["CQREncode", "CSprucePNG"]),
        .target(
            name: "SpruceCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "sprucelink",
            dependencies: [
                "SpruceQR",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .executableTarget(
            name: "QRBenchmark",
            dependencies: ["SpruceQR"],
            path: "Benchmarks/QRBenchmark"
        ),
        .executableTarget(
            name: "ParserBenchmark",
            dependencies: ["SpruceCore"],
            path: "Benchmarks/ParserBenchmark"
        ),

        .testTarget(name: "SpruceQRTests", dependencies: ["SpruceQR"]),
        .testTarget(name: "SpruceCoreTests", dependencies: ["SpruceCore"]),
        .testTarget(name: "sprucelinkTests", dependencies: ["sprucelink"]),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
