import Foundation
import Testing

/// Binary filters through the real binary in `--simulate` mode and a real broker: three
/// inputs on the same simulated square wave (1 s period, on for 500 ms), one published
/// as read, one inverted, one with `delayed_on`, and one whose delay is longer than the
/// pulses; one whose delay is still pending when the gateway stops; and edge metrics on
/// an inverted, debounced input.
@Suite("Binary filters end to end")
struct BinaryFilterIntegrationTests {
    static func seconds(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    @Test("invert and delayed_on publish as documented; a pending delay publishes nothing at the stop; metrics follow the debounced line")
    func invertedAndDelayed() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("binary")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("binary.yaml")
        try """
        gateway: { id: \(id) }
        mqtt: { qos: 1 }
        inputs:
          - id: plain
            gpio: { line: 20 }
            debounce: 0s
          - id: inverted
            gpio: { line: 21 }
            debounce: 0s
            filters: [invert]
          - id: delayed
            gpio: { line: 22 }
            debounce: 0s
            filters: [{ delayed_on: 300ms }]
          - id: never
            gpio: { line: 23 }
            debounce: 0s
            filters: [{ delayed_on: 700ms }]
          - id: pending
            gpio: { line: 24 }
            debounce: 0s
            filters: [{ delayed_on: 1h }]
          - id: measured
            gpio: { line: 25 }
            debounce: 20ms
            filters: [invert]
            duty_cycle: { every: 1s }
        simulation:
          plain: { square: { period: 1s } }
          inverted: { square: { period: 1s } }
          delayed: { square: { period: 1s } }
          never: { square: { period: 1s } }
          pending: { square: { period: 1s } }
          measured: { square: { period: 1s, duty: 0.25 } }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer { _ = gateway.stop() }

        func states(_ topic: String) -> [(value: Bool, ts: Double)] {
            subscriber.messages(on: "\(prefix)/\(topic)").compactMap(\.json).compactMap { json in
                guard let value = json["value"] as? Bool, let ts = (json["ts"] as? String).flatMap(Self.seconds) else { return nil }
                return (value, ts)
            }
        }
        let enough = subscriber.wait(timeout: 30) { _ in
            states("plain").count >= 8 && states("inverted").count >= 8 && states("delayed").count >= 7
                && subscriber.messages(on: "\(prefix)/measured/duty_cycle").count >= 3
        }
        #expect(enough, "\(subscriber.messages.map { "\($0.topic) \($0.payload)" }.suffix(12))\n\(gateway.log)")

        // Each input publishes only changes: the values alternate.
        for topic in ["plain", "inverted", "delayed", "never"] {
            let values = states(topic).map(\.value)
            for (a, b) in zip(values, values.dropFirst()) { #expect(a != b, "\(topic): \(values)") }
        }

        // Invert: the start level and every change the opposite of the plain input's.
        let plain = states("plain"), inverted = states("inverted")
        #expect(plain.first?.value == inverted.first.map { !$0.value })
        #expect(abs(plain.count - inverted.count) <= 1, "plain \(plain.count), inverted \(inverted.count)")

        // delayed_on 300ms on 500 ms pulses: each on published is stamped 300 ms after the
        // line rose, so it lasts about 200 ms (500 ms without the filter); the off is not
        // delayed. The stamps come from the simulated edges, so only their jitter counts.
        let delayed = states("delayed")
        var onDurations: [Double] = []
        for (on, off) in zip(delayed, delayed.dropFirst()) where on.value && !off.value && on.ts != delayed[0].ts {
            onDurations.append(off.ts - on.ts)
        }
        // Each pulse is shorter than without the filter; the median is within the simulated
        // signal's jitter of 200 ms.
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        #expect(onDurations.count >= 2, "\(delayed)")
        for duration in onDurations { #expect(duration > 0.02 && duration < 0.45, "on for \(duration) s: \(delayed)") }
        if !onDurations.isEmpty { #expect(abs(median(onDurations) - 0.2) < 0.08, "\(onDurations)") }
        let plainOn = Array(zip(plain, plain.dropFirst()).filter { $0.0.value && !$0.1.value }.map { $0.1.ts - $0.0.ts }.dropFirst())
        if !plainOn.isEmpty { #expect(abs(median(plainOn) - 0.5) < 0.08, "plain on for \(plainOn) s") }

        // delayed_on 700ms on 500 ms pulses: never on after the start level.
        let never = states("never")
        #expect(never.dropFirst().allSatisfy { !$0.value }, "\(never)")
        #expect(never.count <= 2, "\(never)")

        // Edge metrics follow the debounced line, not the filters: about 25 %, not the inverted
        // 75 % (nor 0 % or 100 %, as when they missed the debounced changes). The first period
        // is partial; the margin is for the simulated signal's late wake-ups on a busy machine.
        let duty = subscriber.messages(on: "\(prefix)/measured/duty_cycle").compactMap(\.json).dropFirst()
            .compactMap { $0["value"] as? Double }
        #expect(!duty.isEmpty)
        for value in duty { #expect(abs(value - 25) < 15, "duty cycle \(value) %") }

        // A delay still pending when the gateway stops publishes nothing: the input keeps the
        // level published at start, and nothing follows offline.
        _ = gateway.stop()
        let offline = subscriber.wait(timeout: 15) { _ in
            subscriber.messages(on: "\(prefix)/status").last?.payload == "offline"
        }
        #expect(offline, "\(gateway.log)")
        let pending = states("pending")
        #expect(pending.dropFirst().allSatisfy { !$0.value } && pending.count <= 2, "\(pending)")
        let last = subscriber.messages.last { $0.topic.hasPrefix(prefix) }
        #expect(last?.topic == "\(prefix)/status", "\(String(describing: last?.topic))")
    }
}
