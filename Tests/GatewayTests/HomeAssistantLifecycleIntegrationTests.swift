import Foundation
import Testing

/// When the gateway announces itself and how it takes back what it no longer has:
/// again whenever Home Assistant says `online` on `<discovery prefix>/status`, and after
/// a restart with a changed profile (a component removed, or the discovery mode
/// changed). Real binary, real mosquitto.
@Suite("Home Assistant announcement and removal (real binary, real mosquitto)", .serialized)
struct HomeAssistantLifecycleIntegrationTests {
    @Test("re-announced when Home Assistant publishes online on its status topic, not for offline")
    func reannouncedOnBirth() throws {
        let profile = HomeAssistantTestProfile("ha-birth")
        let path = try profile.write(mode: "device")
        let subscriber = try Subscriber(topic: "#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(profile.prefix)/probe")
        let gateway = try GatewayProcess.run(profile: path, stateDirectory: profile.state)
        defer { _ = gateway.stop() }
        func announcements() -> Int { subscriber.messages(on: profile.deviceTopic).count }
        #expect(subscriber.wait(timeout: 15) { _ in announcements() == 1 }, "\(gateway.log)")

        try publish("\(profile.discoveryPrefix)/status", "online")
        #expect(subscriber.wait(timeout: 10) { _ in announcements() == 2 }, "\(gateway.log)")
        #expect(subscriber.messages(on: profile.deviceTopic).map(\.payload).allSatisfy { $0 == subscriber.messages(on: profile.deviceTopic)[0].payload })

        // `offline` (Home Assistant's last will) asks for nothing: the next `online` is
        // answered with exactly one more announcement, so none came in between.
        try publish("\(profile.discoveryPrefix)/status", "offline")
        try publish("\(profile.discoveryPrefix)/status", "online")
        #expect(subscriber.wait(timeout: 10) { _ in announcements() == 3 }, "\(gateway.log)")
        try subscriber.waitUntilSubscribed(probeTopic: "\(profile.prefix)/probe2")
        #expect(announcements() == 3, "\(gateway.log)")
        #expect(gateway.log.contains("after Home Assistant came online"), "\(gateway.log)")
        #expect(gateway.stop() == 0, "\(gateway.log)")
    }

    @Test("a component removed from the profile is removed from Home Assistant after a restart, in both modes")
    func removedAfterProfileChange() throws {
        let profile = HomeAssistantTestProfile("ha-removal")
        let subscriber = try Subscriber(topic: "\(profile.discoveryPrefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(profile.discoveryPrefix)/probe")
        var runStart = 0
        func runMessages() -> [ReceivedMessage] { Array(subscriber.messages.dropFirst(runStart)) }
        func run(_ path: URL, until condition: @escaping ([ReceivedMessage]) -> Bool) throws {
            runStart = subscriber.messages.count
            let gateway = try GatewayProcess.run(profile: path, stateDirectory: profile.state)
            defer { _ = gateway.stop() }
            #expect(subscriber.wait(timeout: 15) { _ in condition(runMessages()) }, "\(runMessages().map(\.topic))\n\(gateway.log)")
            #expect(gateway.stop() == 0, "\(gateway.log)")
        }
        func components(_ message: ReceivedMessage?) -> [String: [String: Any]] {
            (message?.json?["cmps"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
        }
        let removed = ["power_bus_voltage", "power_shunt_voltage", "power_current", "power_power", "pump"]

        // 1. Everything, device mode.
        try run(try profile.write(mode: "device")) { $0.contains { $0.topic == profile.deviceTopic } }
        #expect(components(subscriber.messages(on: profile.deviceTopic).last).count == HomeAssistantTestProfile.objectIDs.count)

        // 2. Without the power sensor and the pump: they are named with their platform alone.
        let reduced = try profile.write(mode: "device", reduced: true)
        try run(reduced) { $0.contains { $0.topic == profile.deviceTopic } }
        let second = components(runMessages().last { $0.topic == profile.deviceTopic })
        for id in removed {
            #expect(second[id].map { $0.count == 1 && $0["p"] != nil } == true, "\(id): \(String(describing: second[id]))")
        }
        #expect(second["pump"]?["p"] as? String == "switch")
        #expect(second["power_current"]?["p"] as? String == "sensor")
        #expect(second["climate_temperature"]?["unique_id"] != nil)

        // 3. The same reduced profile again: the removal was remembered and is not repeated.
        try run(reduced) { $0.contains { $0.topic == profile.deviceTopic } }
        let third = components(runMessages().last { $0.topic == profile.deviceTopic })
        #expect(removed.allSatisfy { third[$0] == nil }, "\(third.keys.sorted())")
        #expect(third.count == HomeAssistantTestProfile.objectIDs.count - removed.count)

        // 4. Per-entity mode: the device config is emptied, each entity gets its own.
        let entityTopic = { (platform: String, object: String) in "\(profile.discoveryPrefix)/\(platform)/\(profile.id)/\(object)/config" }
        try run(try profile.write(mode: "entity", reduced: true)) { messages in
            messages.contains { $0.topic == profile.deviceTopic && $0.payload.isEmpty }
                && messages.contains { $0.topic == entityTopic("sensor", "light_illuminance") && !$0.payload.isEmpty }
        }

        // 5. Per-entity mode without the light sensor: its config is emptied.
        try run(try profile.write(mode: "entity", reduced: true, withoutLight: true)) { messages in
            messages.contains { $0.topic == entityTopic("sensor", "light_illuminance") && $0.payload.isEmpty }
                && messages.contains { $0.topic == entityTopic("switch", "fan") && !$0.payload.isEmpty }
        }

        // What the broker keeps, as Home Assistant finds it when it starts: no device
        // config, no light sensor, the remaining entities.
        let late = try Subscriber(topic: "\(profile.discoveryPrefix)/#")
        try late.waitUntilSubscribed(probeTopic: "\(profile.discoveryPrefix)/probe-late")
        let retained = Set(late.messages.filter(\.retained).map(\.topic))
        #expect(!retained.contains(profile.deviceTopic), "\(retained.sorted())")
        #expect(!retained.contains(entityTopic("sensor", "light_illuminance")), "\(retained.sorted())")
        #expect(!retained.contains(entityTopic("switch", "pump")), "\(retained.sorted())")
        #expect(retained.contains(entityTopic("switch", "fan")), "\(retained.sorted())")
        #expect(retained.contains(entityTopic("sensor", "climate_temperature")), "\(retained.sorted())")
        #expect(retained.filter { $0.hasSuffix("/config") }.count
                == HomeAssistantTestProfile.objectIDs.count - removed.count - 1, "\(retained.sorted())")
    }
}
