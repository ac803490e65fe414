import Profiles
import Testing

@testable import Gateway

/// What a reload would change, worked out from two profiles as `validate` reads them.
@Suite("Profile diff (unit)")
struct ProfileDiffTests {
    func profile(_ body: String, id: String = "diff", stateDirectory: String = "/tmp/state") throws -> Profile {
        let text = """
            gateway: { id: \(id), state_dir: \(stateDirectory) }
            mqtt: { broker: "mqtt://127.0.0.1:1883" }
            \(body)
            """
        return try ProfileLoader.load(text: text, path: "diff.yaml")
    }

    let base = """
        inputs:
          - { id: door, gpio: { line: 17 }, debounce: 20ms }
          - { id: rain, gpio: { line: 27 }, count: { every: 10s } }
        sensors:
          - { id: keep, driver: bme280, i2c: { bus: 1, address: 0x76 }, interval: 1s }
          - { id: gone, driver: bme280, i2c: { bus: 1, address: 0x77 }, interval: 1s }
          - { id: tuned, driver: sht3x, i2c: { bus: 1 }, interval: 1s }
        outputs:
          - { id: fan, gpio: { line: 22 } }
        """

    @Test("added, removed, changed and unchanged by id; a window is part of its sensor")
    func classifiesByID() throws {
        let old = try profile(base)
        let new = try profile("""
            inputs:
              - { id: door, gpio: { line: 17 }, debounce: 20ms }
              - { id: rain, gpio: { line: 27 }, count: { every: 10s } }
            sensors:
              - { id: fresh, driver: lm75, i2c: { bus: 1 }, interval: 1s }
              - { id: keep, driver: bme280, i2c: { bus: 1, address: 0x76 }, interval: 1s }
              - { id: tuned, driver: sht3x, i2c: { bus: 1 }, interval: 1s, channels: { temperature: { windows: [ { name: 1m, every: 1m, stats: [mean] } ] } } }
            outputs:
              - { id: fan, gpio: { line: 22 } }
            """)
        let diff = ProfileDiff(old: old, new: new)
        #expect(diff.sensors.added == ["fresh"])
        #expect(diff.sensors.removed == ["gone"])
        #expect(diff.sensors.changed == ["tuned"])
        #expect(diff.sensors.unchanged == ["keep"])
        #expect(diff.inputs.unchanged == ["door", "rain"] && diff.inputs.isEmpty)
        #expect(diff.outputs.unchanged == ["fan"])
        #expect(diff.refusals.isEmpty && diff.mqttKeys.isEmpty)
        #expect(diff.summary == "inputs: 2 unchanged; sensors: 1 added, 1 removed, 1 changed, 1 unchanged; outputs: 1 unchanged")
    }

    @Test("the same profile changes nothing")
    func sameProfile() throws {
        let diff = ProfileDiff(old: try profile(base), new: try profile(base))
        #expect(diff.isEmpty)
        #expect(diff.summary == "inputs: 2 unchanged; sensors: 3 unchanged; outputs: 1 unchanged")
    }

    @Test("gateway.id and state_dir need a restart; a state_dir given on the command line wins")
    func refusals() throws {
        let old = try profile(base)
        #expect(ProfileDiff(old: old, new: try profile(base, id: "other")).refusals.first?.contains("gateway.id") == true)
        let moved = try profile(base, stateDirectory: "/tmp/elsewhere")
        #expect(ProfileDiff(old: old, new: moved).refusals.first?.contains("gateway.state_dir") == true)
        #expect(ProfileDiff(old: old, new: moved, stateDirectoryFromCommandLine: true).refusals.isEmpty)
    }

    @Test("derived channels: added, removed and changed by id; one whose sensor changed counts as changed; none needs a restart")
    func derived() throws {
        let derived = """

            derived:
              - { id: dew, dew_point: { temperature: keep.temperature, humidity: keep.humidity } }
            """
        let old = try profile(base + derived)
        let same = ProfileDiff(old: old, new: try profile(base + derived))
        #expect(same.refusals.isEmpty && same.derived.unchanged == ["dew"] && same.derived.isEmpty)
        let other = ProfileDiff(old: old, new: try profile(base + derived.replacingOccurrences(of: "dew_point", with: "absolute_humidity")))
        #expect(other.refusals.isEmpty && other.derived.changed == ["dew"])
        #expect(other.summary.hasSuffix("; derived: 1 changed"), "\(other.summary)")
        let retuned = ProfileDiff(old: old, new: try profile(base.replacingOccurrences(of: "address: 0x76 }, interval: 1s",
                                                                                    with: "address: 0x76 }, interval: 2s") + derived))
        #expect(retuned.refusals.isEmpty && retuned.sensors.changed == ["keep"] && retuned.derived.changed == ["dew"])
        let removed = ProfileDiff(old: old, new: try profile(base))
        #expect(removed.derived.removed == ["dew"] && removed.refusals.isEmpty)
        // A sensor no derived channel reads leaves the derived channel as it is.
        let slower = ProfileDiff(old: old, new: try profile(base.replacingOccurrences(of: "address: 0x77 }, interval: 1s",
                                                                                    with: "address: 0x77 }, interval: 5s") + derived))
        #expect(slower.sensors.changed == ["gone"] && slower.derived.unchanged == ["dew"])
        #expect(slower.refusals.isEmpty, "\(slower.refusals)")
    }

    @Test("a changed mqtt section is named key by key: how to connect is applied, the rest needs a restart")
    func mqttKeys() throws {
        let old = try profile(base)
        var new = old
        new.mqtt.qos = .atMostOnce
        new.mqtt.keepalive = .seconds(5)
        new.mqtt.broker = BrokerURL(host: "other", port: 1884, tls: false)
        new.mqtt.brokers = [new.mqtt.broker]
        let diff = ProfileDiff(old: old, new: new)
        #expect(diff.mqttKeys == ["qos"])
        #expect(diff.connectionKeys == ["broker", "keepalive"])
        #expect(diff.refusals.isEmpty && !diff.isEmpty)
        var applied = diff
        applied.reconnects = true
        #expect(applied.summary.hasSuffix("; mqtt: connecting anew, qos kept until a restart"), "\(applied.summary)")
    }

    @Test("the MQTT 5 keys changed: named, applied by connecting anew")
    func mqtt5Keys() throws {
        let old = try profile(base)
        var new = old
        new.mqtt.protocolSettings.version = .v5
        new.mqtt.protocolSettings.messageExpiry = .seconds(60)
        let diff = ProfileDiff(old: old, new: new)
        #expect(diff.connectionKeys == ["protocol", "message_expiry"])
        #expect(diff.mqttKeys.isEmpty)
    }

    @Test("what a reload applies of the mqtt section: the connection's keys from the new profile, the rest from the running one")
    func applicableMQTT() throws {
        let running = try profile(base).mqtt
        var loaded = running
        loaded.topicPrefix = "elsewhere"
        loaded.qos = .atMostOnce
        loaded.username = "gateway"
        loaded.passwordFile = "/etc/sensorgate/password"
        loaded.keepalive = .seconds(30)
        loaded.persistentSession = true
        loaded.clientID = "another-client"
        loaded.maxBuffered = 50
        loaded.broker = BrokerURL(host: "broker.example", port: 8883, tls: true)
        loaded.brokers = [loaded.broker, BrokerURL(host: "standby.example", port: 8883, tls: true)]
        loaded.tls = TLSSettings()
        loaded.protocolSettings.version = .v5
        loaded.protocolSettings.sessionExpiry = .seconds(600)
        loaded.protocolSettings.messageExpiry = .seconds(60)
        let applied = GatewayRuntime.applicableMQTT(running: running, loaded: loaded)
        #expect(applied.topicPrefix == running.topicPrefix && applied.qos == running.qos)
        #expect(applied.username == "gateway" && applied.passwordFile == "/etc/sensorgate/password")
        #expect(applied.keepalive == .seconds(30) && applied.persistentSession)
        // Every key the diff calls a connection key is taken over: nothing is left for a restart.
        #expect(ProfileDiff.differingKeys(applied, loaded).allSatisfy { !ProfileDiff.connectionKeyNames.contains($0) })
        #expect(ProfileDiff.differingKeys(applied, loaded) == ["topic_prefix", "qos"])
    }

    @Test("lines on an expander reload like any other; a changed expander needs a restart")
    func expanders() throws {
        let old = try profile("""
            expanders:
              - { id: x, driver: mcp23017, i2c: { bus: 1, address: 0x20 } }
            inputs:
              - { id: a, gpio: { expander: x, line: 0 } }
            """)
        let new = try profile("""
            expanders:
              - { id: x, driver: mcp23017, i2c: { bus: 1, address: 0x20 } }
            inputs:
              - { id: a, gpio: { expander: x, line: 0 } }
              - { id: b, gpio: { expander: x, line: 1 } }
            """)
        let diff = ProfileDiff(old: old, new: new)
        #expect(diff.refusals.isEmpty && diff.inputs.added == ["b"] && diff.inputs.unchanged == ["a"])
        let polled = try profile("""
            expanders:
              - { id: x, driver: mcp23017, i2c: { bus: 1, address: 0x20 }, poll: 50ms }
            inputs:
              - { id: a, gpio: { expander: x, line: 0 } }
            """)
        #expect(ProfileDiff(old: old, new: polled).refusals == ["expanders changed ('x' changed)"])
    }

    @Test("PWM outputs on an unchanged controller reload by id; a changed controller needs a restart")
    func pwmOutputs() throws {
        let controller = "expanders:\n  - { id: pwm, driver: pca9685, i2c: { bus: 1, address: 0x40 } }\n"
        let old = try profile(controller + """
            outputs:
              - { id: dimmer, pwm: { expander: pwm, channel: 0 } }
              - { id: pump, pwm: { expander: pwm, channel: 1 } }
            """)
        let new = try profile(controller + """
            outputs:
              - { id: dimmer, pwm: { expander: pwm, channel: 0 } }
              - { id: fan, pwm: { expander: pwm, channel: 2 }, initial: 50 }
            """)
        let diff = ProfileDiff(old: old, new: new)
        #expect(diff.refusals.isEmpty, "\(diff.refusals)")
        #expect(diff.pwmOutputs.added == ["fan"] && diff.pwmOutputs.removed == ["pump"] && diff.pwmOutputs.unchanged == ["dimmer"])
        #expect(diff.summary == "PWM outputs: 1 added, 1 removed, 1 unchanged", "\(diff.summary)")
        let faster = try profile(controller.replacingOccurrences(of: "0x40 }", with: "0x40 }, frequency: 1000") + """
            outputs:
              - { id: dimmer, pwm: { expander: pwm, channel: 0 } }
            """)
        #expect(ProfileDiff(old: old, new: faster).refusals.contains { $0.hasPrefix("expanders changed ('pwm' changed)") })
    }
}
