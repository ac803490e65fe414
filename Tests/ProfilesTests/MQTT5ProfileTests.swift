import Profiles
import SensorgateCore
import Testing

/// `mqtt.protocol` (`3.1.1`, the default, or `5`) and the MQTT 5 keys `session_expiry`
/// and `message_expiry`.
@Suite("MQTT 5 profile keys")
struct MQTT5ProfileTests {
    static func text(_ mqtt: String) -> String {
        "gateway:\n  id: gw\nmqtt:\n" + mqtt + "\ninputs:\n  - id: door\n    gpio: { line: 17 }\n"
    }

    static func messages(_ mqtt: String) -> [String] {
        do {
            _ = try ProfileLoader.load(text: text(mqtt), path: "m.yaml")
            return []
        } catch {
            switch error {
            case .invalid(let diagnostics): return diagnostics.map(\.description)
            case .unreadable(_, let reason): return [reason]
            }
        }
    }

    @Test("defaults: MQTT 3.1.1, a session kept 1h, no message expiry")
    func defaults() throws {
        let plain = try ProfileLoader.load(text: "gateway:\n  id: gw\n", path: "m.yaml")
        #expect(plain.mqtt.protocolSettings == MQTTProtocolSettings(version: .v311, sessionExpiry: .seconds(3_600), messageExpiry: nil))
        let five = try ProfileLoader.load(text: Self.text("  protocol: 5"), path: "m.yaml")
        #expect(five.mqtt.protocolSettings == MQTTProtocolSettings(version: .v5, sessionExpiry: .seconds(3_600), messageExpiry: nil))
    }

    @Test("3.1.1 plain or quoted, 5 plain or quoted, and in JSON")
    func versions() throws {
        for (text, version) in [("3.1.1", MQTTProtocolSettings.Version.v311), ("'3.1.1'", .v311), ("5", .v5), ("\"5\"", .v5)] {
            let profile = try ProfileLoader.load(text: Self.text("  protocol: \(text)"), path: "m.yaml")
            #expect(profile.mqtt.protocolSettings.version == version, "\(text)")
        }
        let json = try ProfileLoader.load(text: #"{"gateway": {"id": "gw"}, "mqtt": {"protocol": 5, "message_expiry": "2m"}}"#,
                                          path: "m.json")
        #expect(json.mqtt.protocolSettings.version == .v5)
        #expect(json.mqtt.protocolSettings.messageExpiry == .seconds(120))
    }

    @Test("session_expiry with persistent_session, message_expiry: whole seconds up to 365d")
    func expiries() throws {
        let profile = try ProfileLoader.load(
            text: Self.text("  protocol: 5\n  persistent_session: true\n  session_expiry: 1d\n  message_expiry: 90s"), path: "m.yaml")
        #expect(profile.mqtt.protocolSettings == MQTTProtocolSettings(version: .v5, sessionExpiry: .seconds(86_400),
                                                                      messageExpiry: .seconds(90)))
        #expect(profile.mqtt.persistentSession)
        let longest = try ProfileLoader.load(text: Self.text("  protocol: 5\n  message_expiry: 365d"), path: "m.yaml")
        #expect(longest.mqtt.protocolSettings.messageExpiry == .seconds(365 * 86_400))
    }

    @Test("an unknown version names the valid ones, with a did-you-mean")
    func badVersion() {
        let four = Self.messages("  protocol: 4")
        #expect(four == ["m.yaml:4:13: error: mqtt.protocol: expected one of 3.1.1, 5, got '4'"], "\(four)")
        let typo = Self.messages("  protocol: 3.11")
        #expect(typo.count == 1 && typo[0].contains("mqtt.protocol: expected one of 3.1.1, 5") && typo[0].contains("did you mean '3.1.1'?"),
                "\(typo)")
        let list = Self.messages("  protocol: [5]")
        #expect(list.count == 1 && list[0].contains("mqtt.protocol: expected one of 3.1.1, 5"), "\(list)")
        let misspelt = Self.messages("  protocl: 5")
        #expect(misspelt.count == 1 && misspelt[0].contains("unknown key 'protocl' (did you mean 'protocol'?)"), "\(misspelt)")
    }

    @Test("the MQTT 5 keys need protocol 5; a session expiry needs a persistent session")
    func misplaced() {
        let session = Self.messages("  persistent_session: true\n  session_expiry: 1h")
        #expect(session == ["m.yaml:5:19: error: mqtt.session_expiry: session_expiry is an MQTT 5 property: it needs mqtt.protocol: 5"],
                "\(session)")
        let message = Self.messages("  protocol: 3.1.1\n  message_expiry: 1h")
        #expect(message.count == 1 && message[0].hasPrefix("m.yaml:5:19: error: mqtt.message_expiry: message_expiry is an MQTT 5 property"),
                "\(message)")
        for clean in ["", "\n  persistent_session: false"] {
            let found = Self.messages("  protocol: 5\n  session_expiry: 1h" + clean)
            #expect(found.count == 1 && found[0].hasPrefix("m.yaml:5:19: error: mqtt.session_expiry: a session expiry needs mqtt.persistent_session: true"),
                    "\(found)")
        }
    }

    @Test("expiries out of range, not whole seconds or not durations are located errors")
    func badExpiries() {
        let zero = Self.messages("  protocol: 5\n  message_expiry: 0s")
        #expect(zero == ["m.yaml:5:19: error: mqtt.message_expiry: expected a duration from 1s to 365d, got '0s'"], "\(zero)")
        let long = Self.messages("  protocol: 5\n  persistent_session: true\n  session_expiry: 366d")
        #expect(long.count == 1 && long[0].contains("mqtt.session_expiry: expected a duration from 1s to 365d"), "\(long)")
        let fraction = Self.messages("  protocol: 5\n  message_expiry: 1500ms")
        #expect(fraction.count == 1 && fraction[0].contains("mqtt.message_expiry: expected a whole number of seconds from 1s to 365d"),
                "\(fraction)")
        let words = Self.messages("  protocol: 5\n  message_expiry: soon")
        #expect(words.count == 1 && words[0].contains("mqtt.message_expiry: expected a duration such as"), "\(words)")
    }
}
