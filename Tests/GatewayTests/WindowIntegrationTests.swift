import Foundation
import Testing

/// Hopping, sliding, count and unaligned tumbling windows with percentiles and a rate,
/// through the real binary (`--simulate`) and a real broker.
@Suite("Windows end to end")
struct WindowIntegrationTests {
    static func seconds(_ value: Any?) -> Double? {
        guard let text = value as? String else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    @Test("each window type publishes its summaries on its own topic with the statistics asked for")
    func windowTypes() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("windows")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("windows.yaml")
        try """
        gateway: { id: \(id) }
        mqtt: { qos: 1 }
        sensors:
          - id: climate
            driver: bme280
            i2c: { bus: 1, address: 0x76 }
            interval: 100ms
            channels:
              temperature:
                windows:
                  - { name: hop, type: hopping, length: 2s, hop: 1s, stats: [count, mean, p50, p99.9, rate] }
                  - { name: five, type: count, readings: 5, stats: [count, max] }
              pressure:
                windows:
                  - { name: recent, type: sliding, length: 1s, stats: [count, min, max, { percentile: 50 }] }
              humidity:
                windows:
                  - { name: own, every: 1s, align: false, stats: [count] }
        simulation:
          climate:
            temperature: { constant: 21.5 }
            humidity: { constant: 55 }
            pressure: { walk: { start: 1000, step: 0.5 } }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer { _ = gateway.stop() }

        func json(_ topic: String) -> [[String: Any]] {
            subscriber.messages(on: "\(prefix)/climate/\(topic)").compactMap(\.json)
        }
        let enough = subscriber.wait(timeout: 30) { _ in
            json("temperature/hop").count >= 4 && json("temperature/five").count >= 4
                && json("pressure/recent").count >= 20 && json("humidity/own").count >= 3
        }
        #expect(enough, "\(subscriber.messages.map { "\($0.topic) \($0.payload)" }.suffix(10))\n\(gateway.log)")

        // Hopping: 2s windows ending on every whole UTC second, overlapping by one; a
        // constant reads the same throughout, so the mean is the median and the 99.9th
        // percentile, and the rate of change is 0 per second.
        let hops = json("temperature/hop")
        for (index, message) in hops.enumerated() {
            let start = try #require(Self.seconds(message["start"]))
            let end = try #require(Self.seconds(message["end"]))
            #expect(abs(end - start - 2) < 1e-6, "\(message)")
            #expect(abs(end - end.rounded()) < 1e-6, "not on a whole second: \(message)")
            let count = try #require(message["count"] as? Int)
            #expect(message["value"] as? Int == count)
            // Readings every 100ms: at most 21 in 2s; every whole window after the first two has at least 15.
            #expect((1...21).contains(count), "\(message)")
            if index >= 2 { #expect(count >= 15, "\(message)") }
            let mean = try #require(message["mean"] as? Double)
            #expect(abs(mean - 21.5) < 0.5)
            #expect(message["p50"] as? Double == mean && message["p99.9"] as? Double == mean, "\(message)")
            if count > 1 { #expect(message["rate"] as? Double == 0, "\(message)") }
        }
        for (earlier, later) in zip(hops, hops.dropFirst()) {
            let gap = (Self.seconds(later["end"]) ?? 0) - (Self.seconds(earlier["end"]) ?? 0)
            #expect(abs(gap - 1) < 1e-6, "hop \(gap)")
        }

        // Count: every five readings, from the first reading's time to the fifth's.
        for message in json("temperature/five") {
            #expect(message["count"] as? Int == 5, "\(message)")
            let span = (Self.seconds(message["end"]) ?? 0) - (Self.seconds(message["start"]) ?? 0)
            #expect(span > 0.3 && span < 1.5, "\(message)")
        }

        // Sliding: one summary per reading, over the readings of the last second.
        for message in json("pressure/recent") {
            let count = try #require(message["count"] as? Int)
            #expect((1...11).contains(count), "\(message)")
            let minimum = try #require(message["min"] as? Double)
            let maximum = try #require(message["max"] as? Double)
            let median = try #require(message["p50"] as? Double)
            #expect(minimum <= median && median <= maximum, "\(message)")
            // A walk of 0.5 a reading moves at most 0.5 per step between the readings held.
            #expect(maximum - minimum <= 0.5 * Double(count - 1) + 0.01, "\(message)")
            let span = (Self.seconds(message["end"]) ?? 0) - (Self.seconds(message["start"]) ?? 0)
            #expect(abs(span - 1) < 1e-6)
        }
        #expect(json("pressure/recent").contains { ($0["count"] as? Int ?? 0) >= 8 })

        // Unaligned tumbling: back to back seconds from the first reading, not on the UTC second.
        let own = json("humidity/own")
        let ends = own.compactMap { Self.seconds($0["end"]) }
        for (earlier, later) in zip(ends, ends.dropFirst()) {
            let gap = later - earlier
            #expect(abs(gap - gap.rounded()) < 1e-6 && gap >= 1 - 1e-6, "gap \(gap)")
        }
        #expect(ends.contains { abs($0 - $0.rounded()) > 1e-5 }, "\(ends)")
        #expect(gateway.stop() == 0)
    }
}
