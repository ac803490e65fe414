import Foundation
@testable import Gateway
import Profiles
import Testing

/// The window kinds keep Home Assistant's shape (one `sensor` per window on its topic);
/// what differs is how often they publish (`expire_after`) and a rate's unit.
@Suite("Home Assistant windows")
struct HomeAssistantWindowTests {
    @Test func expireAfterFollowsHowOftenEachKindPublishesAndARateHasNoUnit() throws {
        let profile = try ProfileLoader.load(text: """
        gateway: { id: gw }
        mqtt: { home_assistant: { discovery: true } }
        sensors:
          - id: climate
            driver: sht3x
            i2c: { bus: 1 }
            interval: 10s
            channels:
              humidity: { enabled: false }
              temperature:
                windows:
                  - { name: hop, type: hopping, length: 5m, hop: 1m, stats: [mean] }
                  - { name: last, type: sliding, length: 5m, stats: [p95] }
                  - { name: six, type: count, readings: 6, stats: [rate] }
        """, path: "t.yaml")
        let discovery = HomeAssistantDiscovery(profile: profile, topics: TopicScheme(prefix: profile.mqtt.topicPrefix),
                                               softwareVersion: "1.2.3")
        let byID = Dictionary(uniqueKeysWithValues: discovery.components.map { ($0.objectID, $0) })
        let hop = try #require(byID["climate_temperature_hop"])
        let last = try #require(byID["climate_temperature_last"])
        let six = try #require(byID["climate_temperature_six"])
        // Three times the longest gap between messages: the hop, the interval, six intervals.
        #expect(hop.options["expire_after"] == .integer(180))
        #expect(last.options["expire_after"] == .integer(30))
        #expect(six.options["expire_after"] == .integer(180))
        #expect(hop.options["unit_of_measurement"] == .text("°C") && last.options["unit_of_measurement"] == .text("°C"))
        #expect(six.options["unit_of_measurement"] == nil && six.options["device_class"] == nil)
        #expect(six.options["state_topic"] == .text("sensorgate/gw/climate/temperature/six"))
    }
}
