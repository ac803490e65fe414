import Foundation
import Profiles
import Testing

/// The `mqtt:` keys for where the broker is and how the gateway proves who it is:
/// `brokers`, `password_env`, the refused inline `password`, `persistent_session`,
/// `tls.ca_path` and `tls.insecure`, and the check that every named file is readable.
@Suite("Credential and broker profile keys")
struct CredentialProfileTests {
    static func text(_ mqtt: String) -> String {
        "gateway:\n  id: gw\nmqtt:\n" + mqtt + "\ninputs:\n  - id: door\n    gpio: { line: 17 }\n"
    }

    static func profile(_ mqtt: String) throws -> Profile {
        try ProfileLoader.load(text: text(mqtt), path: "c.yaml")
    }

    static func messages(_ mqtt: String) -> [String] {
        do {
            _ = try ProfileLoader.load(text: text(mqtt), path: "c.yaml")
            return []
        } catch {
            switch error {
            case .invalid(let diagnostics): return diagnostics.map(\.description)
            case .unreadable(_, let reason): return [reason]
            }
        }
    }

    @Test("an inline password is refused at its key, saying what to use, never repeating it")
    func inlinePasswordRefused() {
        let messages = Self.messages("  username: gw\n  password: hunter2-secret")
        #expect(messages.count == 1, "\(messages)")
        let message = messages.first ?? ""
        #expect(message.hasPrefix("c.yaml:5:3: error: mqtt.password: a password is never written in the profile"), "\(message)")
        #expect(message.contains("mqtt.password_file") && message.contains("mqtt.password_env"), "\(message)")
        #expect(!message.contains("hunter2"), "\(message)")
    }

    @Test("password_env names an environment variable, needs a user name, and excludes password_file")
    func passwordEnvironment() throws {
        let good = try Self.profile("  username: gw\n  password_env: MQTT_PASSWORD")
        #expect(good.mqtt.passwordEnvironment == "MQTT_PASSWORD")
        #expect(good.mqtt.passwordFile == nil)
        #expect(Self.messages("  password_env: MQTT_PASSWORD")
            == ["c.yaml:4:17: error: mqtt.password_env: a password needs a user name: add mqtt.username"])
        let invalidName = Self.messages("  username: gw\n  password_env: 1-BAD")
        #expect(invalidName.count == 1 && invalidName[0].contains("expected the name of an environment variable"), "\(invalidName)")
        let both = Self.messages("  username: gw\n  password_file: /p\n  password_env: P")
        #expect(both == ["c.yaml:6:17: error: mqtt.password_env: give either mqtt.password_file or mqtt.password_env, not both"])
    }

    @Test("brokers: a failover list in order; broker stays a one-item list")
    func brokerList() throws {
        let list = try Self.profile("  brokers: [mqtt://a.lan:1883, mqtt://b.lan]")
        #expect(list.mqtt.brokers == [BrokerURL(host: "a.lan", port: 1883, tls: false),
                                      BrokerURL(host: "b.lan", port: 1883, tls: false)])
        #expect(list.mqtt.broker == list.mqtt.brokers[0])
        let single = try Self.profile("  broker: mqtts://c.lan")
        #expect(single.mqtt.brokers == [BrokerURL(host: "c.lan", port: 8883, tls: true)])
        let none = try Self.profile("  qos: 1")
        #expect(none.mqtt.brokers == [BrokerURL(host: "127.0.0.1", port: 1883, tls: false)])
    }

    @Test("brokers: refused with broker, empty, mixed schemes, repeated, or with user info", arguments: [
        ("  broker: mqtt://a\n  brokers: [mqtt://b]", "c.yaml:5:12: error: mqtt.brokers: give either mqtt.broker (one broker) or mqtt.brokers (a failover list), not both"),
        ("  brokers: []", "c.yaml:4:12: error: mqtt.brokers: expected at least one broker URL"),
        ("  brokers: [mqtts://a, mqtt://b]", "c.yaml:4:24: error: mqtt.brokers[1]: every broker in the list must use the same scheme: 'mqtt://b:1883' is not mqtts:// like the first"),
        ("  brokers: [mqtt://a, mqtt://a:1883]", "c.yaml:4:23: error: mqtt.brokers[1]: 'mqtt://a:1883' is already in the list"),
        ("  brokers: [mqtt://a, 'mqtt://u:pw@b']", "c.yaml:4:23: error: mqtt.brokers[1]: " + BrokerURL.userInfoRefusal),
    ] as [(String, String)])
    func brokerListRefused(mqtt: String, expected: String) {
        #expect(Self.messages(mqtt) == [expected])
    }

    @Test("persistent_session, tls.ca_path and tls.insecure decode; defaults are off")
    func sessionAndTLSKeys() throws {
        let profile = try Self.profile("""
          broker: mqtts://a.lan
          persistent_session: true
          tls: { ca_path: /etc/ssl/certs, insecure: true }
        """)
        #expect(profile.mqtt.persistentSession)
        #expect(profile.mqtt.tls == TLSSettings(caPath: "/etc/ssl/certs", insecure: true))
        let defaults = try Self.profile("  broker: mqtts://a.lan\n  tls: { ca_file: ca.pem }")
        #expect(!defaults.mqtt.persistentSession)
        #expect(defaults.mqtt.tls?.insecure == false)
    }

    @Test("every named file is recorded where it is named")
    func referencedFiles() throws {
        let profile = try Self.profile("""
          broker: mqtts://a.lan
          username: gw
          password_file: /etc/sensorgate/mqtt.pass
          tls: { ca_file: ca.pem, ca_path: /etc/ssl/certs, cert_file: gw.pem, key_file: gw.key }
        """)
        let files = profile.mqtt.referencedFiles
        #expect(files.map(\.keyPath) == ["mqtt.password_file", "mqtt.tls.ca_file", "mqtt.tls.ca_path",
                                         "mqtt.tls.cert_file", "mqtt.tls.key_file"])
        #expect(files.map(\.line) == [6, 7, 7, 7, 7])
        #expect(files.first?.column == 18)
        #expect(files.map(\.kind) == [.file, .file, .directory, .file, .file])
    }

    @Test("the file check: missing, a directory for a file, a file for a directory; readable ones pass")
    func fileCheck() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("credential-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = directory.appendingPathComponent("ca.pem").path
        try "not really a certificate\n".write(toFile: ca, atomically: true, encoding: .utf8)
        let missing = directory.appendingPathComponent("missing.key").path
        let profile = try Self.profile("""
          broker: mqtts://a.lan
          username: gw
          password_file: \(directory.path)
          tls: { ca_file: \(ca), ca_path: \(ca), cert_file: \(ca), key_file: \(missing) }
        """)
        let messages = ReferencedFileCheck.diagnostics(for: profile).map(\.description)
        let caPathColumn = "  tls: { ca_file: \(ca), ca_path: ".count + 1
        let keyColumn = "  tls: { ca_file: \(ca), ca_path: \(ca), cert_file: \(ca), key_file: ".count + 1
        #expect(messages == [
            "c.yaml:6:18: error: mqtt.password_file: the password file '\(directory.path)' is a directory; expected a file",
            "c.yaml:7:\(caPathColumn): error: mqtt.tls.ca_path: the CA directory '\(ca)' is not a directory",
            "c.yaml:7:\(keyColumn): error: mqtt.tls.key_file: cannot read the client key '\(missing)': No such file or directory",
        ], "\(messages)")
        let relative = try Self.profile("  broker: mqtts://a.lan\n  tls: { ca_file: no-such-ca.pem }")
        let relativeMessages = ReferencedFileCheck.diagnostics(for: relative).map(\.description)
        #expect(relativeMessages.first?.contains("(a relative path is taken from the working directory)") == true,
                "\(relativeMessages)")
    }
}
