import Foundation
import Testing

/// Every discovery message the real binary publishes for a rich profile, checked against
/// ``HomeAssistantSchema`` (rules written from Home Assistant's MQTT documentation), and
/// against what the gateway then publishes on the topics those messages name. Real
/// binary, real mosquitto.
@Suite("Home Assistant discovery (real binary, real mosquitto)", .serialized)
struct HomeAssistantDiscoveryIntegrationTests {
    /// One entity as announced: its platform and options (shared ones merged in).
    struct Entity {
        var objectID: String
        var platform: String
        var options: [String: Any]
        var string: (String) -> String? { { options[$0] as? String } }
    }

    /// The entities of a device-based message, or a problem.
    static func entities(ofDevice payload: String) throws -> (entities: [Entity], problems: [String]) {
        guard let root = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else {
            throw TestFailure("the device config is not a JSON object: \(payload)")
        }
        var problems: [String] = []
        for key in root.keys where !HomeAssistantSchema.deviceRootKeys.contains(HomeAssistantSchema.fullName(key) ?? key) {
            problems.append("a device-based message has no shared option '\(key)'")
        }
        guard let device = root["dev"] as? [String: Any], let origin = root["o"] as? [String: Any],
              let components = root["cmps"] as? [String: Any] else {
            throw TestFailure("dev, o and cmps are required: \(payload)")
        }
        problems += HomeAssistantSchema.deviceProblems(device) + HomeAssistantSchema.originProblems(origin)
        // Shared options apply to every component unless it sets its own.
        let shared = root.filter { !["dev", "o", "cmps"].contains($0.key) }
        var entities: [Entity] = []
        for (objectID, value) in components {
            guard let component = value as? [String: Any], let platform = component["p"] as? String else {
                problems.append("component \(objectID) has no platform p")
                continue
            }
            if component.count == 1 { continue }  // {"p": ...} alone removes a component
            var options = shared.merging(component) { _, own in own }
            options["p"] = nil
            problems += HomeAssistantSchema.problems(platform: platform, config: options, deviceBased: true)
                .map { "\(objectID): \($0)" }
            entities.append(Entity(objectID: objectID, platform: platform, options: options))
        }
        return (entities, problems)
    }

    /// The checks shared by both discovery modes, on entities announced and what the
    /// subscriber saw on the gateway's topics.
    static func checkEntities(_ entities: [Entity], profile: HomeAssistantTestProfile, subscriber: Subscriber,
                              log: @autoclosure () -> String) {
        #expect(Set(entities.map(\.objectID)) == HomeAssistantTestProfile.objectIDs)
        let uniqueIDs = entities.compactMap { $0.string("unique_id") }
        #expect(Set(uniqueIDs).count == entities.count, "unique_ids are not unique: \(uniqueIDs.sorted())")
        for entity in entities {
            let id = entity.objectID
            // Availability: the gateway's status for all, the sensor's as well for its entities.
            let availability = (entity.options["availability"] as? [[String: Any]] ?? []).compactMap { $0["topic"] as? String }
            #expect(availability.contains("\(profile.prefix)/status"), "\(id): \(availability)")
            if let sensor = ["climate", "power", "light"].first(where: { id.hasPrefix($0 + "_") }) {
                #expect(availability.contains("\(profile.prefix)/\(sensor)/status"), "\(id): \(availability)")
                #expect(entity.string("availability_mode") == "all", "\(id)")
            }
            // expire_after beyond the period a value comes in; none behind a delta filter.
            if let period = HomeAssistantTestProfile.periods[id] {
                let expire = entity.options["expire_after"] as? Int
                #expect(expire.map { Double($0) > period } == true, "\(id): expire_after \(String(describing: expire)) vs \(period) s")
            }
            if id == "light_illuminance" { #expect(entity.options["expire_after"] == nil, "a steady value is not republished") }
            #expect(entity.string("unique_id")?.hasPrefix("sensorgate_\(profile.id)_") == true)
        }
        // Every availability topic is published, `online`.
        let availabilityTopics = Set(entities.flatMap { ($0.options["availability"] as? [[String: Any]] ?? []).compactMap { $0["topic"] as? String } })
        #expect(subscriber.wait(timeout: 15) { messages in
            availabilityTopics.allSatisfy { topic in messages.contains { $0.topic == topic && $0.payload == "online" } }
        }, "availability topics never said online: \(availabilityTopics.filter { topic in !subscriber.messages.contains { $0.topic == topic && $0.payload == "online" } })\n\(log())")
        // Every state topic carries JSON whose members the value template reads.
        for entity in entities {
            guard let topic = entity.string("state_topic") else { continue }
            let template = entity.string("value_template") ?? ""
            let keys = HomeAssistantSchema.templateKeys(template)
            #expect(!keys.isEmpty, "\(entity.objectID): the template reads no member: \(template)")
            let seen = subscriber.wait(timeout: 15) { messages in
                messages.contains { $0.topic == topic && $0.json.map { json in keys.allSatisfy { json[$0] != nil } } == true }
            }
            #expect(seen, "\(entity.objectID): nothing on \(topic) with \(keys)\n\(log())")
            guard let json = subscriber.messages(on: topic).last?.json else { continue }
            switch entity.platform {
            case "binary_sensor":
                if template == "{{ value_json.value }}" {
                    let value = json["value"] as? String
                    #expect([entity.string("payload_on"), entity.string("payload_off")].contains(value), "\(entity.objectID): \(json)")
                } else {
                    #expect(json["value"] is Bool, "\(entity.objectID): \(json)")
                    #expect(template.contains("'ON'") && entity.string("payload_on") == "ON")
                }
            case "switch":
                if template == "{{ value_json.value }}" {
                    let value = json["value"] as? String
                    #expect([entity.string("state_on"), entity.string("state_off")].contains(value), "\(entity.objectID): \(json)")
                } else {
                    #expect(json["value"] is Bool, "\(entity.objectID): \(json)")
                }
                #expect(entity.string("command_topic") == "\(profile.prefix)/\(entity.objectID)/set")
            case "sensor", "number":
                #expect(keys.allSatisfy { json[$0] is NSNumber }, "\(entity.objectID): \(json)")
            default: Issue.record("unexpected platform \(entity.platform)")
            }
        }
    }

    @Test("device-based discovery: every message follows Home Assistant's rules, and is the same at the next start")
    func deviceDiscovery() throws {
        let profile = HomeAssistantTestProfile("ha-device")
        let path = try profile.write(mode: "device")
        let subscriber = try Subscriber(topic: "#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(profile.prefix)/probe")
        var configs: [String] = []
        for run in 1...2 {
            let gateway = try GatewayProcess.run(profile: path, stateDirectory: profile.state)
            defer { _ = gateway.stop() }
            #expect(subscriber.wait(timeout: 15) { $0.filter { $0.topic == profile.deviceTopic }.count == run }, "\(gateway.log)")
            guard let payload = subscriber.messages(on: profile.deviceTopic).last?.payload else { return }
            configs.append(payload)
            let (entities, problems) = try Self.entities(ofDevice: payload)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))\n\(payload)")
            if run == 1 {
                Self.checkEntities(entities, profile: profile, subscriber: subscriber, log: gateway.log)
                // Per-entity topics are not used in device mode.
                #expect(!subscriber.messages.contains { $0.topic.hasPrefix("\(profile.discoveryPrefix)/sensor/") })
            }
            #expect(gateway.stop() == 0, "\(gateway.log)")
        }
        // Stable across restarts: the same message, so the same unique_ids.
        #expect(configs.count == 2 && configs[0] == configs[1])
        // Retained: Home Assistant finds it whenever it subscribes.
        let late = try Subscriber(topic: profile.deviceTopic)
        #expect(late.wait(timeout: 5) { $0.contains { $0.retained && $0.payload == configs.last } })
    }

    @Test("per-entity discovery: one retained config per entity, each with dev, o and a unique_id")
    func entityDiscovery() throws {
        let profile = HomeAssistantTestProfile("ha-entity")
        let path = try profile.write(mode: "entity")
        let subscriber = try Subscriber(topic: "#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(profile.prefix)/probe")
        let gateway = try GatewayProcess.run(profile: path, stateDirectory: profile.state)
        defer { _ = gateway.stop() }
        let configTopic = #/^(?<prefix>[^/]+)/(?<platform>[a-z_]+)/(?<node>[^/]+)/(?<object>[A-Za-z0-9_-]+)/config$/#
        func configs() -> [ReceivedMessage] {
            subscriber.messages.filter { $0.topic.hasPrefix(profile.discoveryPrefix + "/") && $0.topic.hasSuffix("/config") }
        }
        #expect(subscriber.wait(timeout: 15) { _ in configs().count >= HomeAssistantTestProfile.objectIDs.count }, "\(gateway.log)")
        var entities: [Entity] = []
        for message in configs() {
            guard let match = message.topic.wholeMatch(of: configTopic) else {
                Issue.record("not a per-entity discovery topic: \(message.topic)")
                continue
            }
            #expect(match.output.node == Substring(profile.id))
            guard var options = message.json else {
                Issue.record("not JSON: \(message.payload)")
                continue
            }
            let platform = String(match.output.platform)
            guard let device = options["dev"] as? [String: Any], let origin = options["o"] as? [String: Any] else {
                Issue.record("\(message.topic): no dev or o")
                continue
            }
            let problems = HomeAssistantSchema.deviceProblems(device) + HomeAssistantSchema.originProblems(origin)
                + HomeAssistantSchema.problems(platform: platform, config: options.filter { $0.key != "dev" && $0.key != "o" },
                                               deviceBased: false)
            #expect(problems.isEmpty, "\(message.topic): \(problems)")
            options["dev"] = nil
            options["o"] = nil
            entities.append(Entity(objectID: String(match.output.object), platform: platform, options: options))
        }
        Self.checkEntities(entities, profile: profile, subscriber: subscriber, log: gateway.log)
        #expect(!subscriber.messages.contains { $0.topic == profile.deviceTopic })
        #expect(gateway.stop() == 0, "\(gateway.log)")
        // Every config is retained.
        let late = try Subscriber(topic: "\(profile.discoveryPrefix)/#")
        #expect(late.wait(timeout: 5) { $0.filter(\.retained).count == HomeAssistantTestProfile.objectIDs.count }, "\(late.messages.map(\.topic))")
    }
}
