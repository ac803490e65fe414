import Foundation
import Profiles
import SensorgateCore
import Testing

@testable import Gateway

/// The pieces of discovery that need no broker: what the state directory remembers and
/// what a profile change removes, the device message's removals, object ids, and the
/// test's own schema rules (that they catch what they are meant to catch).
@Suite("Home Assistant announcement (unit)")
struct HomeAssistantAnnouncementTests {
    typealias Entry = HomeAssistantAnnouncement.Entry

    let before = HomeAssistantAnnouncement(mode: .device, prefix: "homeassistant", entries: [
        Entry(platform: "sensor", objectID: "climate_temperature"), Entry(platform: "switch", objectID: "fan"),
        Entry(platform: "sensor", objectID: "rain"),
    ])

    @Test("the remembered list reads back as written; anything else is refused")
    func roundTrip() {
        #expect(HomeAssistantAnnouncement.parse(before.text) == before)
        #expect(before.text == "mode device\nprefix homeassistant\nsensor climate_temperature\nswitch fan\nsensor rain\n")
        #expect(HomeAssistantAnnouncement.parse("") == nil)
        #expect(HomeAssistantAnnouncement.parse("mode gadget\nprefix ha\n") == nil)
        #expect(HomeAssistantAnnouncement.parse("prefix ha\nsensor x\n") == nil)
        #expect(HomeAssistantAnnouncement.parse("mode device\nprefix ha\nsensor\n") == nil)
    }

    @Test("device mode to device mode: removed components go into the next device config")
    func deviceRemovals() {
        var after = before
        after.entries.removeAll { $0.objectID == "fan" }
        let removals = before.removals(for: after, gatewayID: "gw")
        #expect(removals.components == [Entry(platform: "switch", objectID: "fan")])
        #expect(removals.topics.isEmpty)
        #expect(before.removals(for: before, gatewayID: "gw").isEmpty)
    }

    @Test("a changed mode or prefix empties the old topics; entity mode empties removed entities")
    func topicRemovals() {
        var entity = before
        entity.mode = .entity
        #expect(before.removals(for: entity, gatewayID: "gw").topics == ["homeassistant/device/gw/config"])
        var moved = before
        moved.prefix = "ha2"
        #expect(before.removals(for: moved, gatewayID: "gw").topics == ["homeassistant/device/gw/config"])
        var fewer = entity
        fewer.entries.removeAll { $0.objectID == "rain" }
        #expect(entity.removals(for: fewer, gatewayID: "gw")
            == .init(components: [], topics: ["homeassistant/sensor/gw/rain/config"]))
        #expect(entity.removals(for: before, gatewayID: "gw").topics == [
            "homeassistant/sensor/gw/climate_temperature/config", "homeassistant/switch/gw/fan/config",
            "homeassistant/sensor/gw/rain/config",
        ])
    }

    static func discovery(_ profileText: String) throws -> HomeAssistantDiscovery {
        let profile = try ProfileLoader.load(text: profileText, path: "t.yaml")
        return HomeAssistantDiscovery(profile: profile, topics: TopicScheme(prefix: profile.mqtt.topicPrefix),
                                      softwareVersion: "1.2.3")
    }

    @Test("the device message: dev, o, cmps; a removed component as its platform alone")
    func deviceMessage() throws {
        let discovery = try Self.discovery("""
        gateway: { id: gw, board: raspberry-pi-5 }
        mqtt: { home_assistant: { discovery: true } }
        sensors:
          - { id: climate, driver: sht3x, i2c: { bus: 1 }, interval: 10s, channels: { humidity: { enabled: false }, temperature: { windows: [ { name: 1.5m, every: 90s, stats: [count, mean] } ] } } }
        """)
        #expect(discovery.components.map(\.objectID) == ["climate_temperature", "climate_temperature_1_5m"])
        let window = try #require(discovery.components.last)
        // A window whose first statistic is a count has no unit and no device class.
        #expect(window.options["unit_of_measurement"] == nil && window.options["device_class"] == nil)
        #expect(window.options["expire_after"] == .integer(270))
        #expect(discovery.components.first?.options["expire_after"] == .integer(30))
        let message = discovery.deviceMessage(removed: [Entry(platform: "switch", objectID: "fan"),
                                                        Entry(platform: "sensor", objectID: "climate_temperature")])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(message.json)) as? [String: Any])
        #expect(Set(json.keys) == ["dev", "o", "cmps"])
        let device = try #require(json["dev"] as? [String: Any])
        #expect(device["ids"] as? [String] == ["sensorgate_gw"])
        #expect(device["mf"] as? String == "Sensorgate" && device["sw"] as? String == "1.2.3" && device["hw"] as? String == "raspberry-pi-5")
        #expect(device["via_device"] == nil)
        let components = try #require(json["cmps"] as? [String: [String: Any]])
        #expect(components["fan"]?.count == 1 && components["fan"]?["p"] as? String == "switch")
        // A component still in the profile is announced in full, never as a removal.
        #expect(components["climate_temperature"]?["unique_id"] as? String == "sensorgate_gw_climate_temperature")
        #expect(HomeAssistantDiscovery.Builder.objectID(["a.b", "c d", "ok-1_2"]) == "a_b_c_d_ok-1_2")
    }

    @Test("a delta filter leaves expire_after out; a sliding average multiplies the period")
    func expireAfter() throws {
        let discovery = try Self.discovery("""
        gateway: { id: gw }
        mqtt: { home_assistant: { discovery: true } }
        sensors:
          - { id: c, driver: sht3x, i2c: { bus: 1 }, interval: 2s, channels: { temperature: { filters: [ { delta: 0.1 } ] }, humidity: { filters: [ { sliding_average: { size: 10, every: 5 } } ] } } }
        """)
        let byID = Dictionary(uniqueKeysWithValues: discovery.components.map { ($0.objectID, $0) })
        #expect(byID["c_temperature"]?.options["expire_after"] == nil)
        #expect(byID["c_humidity"]?.options["expire_after"] == .integer(30))
    }

    @Test("an object id that two entries would share is numbered, so unique_ids stay unique")
    func collidingObjectIDs() throws {
        let discovery = try Self.discovery("""
        gateway: { id: gw }
        mqtt: { home_assistant: { discovery: true } }
        inputs:
          - { id: c_temperature, gpio: { line: 5 } }
        sensors:
          - { id: c, driver: tmp102, i2c: { bus: 1 } }
        """)
        #expect(discovery.components.map(\.objectID) == ["c_temperature", "c_temperature_2"])
        let uniqueIDs = discovery.components.compactMap { component -> String? in
            if case .text(let id) = component.options["unique_id"] { return id }
            return nil
        }
        #expect(Set(uniqueIDs).count == 2)
    }

    @Test("the schema rules catch what they are written for")
    func schemaBites() {
        func problems(_ platform: String, _ config: [String: Any]) -> [String] {
            HomeAssistantSchema.problems(platform: platform, config: config, deviceBased: true)
        }
        let good: [String: Any] = ["unique_id": "u", "state_topic": "t", "device_class": "temperature", "unit_of_measurement": "°C"]
        #expect(problems("sensor", good).isEmpty)
        #expect(problems("sensor", good.merging(["unit_of_measurement": "%"]) { $1 }).contains { $0.contains("does not take unit") })
        #expect(problems("sensor", good.merging(["object_id": "x"]) { $1 }).contains { $0.contains("object_id") })
        #expect(problems("sensor", good.filter { $0.key != "unique_id" }).contains { $0.contains("unique_id") })
        #expect(problems("sensor", good.merging(["expire_after": 0]) { $1 }).contains { $0.contains("expire_after") })
        #expect(problems("switch", ["unique_id": "u", "state_topic": "t"]).contains { $0.contains("command_topic") })
        #expect(problems("sensor", good.merging(["stat_t": "t"]) { $1 }).contains { $0.contains("twice") })
        #expect(problems("binary_sensor", ["unique_id": "u", "state_topic": "t", "unit_of_measurement": "x"]).contains { $0.contains("no option") })
        #expect(HomeAssistantSchema.deviceProblems(["ids": ["a"], "via_device": "a"]).contains { $0.contains("its own via_device") })
        #expect(HomeAssistantSchema.originProblems([:]).contains { $0.contains("name") })
    }
}
