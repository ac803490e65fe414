import Foundation
import Testing

/// Derived channels through the real binary and a real broker: what is published is the
/// formula applied to the operands' own payloads.
@Suite("Derived channels end to end")
struct DerivedIntegrationTests {
    /// The Magnus form with Alduchov & Eskridge's constants, written out again here so a
    /// mistake in the gateway's copy shows.
    static func dewPoint(_ temperature: Double, _ humidity: Double) -> Double {
        let gamma = Foundation.log(humidity / 100) + 17.625 * temperature / (243.04 + temperature)
        return 243.04 * gamma / (17.625 - gamma)
    }

    @Test("a BME280's temperature and humidity give a dew point on its topic, with its filters and windows, and an expression that divides by zero publishes nothing and logs once")
    func dewPointFromABME280() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("derived")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("derived.yaml")
        try """
        gateway: { id: \(id) }
        mqtt: { qos: 1, home_assistant: { discovery: true, prefix: ha-\(id) } }
        sensors:
          - id: climate
            driver: bme280
            i2c: { bus: 1, address: 0x76 }
            interval: 100ms
        derived:
          - id: dew
            dew_point: { temperature: climate.temperature, humidity: climate.humidity }
            windows: [ { name: 1s, every: 1s, stats: [mean, min, max, count] } ]
          - id: spread
            expression: "abs(t - h)"
            vars: { t: climate.temperature, h: climate.humidity }
            unit: K
            filters: [ { round: 1 } ]
          - id: broken
            expression: "t / (h - h)"
            vars: { t: climate.temperature, h: climate.humidity }
        simulation:
          climate:
            temperature: { walk: { start: 21, step: 0.05 } }
            humidity: { sine: { mean: 55, amplitude: 10, period: 5s } }
            pressure: { constant: 1000 }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")
        let discovery = try Subscriber(topic: "ha-\(id)/#")
        try discovery.waitUntilSubscribed(probeTopic: "ha-\(id)/probe")
        defer { discovery.stop() }
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer { _ = gateway.stop() }

        func json(_ topic: String) -> [[String: Any]] {
            subscriber.messages(on: "\(prefix)/\(topic)").compactMap(\.json)
        }
        let enough = subscriber.wait(timeout: 30) { _ in
            json("dew").count >= 20 && json("dew/1s").count >= 2 && json("spread").count >= 5
        }
        #expect(enough, "\(subscriber.messages.map { "\($0.topic) \($0.payload)" }.suffix(10))\n\(gateway.log)")
        let announced = discovery.wait(timeout: 10) { messages in
            messages.contains { $0.topic == "ha-\(id)/device/\(id)/config" }
        }
        #expect(gateway.stop() == 0)

        // Home Assistant: the dew point is a temperature sensor on its topic; an expression has no class.
        #expect(announced)
        let config = try #require(discovery.messages(on: "ha-\(id)/device/\(id)/config").last?.json)
        let components = try #require(config["cmps"] as? [String: [String: Any]])
        let dew = try #require(components["dew"])
        #expect(dew["p"] as? String == "sensor")
        #expect(dew["device_class"] as? String == "temperature")
        #expect(dew["unit_of_measurement"] as? String == "°C")
        #expect(dew["state_topic"] as? String == "\(prefix)/dew")
        let spread = try #require(components["spread"])
        #expect(spread["device_class"] == nil)
        #expect(spread["unit_of_measurement"] as? String == "K")

        // Each dew point against the formula on the temperature and humidity payloads of
        // the same reading (the same `ts`), as a subscriber sees them.
        var byTime: [String: (temperature: Double?, humidity: Double?)] = [:]
        for message in json("climate/temperature") {
            if let ts = message["ts"] as? String { byTime[ts, default: (nil, nil)].temperature = message["value"] as? Double }
        }
        for message in json("climate/humidity") {
            if let ts = message["ts"] as? String { byTime[ts, default: (nil, nil)].humidity = message["value"] as? Double }
        }
        var checked = 0
        for message in json("dew") {
            #expect(message["unit"] as? String == "°C")
            let value = try #require(message["value"] as? Double)
            let ts = try #require(message["ts"] as? String)
            guard let operands = byTime[ts], let temperature = operands.temperature, let humidity = operands.humidity else {
                Issue.record("dew point at \(ts) without both operands published at that time")
                continue
            }
            #expect(abs(value - Self.dewPoint(temperature, humidity)) <= 0.006, "\(value) from \(temperature) °C \(humidity) %")
            checked += 1
        }
        #expect(checked >= 20)

        // Its own filters: |t − h| to one decimal.
        for message in json("spread") {
            let value = try #require(message["value"] as? Double)
            let ts = try #require(message["ts"] as? String)
            #expect(message["unit"] as? String == "K")
            if let operands = byTime[ts], let temperature = operands.temperature, let humidity = operands.humidity {
                #expect(abs(value - (abs(temperature - humidity) * 10).rounded() / 10) < 1e-9, "\(value)")
            }
        }

        // Its own windows, over the dew points it computed.
        for window in json("dew/1s") {
            let mean = try #require(window["mean"] as? Double)
            let low = try #require(window["min"] as? Double)
            let high = try #require(window["max"] as? Double)
            #expect(low <= mean && mean <= high)
            #expect((window["count"] as? Int ?? 0) >= 1)
        }

        // A division by zero on every reading: nothing published, one line in the log,
        // and the run's count when it stops.
        #expect(json("broken").isEmpty)
        let warnings = gateway.log.components(separatedBy: "\n").filter { $0.contains("derived 'broken': no value: division by zero") }
        #expect(warnings.count == 1, "\(gateway.log)")
        let total = gateway.log.components(separatedBy: "\n").first { $0.contains("derived 'broken': ") && $0.contains("computations without a value in this run") }
        #expect(total != nil, "\(gateway.log)")

        // One numbering for everything the gateway published.
        let sequence = subscriber.messages.filter { $0.topic.hasPrefix(prefix + "/") }.compactMap(\.seq)
        #expect(Set(sequence).count == sequence.count)
    }

    static func seconds(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    @Test("an operand whose sensor stops answering stops the derived channel until it is read again")
    func staleOperand() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("stale")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("stale.yaml")
        try """
        gateway: { id: \(id) }
        mqtt: { qos: 1 }
        sensors:
          - id: indoor
            driver: bme280
            i2c: { bus: 1, address: 0x76 }
            interval: 100ms
          - id: outdoor
            driver: sht3x
            i2c: { bus: 1, address: 0x44 }
            interval: 200ms
        derived:
          - id: difference
            expression: "a - b"
            vars: { a: indoor.temperature, b: outdoor.temperature }
        simulation:
          indoor: { temperature: { constant: 21 }, humidity: { constant: 50 }, pressure: { constant: 1000 } }
          outdoor: { temperature: { constant: 5 }, humidity: { constant: 70 }, fail: { from: 1s, for: 3s } }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer { _ = gateway.stop() }

        func times(_ topic: String) -> [Double] {
            subscriber.messages(on: "\(prefix)/\(topic)").compactMap(\.json).compactMap { ($0["ts"] as? String).flatMap(Self.seconds) }
        }
        // The outage is over once outdoor reads again after a gap.
        func outageGap() -> (start: Double, end: Double)? {
            let reads = times("outdoor/temperature")
            return zip(reads, reads.dropFirst()).first { $1 - $0 >= 2 }.map { (start: $0, end: $1) }
        }
        let resumed = subscriber.wait(timeout: 30) { _ in
            guard let gap = outageGap() else { return false }
            return times("difference").contains { $0 > gap.end }
        }
        #expect(resumed, "\(subscriber.messages.map { "\($0.topic) \($0.payload)" }.suffix(10))\n\(gateway.log)")
        #expect(gateway.stop() == 0)
        let gap = try #require(outageGap())

        // Indoor kept publishing through the outage; the difference did not, except within
        // 3 × 200 ms of outdoor's last read.
        #expect(times("indoor/temperature").filter { $0 > gap.start + 0.5 && $0 < gap.end }.count >= 10)
        let outdoorReads = times("outdoor/temperature")
        let differences = times("difference")
        #expect(differences.contains { $0 < gap.start })
        for time in differences {
            #expect(outdoorReads.contains { $0 <= time + 0.000_001 && time - $0 <= 0.600_001 },
                    "a difference at \(time) with outdoor last read more than 600 ms before")
        }
        for message in subscriber.messages(on: "\(prefix)/difference").compactMap(\.json) {
            #expect(message["unit"] == nil)
            let value = try #require(message["value"] as? Double)
            #expect(abs(value - 16) < 0.5, "\(value)")
        }
    }
}
