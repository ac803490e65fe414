import Foundation
import Testing

/// A chain of the catalog's filters and a counter's rate through the real binary and a
/// real broker: what is published is what the chain computes from the simulated values.
@Suite("Filter chains end to end")
struct FilterChainIntegrationTests {
    static func seconds(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    @Test("clamp, unit conversion, rounding, delta with a heartbeat, throttle, and a rate publish what they compute")
    func chains() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("filters")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("filters.yaml")
        try """
        gateway: { id: \(id) }
        mqtt: { qos: 1 }
        inputs:
          - id: flow
            gpio: { line: 25, edge: falling }
            debounce: 1ms
            count: { every: 1s, rate: { per: 1m, unit: pulses/min, round: 1 } }
        sensors:
          - id: climate
            driver: bme280
            i2c: { bus: 1, address: 0x76 }
            interval: 100ms
            channels:
              temperature:
                filters:
                  - multiply: 1.8
                  - offset: 32
                  - round: 1
                  - delta: 5
                  - heartbeat: 1s
              humidity:
                filters: [ { clamp: { max: 40 } }, { skip_initial: 3 } ]
              pressure:
                filters: [ { throttle: 1s } ]
        simulation:
          flow: { square: { period: 50ms, duty: 0.5 } }
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
            subscriber.messages(on: "\(prefix)/\(topic)").compactMap(\.json)
        }
        func times(_ topic: String) -> [Double] {
            json(topic).compactMap { ($0["ts"] as? String).flatMap(Self.seconds) }
        }
        let enough = subscriber.wait(timeout: 20) { _ in
            json("climate/temperature").count >= 4 && json("climate/pressure").count >= 4
                && json("climate/humidity").count >= 5 && json("flow/rate").count >= 3
        }
        #expect(enough, "\(subscriber.messages.map { "\($0.topic) \($0.payload)" }.suffix(10))\n\(gateway.log)")

        // 21.5 °C through the driver's compensation, × 1.8 + 32, to one decimal: about 70.7,
        // and a whole number of tenths. A constant never moves 5 °F: after the first, only
        // the heartbeat publishes, the same value, a second apart.
        let temperatures = json("climate/temperature").compactMap { $0["value"] as? Double }
        for value in temperatures {
            #expect(abs(value - 70.7) <= 0.2, "temperature \(value)")
            #expect(abs(value * 10 - (value * 10).rounded()) < 1e-9, "not rounded to a tenth: \(value)")
            #expect(value == temperatures.first)
        }
        let beats = times("climate/temperature")
        for (earlier, later) in zip(beats, beats.dropFirst()) {
            #expect(later - earlier >= 0.999 && later - earlier < 5, "heartbeat gap \(later - earlier)")
        }

        // 55 % clamped at 40, the first three readings skipped after the clamp.
        for value in json("climate/humidity").compactMap({ $0["value"] as? Double }) { #expect(value == 40) }

        // Readings every 100ms, throttled: source timestamps at least 1s apart, and the
        // first reading at or after that second passes (the poll schedule holds it under 1.5s).
        let pressures = times("climate/pressure")
        for (earlier, later) in zip(pressures, pressures.dropFirst()) {
            #expect(later - earlier >= 0.999_999 && later - earlier < 1.5, "throttle gap \(later - earlier)")
        }

        // A 20 Hz square wave, falling edges counted: 1200 pulses/min, from the edges'
        // timestamps (the first, partial period may have no rate; whole ones do).
        for message in json("flow/rate").dropFirst() {
            #expect(message["unit"] as? String == "pulses/min")
            let value = try #require(message["value"] as? Double)
            #expect((1100.0...1300.0).contains(value), "rate \(value)")
        }
        #expect(gateway.stop() == 0)
    }
}
