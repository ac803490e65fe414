import Foundation
import Testing

/// `<prefix>/stats` from the real binary through a real mosquitto the test owns: a
/// retained report every second whose counters agree with what a subscriber counted,
/// a failing sensor's failures, a broker restart in `reconnects`, and the same figures
/// in the log's summary lines and the shutdown line.
@Suite("Statistics on <prefix>/stats (real binary, real mosquitto)", .serialized)
struct StatisticsIntegrationTests {
    /// Field `key` of a stats message, as an integer.
    static func count(_ message: ReceivedMessage, _ path: String...) -> Int? {
        var object: Any? = message.json
        for key in path { object = (object as? [String: Any])?[key] }
        return object as? Int
    }

    @Test("every second, retained; consistent with the subscriber; sensor failures; reconnects; the shutdown summary")
    func reports() throws {
        let broker = try OwnBroker()
        let port = broker.port
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("stats")
        let prefix = "sensorgate/\(id)"
        let statsTopic = "\(prefix)/stats"
        let profile = directory.appendingPathComponent("\(id).yaml")
        // The probe reads every 200 ms and is gone from 2 s to 4 s after the start: three
        // failed polls make it offline, a later setup retry finds it again.
        try """
        gateway:
          id: \(id)
        mqtt:
          stats: { interval: 1s }
        inputs:
          - id: door
            gpio: { line: 17 }
        sensors:
          - id: probe
            driver: lm75
            i2c: { bus: 1 }
            interval: 200ms
            offline_after: 3
            channels:
              temperature: { windows: [ { name: 1s, every: 1s, stats: [mean] } ] }
        simulation:
          door: { square: { period: 400ms } }
          probe:
            temperature: { sine: { mean: 21, amplitude: 1, period: 10s } }
            fail: { from: 2s, for: 2s }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let subscriber = try Subscriber(topic: "\(prefix)/#", port: port)
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/test-probe", port: port)
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"),
                                             broker: "mqtt://127.0.0.1:\(port)")
        defer { _ = gateway.stop() }

        func reports() -> [ReceivedMessage] { subscriber.messages(on: statsTopic) }
        #expect(subscriber.wait(timeout: 15) { _ in reports().count >= 4 }, "\(reports().count) reports\n\(gateway.log)")

        // Each report counts everything handed over before it: whatever the subscriber saw
        // before a report arrived (one publisher, one QoS, in order) is in its `published`.
        let messages = subscriber.messages
        var uptimes: [Double] = []
        for (index, message) in messages.enumerated() where message.topic == statsTopic {
            let json = try #require(message.json, "\(message.payload)")
            #expect(json["seq"] == nil)
            let seenBefore = messages[..<index].filter { $0.topic != "\(prefix)/test-probe" }.count
            let published = try #require(Self.count(message, "published"))
            let acknowledged = try #require(Self.count(message, "acknowledged"))
            #expect(published >= seenBefore, "published \(published) < \(seenBefore) seen: \(message.payload)")
            #expect(acknowledged <= published, "\(message.payload)")
            #expect(Self.count(message, "dropped", "total") == 0, "\(message.payload)")
            uptimes.append(try #require(json["uptime_s"] as? Double))
        }
        #expect(zip(uptimes, uptimes.dropFirst()).allSatisfy { $0 < $1 }, "uptime must grow: \(uptimes)")
        let first = try #require(uptimes.first), latest = try #require(uptimes.last)
        try #require(uptimes.count >= 2, "\(uptimes)")
        let spacing = (latest - first) / Double(uptimes.count - 1)
        #expect(spacing > 0.9 && spacing < 1.6, "reports every \(spacing) s: \(uptimes)")
        let lastReport = try #require(reports().last)
        #expect(Self.count(lastReport, "readings", "sensor").map { $0 > 0 } == true, "\(lastReport.payload)")
        #expect(Self.count(lastReport, "readings", "edges").map { $0 > 0 } == true, "\(lastReport.payload)")
        #expect(Self.count(lastReport, "loop_lag_ms", "probes").map { $0 >= 2 } == true, "\(lastReport.payload)")

        // The probe's outage shows in its failures, its status, and then its recovery.
        func probe(_ message: ReceivedMessage) -> [String: Any]? {
            ((message.json?["sensors"] as? [String: Any])?["probe"]) as? [String: Any]
        }
        #expect(subscriber.wait(timeout: 10) { _ in
            reports().contains { probe($0)?["status"] as? String == "offline" && (probe($0)?["consecutive_failures"] as? Int ?? 0) >= 3 }
        }, "\(reports().map(\.payload))")
        #expect(subscriber.wait(timeout: 10) { _ in
            guard let last = reports().last, let sensor = probe(last) else { return false }
            return sensor["status"] as? String == "online" && sensor["consecutive_failures"] as? Int == 0
                && (sensor["failures"] as? Int ?? 0) >= 3
        }, "\(reports().map(\.payload))")
        #expect(subscriber.wait(timeout: 5) { _ in (reports().last.flatMap { Self.count($0, "readings", "windows") } ?? 0) >= 1 },
                "\(reports().last?.payload ?? "")")

        // A client that arrives later gets the last report from the broker.
        let latecomer = try Subscriber(topic: statsTopic, port: port)
        #expect(latecomer.wait(timeout: 5) { $0.contains { $0.retained && $0.json?["published"] != nil } }, "\(latecomer.messages)")
        latecomer.stop()
        #expect(reports().allSatisfy { Self.count($0, "reconnects") == 0 })

        // A broker restart: the next reports count it.
        subscriber.stop()
        try broker.stop()
        Thread.sleep(forTimeInterval: 1.5)
        _ = try broker.start(port: port)
        let after = try Subscriber(topic: statsTopic, port: port)
        #expect(after.wait(timeout: 20) { $0.contains { Self.count($0, "reconnects") == 1 } },
                "\(after.messages.map(\.payload))\n\(gateway.log)")
        after.stop()

        #expect(gateway.stop() == 0, "\(gateway.log)")
        let lines = gateway.log.split(separator: "\n")
        #expect(lines.filter { $0.contains("statistics: published ") }.count >= 4, "\(gateway.log)")
        let last = try #require(lines.last { $0.contains("stopped; published ") }, "\(gateway.log)")
        for part in [" acknowledged, 0 dropped; readings ", " sensor, ", " edges, ", " windows); ", "; 1 reconnect; ",
                     "; loop lag p99 ", "; up ", "; sensor failures: probe "] {
            #expect(last.contains(part), "'\(part)' missing: \(last)")
        }
    }

    @Test("interval off: no report, no summary line and no lag probe, but the full shutdown line")
    func off() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("nostats")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("\(id).yaml")
        try """
        gateway:
          id: \(id)
        mqtt:
          stats: { interval: off }
        inputs:
          - id: door
            gpio: { line: 17 }
        simulation:
          door: { square: { period: 200ms } }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/test-probe")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer { _ = gateway.stop() }
        #expect(subscriber.wait(timeout: 10) { $0.filter { $0.topic == "\(prefix)/door" }.count >= 10 }, "\(gateway.log)")
        #expect(subscriber.messages(on: "\(prefix)/stats").isEmpty)
        #expect(gateway.stop() == 0, "\(gateway.log)")
        #expect(!gateway.log.contains("statistics: "), "\(gateway.log)")
        let last = gateway.log.split(separator: "\n").last { $0.contains("stopped; published ") }
        #expect(last?.contains(" edges, ") == true && last?.contains("; 0 reconnects; up ") == true, "\(gateway.log)")
        // The default interval (60 s) would have probed the loop four times a second.
        #expect(last?.contains("loop lag") == false, "\(gateway.log)")
    }
}
