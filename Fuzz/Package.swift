// swift-tools-version:6.1
// The config loader's libFuzzer target, kept out of the main package so its
// build (and CI's) does not grow. Build and run it with `scripts/fuzz.sh`.
import PackageDescription

let package = Package(
    name: "seatctl-fuzz",
    dependencies: [
        .package(name: "seatctl", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "ConfigLoaderFuzzer",
            dependencies: [
                .product(name: "SeatConfig", package: "seatctl"),
                .product(name: "SeatCore", package: "seatctl"),
                "FuzzerEntry",
            ]
        ),
        .target(name: "FuzzerEntry"),
    ],
    swiftLanguageModes: [.v6]
)
