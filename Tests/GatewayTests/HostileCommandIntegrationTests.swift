import Foundation
import Testing

/// What a hostile publisher on the broker, or a secret put in the wrong place, can do
/// to the real binary: nothing reaches its log unescaped, nothing is echoed large, no
/// password is printed.
@Suite("Hostile commands and secrets (real binary, real mosquitto)")
struct HostileCommandIntegrationTests {
    @Test("a command with a newline and a forged log line: no such line on stderr, no raw escape, the error escaped")
    func forgedLogLine() throws {
        let (gateway, subscriber, prefix) = try startOnlineDemoGateway("forge")
        defer { _ = gateway.stop() }
        let forged = "2026-12-01T09:00:00+0000 critical sensorgate : [Gateway] forged line"
        try publish("\(prefix)/fan/set", "bogus\n\(forged)\u{1b}[31m\rred")
        #expect(subscriber.wait(timeout: 5) { $0.contains { $0.topic == "\(prefix)/error" } }, "\(gateway.log)")
        #expect(gateway.stop() == 0)

        let log = gateway.log
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!lines.contains { $0.hasPrefix("2026-12-01T09:00:00+0000") || $0.hasPrefix(forged) }, "\(log)")
        #expect(!log.contains("\u{1b}") && !log.contains("\r"), "\(log)")
        #expect(lines.contains { $0.contains(#"unknown command 'bogus\n2026-12-01T09:00:00+0000 critical"#) && $0.contains(#"\u{1b}[31m\rred'"#) },
                "\(log)")

        let error = try #require(subscriber.messages(on: "\(prefix)/error").first?.json)
        let message = try #require(error["error"] as? String)
        #expect(message.contains(#"unknown command 'bogus\n2026-12-01T09:00:00+0000"#), "\(message)")
        #expect(!message.contains("\n") && !message.contains("\u{1b}"), "\(message)")
        let payload = try #require(error["payload"] as? String)
        #expect(payload.hasPrefix(#"bogus\n2026"#) && !payload.contains("\n"), "\(payload)")
    }

    @Test("a 1 MB invalid pulse: an error payload and a log line under 2 KB")
    func largePulse() throws {
        let (gateway, subscriber, prefix) = try startOnlineDemoGateway("large")
        defer { _ = gateway.stop() }
        // Through a file: one argument of a command line holds at most 128 KB.
        let file = TestEnvironment.temporaryDirectory().appendingPathComponent("command.json")
        try Data(#"{"value": true, "pulse": "\#(String(repeating: "9", count: 1 << 20))"}"#.utf8).write(to: file)
        let sent = try run("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(TestEnvironment.brokerPort)", "-q", "1",
                                                    "-t", "\(prefix)/fan/set", "-f", file.path])
        #expect(sent.status == 0, "\(sent.error)")
        #expect(subscriber.wait(timeout: 10) { $0.contains { $0.topic == "\(prefix)/error" } }, "\(gateway.log.prefix(2000))")
        let error = try #require(subscriber.messages(on: "\(prefix)/error").first)
        #expect(error.payload.utf8.count < 2048, "\(error.payload.utf8.count) bytes")
        #expect((error.json?["error"] as? String)?.contains("got 1048604") == true, "\(error.payload)")
        #expect((error.json?["payload"] as? String)?.hasSuffix("... (1048604 bytes)") == true, "\(error.payload)")
        #expect(gateway.stop() == 0)
        let rejected = gateway.log.split(separator: "\n").filter { $0.contains("rejected command") }
        #expect(rejected.count == 1)
        #expect(rejected.allSatisfy { $0.utf8.count < 2048 }, "\(rejected.map(\.utf8.count))")
        #expect(gateway.log.utf8.count < 16_384, "\(gateway.log.utf8.count) bytes of log")
    }

    @Test("a 16 MB command: the peak memory grows by libmosquitto's two copies at most, the gateway copies 1 KB of it")
    func largeCommandMemory() throws {
        let (gateway, subscriber, prefix) = try startOnlineDemoGateway("huge")
        defer { _ = gateway.stop() }
        let size = 16 << 20
        let file = TestEnvironment.temporaryDirectory().appendingPathComponent("command.txt")
        try Data(repeating: UInt8(ascii: "x"), count: size).write(to: file)
        let before = try #require(peakMemory(gateway.pid))
        let sent = try run("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(TestEnvironment.brokerPort)", "-q", "1",
                                                    "-t", "\(prefix)/fan/set", "-f", file.path])
        #expect(sent.status == 0, "\(sent.error)")
        #expect(subscriber.wait(timeout: 20) { $0.contains { $0.topic == "\(prefix)/error" } }, "\(gateway.log.prefix(2000))")
        let growth = try #require(peakMemory(gateway.pid)) - before
        // libmosquitto reads the packet into one buffer and copies the payload into the
        // message it hands over: two copies. Whatever the gateway added would show above that.
        #expect(growth < size * 5 / 2, "peak memory grew by \(growth >> 20) MB for a \(size >> 20) MB command")
        #expect(gateway.stop() == 0)
    }

    /// The process's peak resident memory (`VmHWM`) in bytes.
    private func peakMemory(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    @Test("--broker with user info: exit 2, pointing at username and password_file, the password nowhere")
    func brokerOptionWithUserInfo() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let profile = TestEnvironment.repository.appendingPathComponent("DeviceProfiles/examples/demo.yaml").path
        let result = try run(TestEnvironment.binary, [
            "run", "--profile", profile, "--simulate", "--state-dir", directory.path,
            "--broker", "mqtt://gw:pa55-w0rd@127.0.0.1:\(TestEnvironment.brokerPort)",
        ], timeout: 20)
        #expect(result.status == 2, "\(result.error)")
        #expect(result.error.contains("mqtt.username") && result.error.contains("mqtt.password_file"), "\(result.error)")
        #expect(!(result.output + result.error).contains("pa55-w0rd"), "\(result.error)")
    }

    @Test("validate: mqtt.broker with user info is an error at its line, the password nowhere")
    func validateWithUserInfo() throws {
        let file = TestEnvironment.temporaryDirectory().appendingPathComponent("secret.yaml")
        try """
        gateway:
          id: secret
        mqtt:
          broker: mqtt://gw:pa55-w0rd@broker.local:1883
        outputs:
          - id: fan
            gpio: { line: 22 }
        """.write(to: file, atomically: true, encoding: .utf8)
        let result = try run(TestEnvironment.binary, ["validate", file.path])
        #expect(result.status == 1, "\(result.error)")
        #expect(result.error.hasPrefix("\(file.path):4:"), "\(result.error)")
        #expect(result.error.contains("mqtt.username") && result.error.contains("mqtt.password_file"), "\(result.error)")
        #expect(!(result.output + result.error).contains("pa55-w0rd"), "\(result.error)")
    }

    /// The demo profile with a user name and `password_file`.
    private func profileWithPassword(file passwordFile: String, in directory: URL, id: String) throws -> URL {
        let profile = try TestEnvironment.demoProfile(in: directory, id: id)
        var text = try String(contentsOf: profile, encoding: .utf8)
        guard let range = text.range(of: "\nmqtt:\n") else { throw TestFailure("demo.yaml has no mqtt: section") }
        text.replaceSubrange(range, with: "\nmqtt:\n  username: gw\n  password_file: \(passwordFile)\n")
        try text.write(to: profile, atomically: true, encoding: .utf8)
        return profile
    }

    @Test("a password file others can read: the gateway runs and warns once, naming the file and chmod 600")
    func openPasswordFile() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let passwordFile = directory.appendingPathComponent("mqtt.pass").path
        try "pa55-w0rd\n".write(toFile: passwordFile, atomically: false, encoding: .utf8)
        #expect(chmod(passwordFile, 0o644) == 0)
        let id = TestEnvironment.uniqueID("pass")
        let profile = try profileWithPassword(file: passwordFile, in: directory, id: id)
        let subscriber = try Subscriber(topic: "sensorgate/\(id)/status")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer { _ = gateway.stop() }
        // The test broker allows anonymous clients and ignores the credentials.
        #expect(subscriber.wait(timeout: 10) { $0.contains { $0.payload == "online" } }, "\(gateway.log)")
        #expect(gateway.stop() == 0)
        let warnings = gateway.log.split(separator: "\n").filter { $0.contains("chmod 600") }
        #expect(warnings.count == 1, "\(gateway.log)")
        #expect(warnings.first?.contains(passwordFile) == true && warnings.first?.contains("0644") == true, "\(gateway.log)")
        #expect(!gateway.log.contains("pa55-w0rd"))
    }

    @Test("a missing password file: exit 1 with the system's reason")
    func missingPasswordFile() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let passwordFile = directory.appendingPathComponent("absent.pass").path
        let profile = try profileWithPassword(file: passwordFile, in: directory, id: TestEnvironment.uniqueID("nopass"))
        let result = try run(TestEnvironment.binary, ["run", "--profile", profile.path, "--simulate", "--broker",
                                                      TestEnvironment.brokerURL, "--state-dir", directory.appendingPathComponent("state").path],
                             timeout: 20)
        #expect(result.status == 1, "\(result.error)")
        #expect(result.error.contains(passwordFile) && result.error.contains("No such file or directory"), "\(result.error)")
    }
}
