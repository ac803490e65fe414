import Profiles
import SensorgateCore
import Testing

/// The profile keys behind Home Assistant discovery and the payloads its users consume:
/// `mqtt.home_assistant.mode`, `sensors[].publish`, `outputs[].payload`, and the
/// `mqtt.retain` default that discovery changes.
@Suite("Home Assistant profile keys")
struct HomeAssistantProfileTests {
    static func profile(_ mqtt: String, sensor: String = "", output: String = "") throws -> Profile {
        try ProfileLoader.load(text: """
        gateway: { id: gw }
        mqtt: \(mqtt)
        sensors:
          - { id: climate, driver: bme280, i2c: { bus: 1 }\(sensor) }
        outputs:
          - { id: fan, gpio: { line: 22 }\(output) }
        """, path: "t.yaml")
    }

    static func errors(_ mqtt: String, sensor: String = "", output: String = "") -> [String] {
        do {
            _ = try profile(mqtt, sensor: sensor, output: output)
            return []
        } catch {
            guard let failure = error as? ProfileLoadError, case .invalid(let diagnostics) = failure else { return ["\(error)"] }
            return diagnostics.map(\.description)
        }
    }

    @Test("defaults: device mode under homeassistant, per-channel messages, no output strings")
    func defaults() throws {
        let profile = try Self.profile("{ home_assistant: { discovery: true } }")
        #expect(profile.mqtt.homeAssistant == HomeAssistantSettings(discovery: true, prefix: "homeassistant", mode: .device))
        #expect(profile.sensors[0].publish == .perChannel)
        #expect(profile.outputs[0].payloadOn == nil && profile.outputs[0].payloadOff == nil)
    }

    @Test("with discovery on, states are retained unless mqtt.retain says otherwise")
    func retainDefault() throws {
        #expect(try Self.profile("{ home_assistant: { discovery: true } }").mqtt.retain == true)
        #expect(try Self.profile("{ home_assistant: { discovery: true }, retain: false }").mqtt.retain == false)
        #expect(try Self.profile("{ home_assistant: { discovery: false } }").mqtt.retain == false)
        #expect(try Self.profile("{}").mqtt.retain == false)
    }

    @Test("mode, publish and payload are read")
    func given() throws {
        let profile = try Self.profile("{ home_assistant: { discovery: true, prefix: ha, mode: entity } }",
                                       sensor: ", publish: both", output: ", payload: { on: open, off: shut }")
        #expect(profile.mqtt.homeAssistant?.mode == .entity)
        #expect(profile.mqtt.homeAssistant?.prefix == "ha")
        #expect(profile.sensors[0].publish == .both)
        #expect(profile.sensors[0].publish.combined && profile.sensors[0].publish.perChannel)
        #expect(profile.outputs[0].payloadOn == "open" && profile.outputs[0].payloadOff == "shut")
        let combined = try Self.profile("{}", sensor: ", publish: combined")
        #expect(combined.sensors[0].publish.combined && !combined.sensors[0].publish.perChannel)
    }

    static let invalidCases: [(String, String, String, String)] = [
        ("{ home_assistant: { discovery: true, mode: devices } }", "", "",
         "t.yaml:2:50: error: mqtt.home_assistant.mode: expected one of device, entity, got 'devices' (did you mean 'device'?)"),
        ("{ home_assistant: { discovery: true, mdoe: device } }", "", "",
         "t.yaml:2:44: error: mqtt.home_assistant: unknown key 'mdoe' (did you mean 'mode'?)"),
        ("{}", ", publish: combine", "",
         "t.yaml:4:62: error: sensors[0].publish: expected one of per_channel, combined, both, got 'combine' (did you mean 'combined'?)"),
        ("{}", "", ", payload: { on: Open, off: open }",
         "t.yaml:6:45: error: outputs[0].payload: on and off must differ (ignoring case): a command 'Open' would be ambiguous"),
        ("{}", "", ", payload: { on: open }",
         "t.yaml:6:45: error: outputs[0].payload: missing required key 'off'"),
    ]

    @Test("bad values are located errors with a did-you-mean", arguments: invalidCases)
    func invalid(_ mqtt: String, _ sensor: String, _ output: String, _ expected: String) {
        let errors = Self.errors(mqtt, sensor: sensor, output: output)
        #expect(errors == [expected], "\(errors)")
    }
}
