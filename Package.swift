// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SpruceLink",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SpruceQR", targets: ["SpruceQR"]),
        .library(name: "SpruceCore", targets: ["SpruceCore"]),
        .library(name: "SpruceStore", targets: ["SpruceStore"]),
        .library(name: "SpruceDelivery", targets: ["SpruceDelivery"]),
        .library(name: "SpruceServer", targets: ["SpruceServer"]),
        .library(name: "SprucePrint", targets: ["SprucePrint"]),
        .executable(name: "sprucelink", targets: ["sprucelink"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/async-kit", from: "1.22.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
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
        .target(name: "CSpruceSpawn"),
        // libphonenumber is C++: one .cpp file exposes plain C functions over fixed-size structs. Debian's
        // libphonenumber-dev has no pkg-config file, so the library is linked by name.
        .target(
            name: "CPhoneNumber",
            linkerSettings: [.linkedLibrary("phonenumber")]
        ),
        .systemLibrary(
            name: "CCairo",
            pkgConfig: "cairo-pdf",
            providers: [.apt(["libcairo2-dev"])]
        ),
        .systemLibrary(
            name: "CPango",
            pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev"])]
        ),

        .target(name: "SpruceQR", dependencies: ["CQREncode", "CSprucePNG"]),
        .target(name: "SpruceProcess", dependencies: ["CSpruceSpawn"]),
        .target(
            name: "SpruceCore",
            dependencies: [
                "CPhoneNumber",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(name: "SprucePrint", dependencies: ["SpruceQR", "SpruceCore", "CCairo", "CPango"]),
        .target(
            name: "SpruceStore",
            dependencies: [
                "SpruceCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "AsyncKit", package: "async-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Invitation delivery: the outbox, sendmail, template files and the dispatcher. All of the I/O that the
        // core must not do, on NIO's thread pool for blocking work.
        .target(
            name: "SpruceDelivery",
            dependencies: [
                "SpruceCore",
                "SpruceStore",
                "SpruceProcess",
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Templates/Bundled")]
        ),
        .target(
            name: "SpruceServer",
            dependencies: [
                "SpruceCore",
                "SpruceStore",
                "SpruceDelivery",
                "SpruceQR",
                "SprucePrint",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Templates"), .copy("Static")]
        ),
        .executableTarget(
            name: "sprucelink",
            dependencies: [
                "SpruceQR",
                "SpruceCore",
                "SpruceStore",
                "SpruceDelivery",
                "SpruceServer",
                "SprucePrint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
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

        .executableTarget(
            name: "StoreBenchmark",
            dependencies: [
                "SpruceStore", "SpruceCore", "SpruceProcess", .product(name: "SQLiteKit", package: "sqlite-kit"),
            ],
            path: "Benchmarks/StoreBenchmark"
        ),

        .executableTarget(
            name: "InvitationBenchmark",
            dependencies: ["SpruceCore", "SpruceQR", "SpruceStore", "SpruceDelivery"],
            path: "Benchmarks/InvitationBenchmark"
        ),

        // Run by SpruceCoreTests under valgrind: libphonenumber through the shim and its Swift wrapper, no leak.
        .executableTarget(name: "PhoneLeakCheck", dependencies: ["SpruceCore"], path: "Tests/PhoneLeakCheck"),
        .executableTarget(
            name: "PrintBenchmark",
            dependencies: ["SprucePrint", "SpruceQR", "SpruceCore", "SpruceStore"],
            path: "Benchmarks/PrintBenchmark"
        ),

        .testTarget(name: "SpruceProcessTests", dependencies: ["SpruceProcess"]),
        .testTarget(name: "SpruceQRTests", dependencies: ["SpruceQR", "SpruceProcess"]),
        .testTarget(
            name: "SprucePrintTests", dependencies: ["SprucePrint", "SpruceQR", "SpruceCore", "SpruceProcess"]),
        .testTarget(name: "SpruceCoreTests", dependencies: ["SpruceCore", "SpruceProcess"]),
        .testTarget(
            name: "SpruceStoreTests",
            dependencies: [
                "SpruceStore",
                "SpruceCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SpruceDeliveryTests",
            dependencies: [
                "SpruceDelivery", "SpruceStore", "SpruceCore", .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "sprucelinkTests", dependencies: ["sprucelink", "SpruceProcess"]),
        .testTarget(
            name: "SpruceServerTests",
            dependencies: [
                "SpruceServer",
                "SpruceStore",
                "SpruceDelivery",
                "SpruceCore",
                "SpruceProcess",
                .product(name: "Hummingbird", package: "hummingbird"),
                "SprucePrint",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresKit", package: "postgres-kit"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
