import Foundation
import Testing

/// The payloads Home Assistant and zigbee2mqtt users already consume: outputs take
/// `ON`/`OFF`, `{"state": "ON"}` and their own on/off strings, and publish their state
/// with them; a sensor publishes every channel in one JSON object; with discovery on,
/// states are retained. Real binary, real mosquitto.
@Suite("Home Assistant payloads (real binary, real mosquitto)", .serialized)
struct HomeAssistantPayloadIntegrationTests {
    @Test("outputs take ON, OFF, {\"state\": ...} and their payload strings, and publish the mapped state")
    func outputCommands() throws {
        let profile = HomeAssistantTestProfile("ha-commands")
        let subscriber = try Subscriber(topic: "\(profile.prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(profile.prefix)/probe")
        let gateway = try GatewayProcess.run(profile: try profile.write(mode: "device"), stateDirectory: profile.state)
        defer { _ = gateway.stop() }
        func values(_ output: String) -> [Any] {
            subscriber.messages(on: "\(profile.prefix)/\(output)").compactMap { $0.json?["value"] }
        }
        #expect(subscriber.wait(timeout: 15) { _ in values("fan").count == 1 && values("pump").count == 1 }, "\(gateway.log)")
        #expect(values("fan").first as? String == "stopped")
        #expect(values("pump").first as? Bool == false)

        let fan: [(String, String)] = [("ON", "running"), ("OFF", "stopped"), (#"{"state": "ON"}"#, "running"),
                                       (#"{"state":"OFF"}"#, "stopped"), ("Running", "running"), ("stopped", "stopped"),
                                       (#"{"state": "TOGGLE"}"#, "running"), (#"{"value": "off"}"#, "stopped")]
        for (index, (command, expected)) in fan.enumerated() {
            try publish("\(profile.prefix)/fan/set", command)
            #expect(subscriber.wait(timeout: 10) { _ in values("fan").count == index + 2 }, "\(command)\n\(gateway.log)")
            #expect(values("fan").last as? String == expected, "\(command) -> \(String(describing: values("fan").last))")
        }
        let pump: [(String, Bool)] = [(#"{"state": "ON"}"#, true), ("OFF", false), ("ON", true)]
        for (index, (command, expected)) in pump.enumerated() {
            try publish("\(profile.prefix)/pump/set", command)
            #expect(subscriber.wait(timeout: 10) { _ in values("pump").count == index + 2 }, "\(command)\n\(gateway.log)")
            #expect(values("pump").last as? Bool == expected, "\(command)")
        }
        // What a Home Assistant number sends.
        try publish("\(profile.prefix)/lamp/set", "42.5")
        #expect(subscriber.wait(timeout: 10) { _ in values("lamp").contains { ($0 as? Double) == 42.5 } }, "\(gateway.log)")
        // The pump has no payload strings: another output's are refused, with the reason.
        try publish("\(profile.prefix)/pump/set", "running")
        #expect(subscriber.wait(timeout: 10) { messages in
            messages.contains { $0.topic == "\(profile.prefix)/error" && ($0.json?["error"] as? String)?.contains("unknown command") == true }
        }, "\(gateway.log)")
        try publish("\(profile.prefix)/fan/set", #"{"state": "ON", "value": true}"#)
        #expect(subscriber.wait(timeout: 10) { messages in
            messages.contains { $0.topic == "\(profile.prefix)/error" && ($0.json?["error"] as? String)?.contains("not both") == true }
        }, "\(gateway.log)")
        #expect(gateway.stop() == 0, "\(gateway.log)")
    }

    @Test("a sensor with publish: both sends one JSON object with every channel beside the per-channel messages; states are retained")
    func combinedSensorPayload() throws {
        let profile = HomeAssistantTestProfile("ha-combined")
        let subscriber = try Subscriber(topic: "\(profile.prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(profile.prefix)/probe")
        let gateway = try GatewayProcess.run(profile: try profile.write(mode: "device"), stateDirectory: profile.state)
        defer { _ = gateway.stop() }
        let combined = "\(profile.prefix)/climate"
        #expect(subscriber.wait(timeout: 15) { _ in subscriber.messages(on: combined).count >= 3 }, "\(gateway.log)")
        for message in subscriber.messages(on: combined) {
            let json = message.json ?? [:]
            #expect(Set(json.keys) == ["temperature", "humidity", "pressure", "ts", "seq"], "\(message.payload)")
            for channel in ["temperature", "humidity", "pressure"] { #expect(json[channel] is NSNumber, "\(message.payload)") }
        }
        // The per-channel messages go on, and every message has its own seq.
        #expect(subscriber.wait(timeout: 10) { _ in !subscriber.messages(on: "\(combined)/humidity").isEmpty })
        let seqs = subscriber.messages.filter { $0.topic.hasPrefix(combined) }.compactMap(\.seq)
        #expect(Set(seqs).count == seqs.count, "\(seqs)")
        // The combined values are the per-channel ones of the same reading.
        if let first = subscriber.messages(on: combined).first?.json,
           let channel = subscriber.messages(on: "\(combined)/pressure").first?.json {
            #expect((first["pressure"] as? Double) == (channel["value"] as? Double), "\(first) vs \(channel)")
        }
        // Retained by default with discovery on (no mqtt.retain in the profile).
        let late = try Subscriber(topic: "\(profile.prefix)/#")
        try late.waitUntilSubscribed(probeTopic: "\(profile.prefix)/probe-late")
        let retained = Set(late.messages.filter(\.retained).map(\.topic))
        for topic in [combined, "\(combined)/temperature", "\(profile.prefix)/door", "\(profile.prefix)/fan", "\(profile.prefix)/status"] {
            #expect(retained.contains(topic), "\(topic) not retained: \(retained.sorted())")
        }
        #expect(gateway.stop() == 0, "\(gateway.log)")
    }
}
