// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for the profile and command readers, a package of its own so that the
/// main package never builds with the fuzzer's instrumentation: `Tests/Fuzz/run` builds this
/// one with `swift build --sanitize=fuzzer`, which instruments the readers through the path
/// dependency as well. The readers are internal to Profiles, so the targets import it
/// `@testable`, which a debug build (the script's) allows.
///
/// Each target defines `LLVMFuzzerTestOneInput` and no `main` (libFuzzer brings its own),
/// hence `-parse-as-library`.
let fuzzer: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]
let profiles: Target.Dependency = .product(name: "SensorgateProfiles", package: "sensorgate")

let package = Package(
    name: "sensorgate-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The checkout, through the link `sensorgate -> ../..`: SwiftPM names a path
        // dependency after its directory, and a checkout in a directory named `fuzz` (this
        // package's own name) would otherwise clash with this package.
        .package(path: "sensorgate"),
    ],
    targets: [
        .executableTarget(name: "fuzz-yaml", dependencies: [profiles], swiftSettings: fuzzer),
        .executableTarget(name: "fuzz-json", dependencies: [profiles], swiftSettings: fuzzer),
        .executableTarget(name: "fuzz-profile", dependencies: [profiles], swiftSettings: fuzzer),
        .executableTarget(name: "fuzz-command", dependencies: [profiles], swiftSettings: fuzzer),
    ],
    swiftLanguageModes: [.v6]
)
