import Foundation
import Testing

/// The real binary on a simulated profile whose sensor drops off the bus for 2 s: its
/// status topic tells it (retained), its readings stop and resume, the input beside it
/// is untouched, and the log tells the episode in two lines, not one per poll.
@Suite("a sensor that fails for a while (real binary, real mosquitto)")
struct SensorOutageIntegrationTests {
    @Test("status online, offline (retained), online again; readings pause; the input keeps publishing; two log lines")
    func outage() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("outage")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("\(id).yaml")
        // Reads every 250 ms; the part is gone from 2 s to 4 s after the start. Three
        // failed reads (about 2.5 s) make it offline; setup is retried 1 s later (still
        // gone) and 2 s after that, when it answers.
        try """
        gateway:
          id: \(id)
        inputs:
          - id: door
            gpio: { line: 17 }
        sensors:
          - id: probe
            driver: lm75
            i2c: { bus: 1 }
            interval: 250ms
            offline_after: 3
        simulation:
          door: { square: { period: 400ms } }
          probe:
            temperature: { constant: 21.5 }
            fail: { from: 2s, for: 2s }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let status = "\(prefix)/probe/status"
        let reading = "\(prefix)/probe/temperature"
        let door = "\(prefix)/door"
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/test-probe")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer {
            _ = gateway.stop()
            try? publish(status, "", retain: true)  // leave no retained status behind
        }

        func statuses() -> [String] { subscriber.messages(on: status).map(\.payload) }
        #expect(subscriber.wait(timeout: 10) { _ in statuses() == ["online"] }, "\(statuses()) \(gateway.log)")
        #expect(subscriber.wait(timeout: 5) { _ in statuses() == ["online", "offline"] }, "\(statuses()) \(gateway.log)")

        // A client that arrives while the sensor is down is told so by the broker.
        let latecomer = try Subscriber(topic: status)
        #expect(latecomer.wait(timeout: 3) { $0.contains { $0.retained && $0.payload == "offline" } },
                "\(latecomer.messages)")
        latecomer.stop()

        #expect(subscriber.wait(timeout: 6) { _ in statuses() == ["online", "offline", "online"] },
                "\(statuses()) \(gateway.log)")
        let messages = subscriber.messages
        let offlineAt = try #require(messages.firstIndex { $0.topic == status && $0.payload == "offline" })
        let onlineAgainAt = try #require(messages.lastIndex { $0.topic == status && $0.payload == "online" })
        let downTime = messages[onlineAgainAt].arrival.timeIntervalSince(messages[offlineAt].arrival)
        #expect(downTime > 2 && downTime < 4.5, "offline for \(downTime) s")
        let during = messages[offlineAt..<onlineAgainAt]
        #expect(!during.contains { $0.topic == reading }, "readings while offline: \(during.map(\.topic))")
        #expect(during.filter { $0.topic == door }.count >= 8, "the door input stalled: \(during.map(\.topic))")
        #expect(messages[..<offlineAt].filter { $0.topic == reading }.count >= 5)
        // The reading that answered is published with `online`, and the interval goes on.
        #expect(subscriber.wait(timeout: 3) { $0.dropFirst(onlineAgainAt).filter { $0.topic == reading }.count >= 4 })
        let resumed = try #require(subscriber.messages.dropFirst(onlineAgainAt).first { $0.topic == reading })
        let lag = resumed.arrival.timeIntervalSince(messages[onlineAgainAt].arrival)
        #expect(lag < 0.1, "first reading \(lag) s after online")

        #expect(gateway.stop() == 0, "\(gateway.log)")
        let lines = gateway.log.split(separator: "\n")
        #expect(lines.filter { $0.contains("sensor 'probe' failed: read failed: ") }.count == 1, "\(gateway.log)")
        #expect(lines.filter { $0.contains("sensor 'probe' reads again after ") }.count == 1, "\(gateway.log)")
        #expect(lines.filter { $0.contains("'probe'") }.count == 2, "one line per poll? \(gateway.log)")
    }
}
