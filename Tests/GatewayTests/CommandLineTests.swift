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

    @Test("habits: -V and version print the version, a misspelt command gets a did-you-mean, --log-level takes any case and lists the levels")
    func habits() throws {
        for arguments in [["-V"], ["version"], ["--version"]] {
            let result = try run(TestEnvironment.binary, arguments)
            #expect(result.status == 0 && result.output.hasPrefix("sensorgate "), "\(arguments): \(result.output) \(result.error)")
        }
        let misspelt = try run(TestEnvironment.binary, ["rnu", "--profile", "x.yaml"])
        #expect(misspelt.status == 2)
        #expect(misspelt.error.contains("did you mean 'sensorgate run'?"), "\(misspelt.error)")
        let nested = try run(TestEnvironment.binary, ["i2c", "scna"])
        #expect(nested.status == 2 && nested.error.contains("did you mean 'sensorgate i2c scan'?"), "\(nested.error)")
        let unknown = try run(TestEnvironment.binary, ["frobnicate"])
        #expect(unknown.status == 2 && unknown.error.contains("the commands are: run, validate"), "\(unknown.error)")
        let level = try run(TestEnvironment.binary, ["run", "--log-level", "loud"])
        #expect(level.status == 2)
        #expect(level.error.contains("use one of trace, debug, info, notice, warning, error, critical"), "\(level.error)")
        // Any case is a level: the run then goes on to the (missing) profile.
        let upper = try run(TestEnvironment.binary, ["run", "--log-level", "DEBUG", "--profile", "/nonexistent/p.yaml"])
        #expect(upper.status == 2 && upper.error.contains("cannot read /nonexistent/p.yaml"), "\(upper.error)")
    }

    @Test("run and validate without a profile use /etc/sensorgate/sensorgate.yaml")
    func defaultProfile() throws {
        let path = "/etc/sensorgate/sensorgate.yaml"
        if FileManager.default.fileExists(atPath: path) {
            let result = try run(TestEnvironment.binary, ["validate"])
            #expect(result.output.contains("ok: \(path)") || result.error.contains(path), "\(result.output) \(result.error)")
        } else {
            for arguments in [["validate"], ["run", "--simulate"]] {
                let result = try run(TestEnvironment.binary, arguments, timeout: 20)
                #expect(result.status == 2 && result.error.contains("cannot read \(path)"), "\(arguments): \(result.error)")
            }
        }
    }

    @Test("import mqtt-io: the profile written validates, the notes are located, the password never appears")
    func importMQTTIO() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let fixtures = TestEnvironment.repository.appendingPathComponent("Tests/ProfilesTests/Fixtures/mqtt-io")
        for name in ["raspberry-pi.yml", "sensors.yml"] {
            let config = fixtures.appendingPathComponent(name).path
            let target = directory.appendingPathComponent(name + ".profile.yaml").path
            let converted = try run(TestEnvironment.binary, ["import", "mqtt-io", config, "--output", target, "--id", "imported"])
            #expect(converted.status == 0, "\(name): \(converted.error)")
            #expect(converted.output.isEmpty, "the profile goes to --output")
            let notes = converted.error.split(separator: "\n")
            #expect(!notes.isEmpty && notes.allSatisfy { $0.hasPrefix("\(config):") && $0.contains(": note: ") }, "\(converted.error)")
            let validated = try run(TestEnvironment.binary, ["validate", target])
            #expect(validated.status == 0 && validated.output == "ok: \(target)\n", "\(validated.output) \(validated.error)")
            let text = try String(contentsOfFile: target, encoding: .utf8)
            #expect(text.hasPrefix("gateway:\n  id: imported\n"), "\(text)")
            #expect(!text.contains("hunter2") && !converted.error.contains("hunter2"))
        }
        // A CA file that is not on this machine: written, then reported, exit 1.
        let tls = try run(TestEnvironment.binary, ["import", "mqtt-io", fixtures.appendingPathComponent("expanders.yml").path])
        #expect(tls.status == 1 && tls.output.contains("ca_file: /etc/ssl/certs/example-ca.pem"), "\(tls.output)")
        #expect(tls.error.contains("cannot read the CA file"), "\(tls.error)")
        let missing = try run(TestEnvironment.binary, ["import", "mqtt-io", "/nonexistent/config.yml"])
        #expect(missing.status == 2 && missing.error.contains("cannot read /nonexistent/config.yml"), "\(missing.error)")
    }
}
