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
            filters: [{ delayed_on: 900ms }]
          - id: pending
            gpio: { line: 24 }
            debounce: 0s
            filters: [{ delayed_on: 1h }]
          - id: measured
            gpio: { line: 25 }
            debounce: 20ms
            filters: [invert]
            duty_cycle: { every: 1s }
          - id: reference
            gpio: { line: 26 }
            debounce: 20ms
            duty_cycle: { every: 1s }
        simulation:
          plain: { square: { period: 1s } }
          inverted: { square: { period: 1s } }
          delayed: { square: { period: 1s } }
          never: { square: { period: 1s } }
          pending: { square: { period: 1s } }
          measured: { square: { period: 1s, duty: 0.25 } }
          reference: { square: { period: 1s, duty: 0.25 } }
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
                && subscriber.messages(on: "\(prefix)/reference/duty_cycle").count >= 3
        }
        #expect(enough, "\(subscriber.messages.map { "\($0.topic) \($0.payload)" }.suffix(12))\n\(gateway.log)")

        // Each input publishes only changes: the values alternate.
        for topic in ["plain", "inverted", "delayed", "never"] {
            let values = states(topic).map(\.value)
            for (a, b) in zip(values, values.dropFirst()) { #expect(a != b, "\(topic): \(values)") }
        }

        // The simulator plays every line's edges from one thread, stamping each when it drives
        // it: the same wave on two lines has edges stamped within moments of each other,
        // however late the thread wakes up on a busy machine. The filtered inputs are compared
        // with the plain one edge by edge.
        let plain = states("plain")
        func plainChange(to value: Bool, near ts: Double) -> Bool {
            plain.contains { $0.value == value && abs($0.ts - ts) < 0.05 }
        }

        // Invert: the start level and every change the opposite of the plain input's.
        let inverted = states("inverted")
        #expect(plain.first?.value == inverted.first.map { !$0.value })
        for change in inverted.dropFirst() where change.ts < plain.last!.ts - 0.05 {
            #expect(plainChange(to: !change.value, near: change.ts), "inverted \(change), plain \(plain)")
        }

        // delayed_on 300ms: each on is stamped 300 ms after the plain input's on, each off
        // with the plain input's off.
        let delayed = states("delayed")
        #expect(delayed.dropFirst().filter(\.value).count >= 2, "\(delayed)")
        for change in delayed.dropFirst() where change.ts < plain.last!.ts - 0.05 {
            #expect(plainChange(to: change.value, near: change.value ? change.ts - 0.3 : change.ts), "delayed \(change), plain \(plain)")
        }

        // delayed_on 900ms on 500 ms pulses: never on after the start level.
        let never = states("never")
        #expect(never.dropFirst().allSatisfy { !$0.value }, "\(never)")
        #expect(never.count <= 2, "\(never)")

        // Edge metrics follow the debounced line, not the filters: the inverted input's duty
        // cycle is the plain reference's (about 25 %), not the inverted 75 % (nor 0 % or 100 %,
        // as when they missed the debounced changes), period by period.
        func dutyCycles(_ topic: String) -> [Double: Double] {
            var byStart: [Double: Double] = [:]
            for json in subscriber.messages(on: "\(prefix)/\(topic)/duty_cycle").compactMap(\.json) {
                guard let start = (json["start"] as? String).flatMap(Self.seconds), let value = json["value"] as? Double else { continue }
                byStart[start] = value
            }
            return byStart
        }
        let measured = dutyCycles("measured"), reference = dutyCycles("reference")
        let whole = measured.keys.sorted().dropFirst().filter { reference[$0] != nil }
        #expect(!whole.isEmpty, "measured \(measured), reference \(reference)")
        for start in whole {
            let value = measured[start]!
            #expect(abs(value - reference[start]!) < 5 && value > 5 && value < 50, "duty cycle \(value) %, reference \(reference[start]!) %")
        }

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
