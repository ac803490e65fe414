import Foundation
import Testing

/// The gateway binary on the bundled demo profile against a real mosquitto, judged by
/// what an independent subscriber (`mosquitto_sub`) receives.
@Suite("Demo profile end to end", .serialized)
struct DemoIntegrationTests {
    static func isTimestamp(_ text: String) -> Bool {
        text.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z/#) != nil
    }

    @Test("topics, payload fields, retained online, offline after SIGTERM, seq strictly increasing")
    func demoEndToEnd() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("demo")
        let prefix = "sensorgate/\(id)"
        let profile = try TestEnvironment.demoProfile(in: directory, id: id)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")

        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        // The demo counts rain every 10 s (aligned to the clock), so within 12 s a period
        // closes; that can happen in the first second, so also wait for ten numbered
        // messages, which the seq checks below need.
        let sawEverything = subscriber.wait(timeout: 15) { messages in
            let topics = Set(messages.map(\.topic))
            return ["status", "door", "rain", "fan", "climate/temperature", "climate/humidity", "climate/pressure"]
                .allSatisfy { topics.contains("\(prefix)/\($0)") } && messages.compactMap(\.seq).count >= 10
        }
        #expect(sawEverything, "topics seen: \(Set(subscriber.messages.map(\.topic)).sorted())\n\(gateway.log)")

        // A subscriber that arrives later gets the retained online.
        let late = try Subscriber(topic: "\(prefix)/status")
        #expect(late.wait(timeout: 5) { $0.contains { $0.retained && $0.payload == "online" } })
        late.stop()

        #expect(gateway.stop(signal: SIGTERM) == 0, "gateway log:\n\(gateway.log)")
        #expect(subscriber.wait(timeout: 5) { $0.contains { $0.topic == "\(prefix)/status" && $0.payload == "offline" } })
        subscriber.stop()

        let messages = subscriber.messages.filter { $0.topic != "\(prefix)/probe" }
        #expect(messages.first { $0.topic == "\(prefix)/status" }?.payload == "online")

        // The sensor's availability, a plain word like the gateway's.
        #expect(messages.filter { $0.topic == "\(prefix)/climate/status" }.map(\.payload) == ["online"])

        // Payloads: value, unit, ts (UTC, microseconds), seq.
        for message in messages where message.topic != "\(prefix)/status" && message.topic != "\(prefix)/climate/status" {
            let json = try #require(message.json, "not JSON on \(message.topic): \(message.payload)")
            #expect(json["value"] != nil, "\(message.topic): \(message.payload)")
            let ts = try #require(json["ts"] as? String, "\(message.topic): \(message.payload)")
            #expect(Self.isTimestamp(ts), "ts '\(ts)'")
            #expect(json["seq"] is Int, "\(message.topic): \(message.payload)")
        }
        let temperatures = messages.filter { $0.topic == "\(prefix)/climate/temperature" }.compactMap(\.json)
        #expect(!temperatures.isEmpty)
        for json in temperatures {
            #expect(json["unit"] as? String == "°C")
            let value = try #require(json["value"] as? Double)
            #expect((15.0...30.0).contains(value), "simulated walk starts at 21 °C, got \(value)")
        }
        let pressures = messages.filter { $0.topic == "\(prefix)/climate/pressure" }.compactMap(\.json)
        for json in pressures {
            #expect(json["unit"] as? String == "hPa")
            let value = try #require(json["value"] as? Double)
            #expect((1000.0...1030.0).contains(value), "pressure walk starts at 1013.25 hPa, got \(value)")
        }
        for json in messages.filter({ $0.topic == "\(prefix)/door" }).compactMap(\.json) {
            #expect(json["value"] is Bool, "door publishes booleans")
            #expect(json["unit"] == nil)
        }
        let rain = try #require(messages.first { $0.topic == "\(prefix)/rain" }?.json)
        #expect(rain["unit"] as? String == "mm")
        let count = try #require(rain["count"] as? Int)
        let value = try #require(rain["value"] as? Double)
        #expect(abs(value - Double(count) * 0.2794) < 1e-9)
        #expect(rain["start"] is String && rain["end"] is String)
        #expect(messages.first { $0.topic == "\(prefix)/fan" }?.json?["value"] as? Bool == false)

        // seq strictly increasing in arrival order (one connection, QoS 1: order is kept).
        let seqs = messages.compactMap(\.seq)
        #expect(seqs.count >= 10)
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "seq: \(seqs)")
        #expect(seqs.first == 1, "a new state directory starts at seq 1")
    }

    @Test("seq continues across a restart without repeating")
    func seqAcrossRestart() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("restart")
        let prefix = "sensorgate/\(id)"
        let profile = try TestEnvironment.demoProfile(in: directory, id: id)
        let state = directory.appendingPathComponent("state")
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")

        var runs: [[Int]] = []
        // The first run ends with SIGTERM (as systemd stops it), the second with SIGINT (Ctrl-C).
        for signal in [SIGTERM, SIGINT] {
            let before = subscriber.messages.count
            let gateway = try GatewayProcess.run(profile: profile, stateDirectory: state)
            #expect(subscriber.wait(timeout: 10) { $0.count - before >= 8 })
            #expect(gateway.stop(signal: signal) == 0, "\(gateway.log)")
            #expect(subscriber.wait(timeout: 5) { $0.dropFirst(before).contains { $0.payload == "offline" } })
            runs.append(subscriber.messages.dropFirst(before).compactMap(\.seq))
        }
        let first = try #require(runs.first?.max())
        let second = try #require(runs.last?.min())
        #expect(second == first + 1, "a clean stop leaves no gap: run 1 ended at \(first), run 2 began at \(second)")
    }

    @Test("commands on <prefix>/fan/set drive the output; bad ones are rejected on <prefix>/error")
    func outputCommands() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("fan")
        let prefix = "sensorgate/\(id)"
        let profile = try TestEnvironment.demoProfile(in: directory, id: id)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer { _ = gateway.stop() }
        #expect(subscriber.wait(timeout: 10) { $0.contains { $0.topic == "\(prefix)/status" && $0.payload == "online" } })
        // Give the gateway a moment to subscribe to its command topics after connecting.
        usleep(300_000)

        func fanValues() -> [Bool] {
            subscriber.messages(on: "\(prefix)/fan").compactMap { $0.json?["value"] as? Bool }
        }
        try publish("\(prefix)/fan/set", "on")
        #expect(subscriber.wait(timeout: 5) { _ in fanValues().last == true }, "fan: \(fanValues())\n\(gateway.log)")
        try publish("\(prefix)/fan/set", "toggle")
        #expect(subscriber.wait(timeout: 5) { _ in fanValues().count >= 3 && fanValues().last == false })
        try publish("\(prefix)/fan/set", " TRUE ")
        #expect(subscriber.wait(timeout: 5) { _ in fanValues().count >= 4 && fanValues().last == true })

        // A pulse: on for 300 ms, then back to the level before (on, from the TRUE above,
        // so pulse it off).
        let beforePulse = fanValues().count
        try publish("\(prefix)/fan/set", #"{"value": false, "pulse": "300ms"}"#)
        #expect(subscriber.wait(timeout: 5) { _ in fanValues().count >= beforePulse + 2 },
                "fan: \(fanValues())\n\(gateway.log)")
        let pulse = subscriber.messages(on: "\(prefix)/fan").suffix(2).compactMap(\.json)
        #expect(pulse.compactMap { $0["value"] as? Bool } == [false, true])
        if pulse.count == 2, let off = pulse[0]["ts"] as? String, let on = pulse[1]["ts"] as? String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let start = formatter.date(from: off), let end = formatter.date(from: on) {
                #expect((0.29...0.6).contains(end.timeIntervalSince(start)), "pulse lasted \(end.timeIntervalSince(start)) s")
            }
        }

        let before = fanValues().count
        try publish("\(prefix)/fan/set", "bogus")
        #expect(subscriber.wait(timeout: 5) { $0.contains { $0.topic == "\(prefix)/error" } })
        let error = try #require(subscriber.messages(on: "\(prefix)/error").first?.json)
        #expect((error["error"] as? String)?.contains("unknown command 'bogus'") == true, "\(error)")
        #expect(error["topic"] as? String == "\(prefix)/fan/set")
        usleep(200_000)
        #expect(fanValues().count == before, "a rejected command leaves the output alone")

        // On shutdown the fan goes to its safe value (its initial value, off) and says so.
        #expect(gateway.stop() == 0)
        #expect(subscriber.wait(timeout: 5) { _ in fanValues().last == false })
    }
}
