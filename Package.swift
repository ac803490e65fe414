// swift-tools-version:6.0
import PackageDescription

/// Compiler settings shared by every target of the project's own code.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "sensorgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sensorgate", targets: ["sensorgate"]),
        .executable(name: "sensorgate-bench", targets: ["sensorgate-bench"]),
        // For Tests/Fuzz, a package of its own that reaches the profile readers through this.
        .library(name: "SensorgateProfiles", targets: ["Profiles"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Tests only: property-based tests on Swift Testing (Tests/PipelineTests/Properties).
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // MARK: System libraries (module.modulemap + shim.h only)
        .systemLibrary(
            name: "CI2C",
            providers: [.apt(["libi2c-dev"])]
        ),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // systemd's notify protocol (READY=1, WATCHDOG=1, STATUS=) for `Type=notify`.
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),

        // Linux interfaces Glibc's module lacks (epoll, eventfd, timerfd); header only.
        .target(name: "CLinux"),
        // libgpiod's two APIs as tables of function pointers, filled at run time (dlopen):
        // building needs no libgpiod; abi_check.c checks the copy against a <gpiod.h> if present.
        .target(name: "CGPIOD", linkerSettings: [.linkedLibrary("dl")]),

        // MARK: Core (no C module)
        .target(name: "SensorgateCore", swiftSettings: strict),
        .target(name: "Pipeline", dependencies: ["SensorgateCore"], swiftSettings: strict),
        .target(name: "SensorDrivers", dependencies: ["SensorgateCore"], swiftSettings: strict),
        .target(name: "Simulation", dependencies: ["SensorgateCore", "SensorDrivers", "CLinux"], swiftSettings: strict),
        // The one list of drivers, each paired with its simulated part.
        .target(name: "SensorCatalog", dependencies: ["SensorgateCore", "SensorDrivers", "Simulation"], swiftSettings: strict),
        .target(
            name: "Profiles",
            // Pipeline for the filter catalog: each filter declares its own profile syntax.
            dependencies: ["SensorgateCore", "SensorCatalog", "Pipeline", "CYAML"],
            swiftSettings: strict
        ),

        // MARK: The event loop and the kernel and network boundaries
        .target(name: "Runtime", dependencies: ["SensorgateCore", "CLinux"], swiftSettings: strict),
        .target(name: "GPIO", dependencies: ["SensorgateCore", "CGPIOD"], swiftSettings: strict),
        .target(name: "I2C", dependencies: ["SensorgateCore", "CI2C"], swiftSettings: strict),
        .target(
            name: "MQTT",
            dependencies: ["SensorgateCore", "Runtime", "CMosquitto", "CSQLite", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),

        // MARK: Assembly and programs
        .target(
            name: "Gateway",
            dependencies: [
                "SensorgateCore", "CLinux", "CSystemd", "Runtime", "Pipeline", "SensorDrivers", "Simulation", "SensorCatalog", "Profiles",
                "GPIO", "I2C", "MQTT",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "sensorgate",
            dependencies: [
                "Gateway", "Profiles", "SensorCatalog", "SensorDrivers", "GPIO", "I2C",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "sensorgate-bench",
            dependencies: [
                "Gateway", "MQTT", "Runtime", "Pipeline", "CMosquitto", "SensorgateCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: Tests (one target per source target)
        .testTarget(name: "SensorgateCoreTests", dependencies: ["SensorgateCore"], swiftSettings: strict),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "SensorgateCore"], swiftSettings: strict),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "SensorgateCore", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SensorDriversTests",
            dependencies: ["SensorDrivers", "Simulation", "SensorgateCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SimulationTests",
            dependencies: ["Simulation", "SensorDrivers", "SensorgateCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SensorCatalogTests",
            dependencies: ["SensorCatalog", "Profiles", "SensorDrivers", "Simulation", "SensorgateCore"],
            swiftSettings: strict
        ),
        .testTarget(name: "GPIOTests", dependencies: ["GPIO", "SensorgateCore"], swiftSettings: strict),
        .testTarget(name: "I2CTests", dependencies: ["I2C", "Simulation", "SensorgateCore", "SensorDrivers", "SensorCatalog"], swiftSettings: strict),
        .testTarget(
            name: "ProfilesTests",
            dependencies: ["Profiles", "Pipeline", "SensorgateCore", "SensorDrivers"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(name: "MQTTTests", dependencies: ["MQTT", "Runtime", "SensorgateCore", "CSQLite"], swiftSettings: strict),
        .testTarget(
            name: "GatewayTests",
            dependencies: ["Gateway", "Profiles", "SensorgateCore", "GPIO", "Simulation"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Swift 6.0 (Debian 13's own `swiftlang`) cannot resolve the releases of swift-log,
// swift-service-lifecycle and swift-property-based above, which need Swift 6.1 or 6.2. So
// that the code keeps to what Swift 6.0 accepts, `Tests/Debian13/run` builds and tests,
// with that toolchain, every target that does not need them: it sets this variable, which
// drops those targets, the products, the package dependencies, and the property tests
// (their invariants run on the host toolchain) from the graph. Users never set it.
if Context.environment["SENSORGATE_SWIFT60_SUBSET"] == "1" {
    let needsServicePackages: Set<String> = ["MQTT", "Gateway", "sensorgate", "sensorgate-bench", "MQTTTests", "GatewayTests"]
    package.targets.removeAll { needsServicePackages.contains($0.name) }
    for target in package.targets where target.name == "PipelineTests" {
        target.dependencies.removeAll {
            if case .productItem(name: "PropertyBased", _, _, _) = $0 { return true }
            return false
        }
        target.exclude.append("Properties")
    }
    package.products.removeAll()
    package.dependencies.removeAll()
}
