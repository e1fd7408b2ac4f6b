// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "seatctl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "seatctl", targets: ["seatctl"]),
        .library(name: "SeatCore", targets: ["SeatCore"]),
        // For the fuzz package in Fuzz/, which builds the loader on its own.
        .library(name: "SeatConfig", targets: ["SeatConfig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        .target(name: "SeatCore"),
        .target(
            name: "SeatConfig",
            dependencies: ["SeatCore", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "SeatStore",
            dependencies: ["SeatCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .target(
            name: "SeatPostgres",
            dependencies: ["SeatCore", "SeatStore", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .target(
            name: "SeatCLI",
            dependencies: [
                "SeatCore", "SeatConfig", "SeatStore", "SeatPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(name: "seatctl", dependencies: ["SeatCLI"]),
        // What several test targets share (a seeded random generator).
        .target(name: "SeatTestSupport", path: "Tests/SeatTestSupport"),
        .testTarget(name: "SeatCoreTests", dependencies: ["SeatCore", "SeatTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "SeatConfigTests", dependencies: ["SeatConfig", "SeatTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SeatStoreTests", dependencies: ["SeatStore", "SeatPostgres"]),
        .testTarget(
            name: "SeatCLITests",
            dependencies: ["SeatCLI", "SeatCore", "SeatStore", "SeatPostgres", "SeatTestSupport", .product(name: "Yams", package: "Yams")],
            exclude: ["Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
