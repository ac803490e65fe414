import Foundation
import Testing

/// `sensorgate validate` and `run` exit codes and messages (docs/ARCHITECTURE.md, "Command line").
@Suite("Command line")
struct CommandLineTests {
    @Test("validate: ok per valid file and exit 0")
    func validateOK() throws {
        let examples = ["demo.yaml", "demo.json", "weather-station.yaml", "minimal.yaml"].map {
            TestEnvironment.repository.appendingPathComponent("DeviceProfiles/examples/\($0)").path
        }
        let result = try run(TestEnvironment.binary, ["validate"] + examples)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.split(separator: "\n").map(String.init) == examples.map { "ok: \($0)" })
    }

    @Test("validate: every problem as FILE:LINE:COLUMN: error: MESSAGE and exit 1")
    func validateInvalid() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let file = directory.appendingPathComponent("bad.yaml")
        try """
        gateway:
          id: bad
        mqtt:
          brokr: mqtt://127.0.0.1:1883
        inputs:
          - id: door
            gpio: { line: 17, bias: pullup }
            debounce: 20
        """.write(to: file, atomically: true, encoding: .utf8)
        let result = try run(TestEnvironment.binary, ["validate", file.path])
        #expect(result.status == 1)
        let lines = result.error.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.error)")
        #expect(lines.contains { $0.hasPrefix("\(file.path):4:3: error: ") && $0.contains("did you mean 'broker'") })
        #expect(lines.contains { $0.hasPrefix("\(file.path):7:") && $0.contains("pull-up") })
        #expect(lines.contains { $0.hasPrefix("\(file.path):8:") && $0.contains("debounce") })
    }

    @Test("validate: unreadable file and usage errors exit 2")
    func validateUsage() throws {
        let missing = try run(TestEnvironment.binary, ["validate", "/nonexistent/profile.yaml"])
        #expect(missing.status == 2)
        #expect(missing.error.contains("/nonexistent/profile.yaml"))
        let none = try run(TestEnvironment.binary, ["validate"])
        #expect(none.status == 2)
        let unknownFlag = try run(TestEnvironment.binary, ["validate", "--frobnicate", "x.yaml"])
        #expect(unknownFlag.status == 2)
    }

    @Test("run without --simulate uses the kernel's GPIO: with no gpiochip here, exit 1 with a hint, no fallback")
    func runWithoutSimulator() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let profile = TestEnvironment.repository.appendingPathComponent("DeviceProfiles/examples/demo.yaml").path
        let result = try run(TestEnvironment.binary, ["run", "--profile", profile, "--broker", TestEnvironment.brokerURL,
                                                      "--state-dir", directory.path], timeout: 20)
        #expect(result.status == 1)
        #expect(result.error.contains("--simulate"), "\(result.error)")
    }

    @Test("run with an invalid profile prints diagnostics and exits 1; a bad --broker exits 2")
    func runRejectsBadInput() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let file = directory.appendingPathComponent("bad.yaml")
        try "gateway: { id: x }\ninputs: [ { id: a, gpio: { line: 2000 } } ]\n".write(to: file, atomically: true, encoding: .utf8)
        let invalid = try run(TestEnvironment.binary, ["run", "--simulate", "--profile", file.path])
        #expect(invalid.status == 1)
        #expect(invalid.error.contains("\(file.path):2:"), "\(invalid.error)")
        let demo = TestEnvironment.repository.appendingPathComponent("DeviceProfiles/examples/demo.yaml").path
        let badBroker = try run(TestEnvironment.binary, ["run", "--simulate", "--profile", demo, "--broker", "http://x"])
        #expect(badBroker.status == 2)
        #expect(badBroker.error.contains("mqtt://"))
    }

    @Test("--version names Sensorgate's version and the libgpiod in use, or why there is none")
    func version() throws {
        let found = try run(TestEnvironment.binary, ["--version"])
        #expect(found.status == 0)
        let lines = found.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(found.output)")
        #expect(lines.first == "sensorgate 0.1.0")
        let library = lines.dropFirst().first ?? ""
        #expect(library.wholeMatch(of: #/libgpiod [0-9]+\.[0-9]+(\.[0-9]+)? \(API v[12], libgpiod\.so\.[23]\)/#) != nil,
                "\(library)")
        // The API and the SONAME go together: libgpiod 1.x is API v1 in libgpiod.so.2.
        #expect(library.hasPrefix("libgpiod 1.") == library.hasSuffix("(API v1, libgpiod.so.2)"), "\(library)")

        var environment = ProcessInfo.processInfo.environment
        environment["SENSORGATE_LIBGPIOD"] = "/nonexistent/libgpiod.so.3"
        let missing = try run(TestEnvironment.binary, ["--version"], environment: environment)
        #expect(missing.status == 0)
        #expect(missing.output.hasPrefix("sensorgate 0.1.0\nlibgpiod: not found ("), "\(missing.output)")
        #expect(missing.output.contains("/nonexistent/libgpiod.so.3"))
    }

    @Test("drivers lists bme280 with its address and channels")
    func drivers() throws {
        let result = try run(TestEnvironment.binary, ["drivers"])
        #expect(result.status == 0)
        #expect(result.output.contains("bme280"))
        #expect(result.output.contains("0x76"))
        #expect(result.output.contains("temperature [°C]"))
        #expect(result.output.contains("repeatability: high|medium|low, default high"))
    }

    @Test("drivers --json lists every driver with its options, one object each")
    func driversJSON() throws {
        let result = try run(TestEnvironment.binary, ["drivers", "--json"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("[\n  {\n    \"name\": \"bme280\","))
        #expect(result.output.contains("\"name\": \"sht3x\""))
        #expect(result.output.contains("\"kind\": \"choice\""))
        #expect(result.output.contains("\"default\": false"))
        #expect(result.output.contains("\"unit\": \"°C\""))
        let parsed = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]]
        let drivers = try #require(parsed, "not a JSON array of objects")
        #expect(!drivers.isEmpty && drivers.allSatisfy { $0["name"] is String && $0["channels"] is [Any] })
    }

    @Test("drivers lists the channels an option changes: the ADS1115's differential inputs")
    func optionDependentChannels() throws {
        let text = try run(TestEnvironment.binary, ["drivers"])
        #expect(text.output.contains("  channels: a0 [V], a1 [V], a2 [V], a3 [V]\n  channels with inputs: differential: a0_a1 [V], a2_a3 [V]\n"))
        let result = try run(TestEnvironment.binary, ["drivers", "--json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]]
        let drivers = try #require(parsed, "not a JSON array of objects")
        let ads1115 = try #require(drivers.first { $0["name"] as? String == "ads1115" })
        let variants = try #require(ads1115["channels_by_option"] as? [[String: Any]])
        #expect(variants.count == 1)
        #expect(variants.first?["option"] as? String == "inputs" && variants.first?["value"] as? String == "differential")
        let names = (variants.first?["channels"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["a0_a1", "a2_a3"])
        let bme280 = try #require(drivers.first { $0["name"] as? String == "bme280" })
        #expect((bme280["channels_by_option"] as? [Any])?.isEmpty == true)
    }
}
