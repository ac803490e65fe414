import Foundation
import Testing

/// Expander lines and PWM channels through the real binary under `run --simulate`, to a
/// real mosquitto: the simulated MCP23017's INT on a simulated gpiochip line, a polled
/// PCF8574, and a PCA9685 answering duty and pulse commands.
@Suite("Expanders end to end")
struct ExpanderIntegrationTests {
    static func seconds(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    @Test("expander inputs publish edges (INT-stamped or polled), an expander output and a PWM output answer set")
    func expanders() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("expanders")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("expanders.yaml")
        try """
        gateway: { id: \(id) }
        expanders:
          - id: ioexp
            driver: mcp23017
            i2c: { bus: 1, address: 0x20 }
            interrupt: { line: 17 }
            poll: 10s
          - id: pcf
            driver: pcf8574
            i2c: { bus: 1, address: 0x21 }
            poll: 10ms
          - id: servos
            driver: pca9685
            i2c: { bus: 1, address: 0x40 }
        inputs:
          - id: button
            gpio: { expander: ioexp, line: GPA3, bias: pull-up }
            debounce: 0s
            frequency: { every: 1s }
          - id: door
            gpio: { expander: pcf, line: 2 }
            debounce: 0s
        outputs:
          - id: relay
            gpio: { expander: ioexp, line: GPB0 }
          - id: pan
            pwm: { expander: servos, channel: 0 }
            pulse_range: [1ms, 2ms]
            initial: 1.5ms
        simulation:
          button: { square: { period: 100ms } }
          door: { square: { period: 400ms } }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer { _ = gateway.stop() }
        func states(_ topic: String) -> [[String: Any]] { subscriber.messages(on: "\(prefix)/\(topic)").compactMap(\.json) }

        let enough = subscriber.wait(timeout: 10) { _ in
            states("button").count >= 12 && states("door").count >= 5 && states("button/frequency").count >= 2
        }
        #expect(enough, "\(subscriber.messages.suffix(10).map { "\($0.topic) \($0.payload)" })\n\(gateway.log)")
        for topic in ["button", "door"] {
            let values = states(topic).compactMap { $0["value"] as? Bool }
            #expect(zip(values, values.dropFirst()).allSatisfy { $0 != $1 }, "\(topic) alternates: \(values)")
        }
        // The poll is 10 s: only the INT edge explains reads every 50 ms. The INT edge is
        // stamped when the simulated part raises it, as its pins follow the signal thread, so
        // one gap may be a scheduling delay longer and the next as much shorter (on a loaded
        // machine, 5 ms either way was seen, and under ThreadSanitizer the simulated signal
        // itself runs up to 10 % slow, with a late wake-up now and then); the bounds still
        // rule the 10 s poll out by far.
        let buttonTimes = states("button").dropFirst().compactMap { ($0["ts"] as? String).flatMap(Self.seconds) }
        let buttonGaps = zip(buttonTimes.dropFirst(), buttonTimes).map { $0 - $1 }
        #expect(buttonGaps.allSatisfy { $0 > 0 && $0 < 0.5 }, "no gap near the 10 s poll: \(buttonGaps)")
        let onTime = buttonGaps.filter { abs($0 - 0.050) < 0.015 }
        #expect(onTime.count * 10 >= buttonGaps.count * 8, "at least 8 in 10 gaps within 15 ms of 50 ms: \(buttonGaps)")
        if let first = buttonTimes.first, let last = buttonTimes.last, !buttonGaps.isEmpty {
            let meanGap = (last - first) / Double(buttonGaps.count)
            #expect(abs(meanGap - 0.050) < 0.010, "mean button gap \(meanGap)")
        }
        let frequency = try #require(states("button/frequency").last?["value"] as? Double)
        #expect((9.0...11.0).contains(frequency), "button frequency \(frequency)")
        // Polled every 10 ms: stamped at the read, within a poll or so of the 200 ms edges.
        let doorTimes = states("door").dropFirst().compactMap { ($0["ts"] as? String).flatMap(Self.seconds) }
        let doorGaps = zip(doorTimes.dropFirst(), doorTimes).map { $0 - $1 }
        #expect(doorGaps.allSatisfy { abs($0 - 0.200) < 0.030 }, "door gaps \(doorGaps)")

        func relay() -> [Bool] { states("relay").compactMap { $0["value"] as? Bool } }
        func pan() -> [Double] { states("pan").compactMap { $0["value"] as? Double } }
        #expect(relay() == [false])
        // 1.5 ms of the 50 Hz prescaler's real period, 19.98848 ms.
        #expect(pan() == [7.504])
        try publish("\(prefix)/relay/set", "on")
        #expect(subscriber.wait(timeout: 5) { _ in relay() == [false, true] }, "relay: \(relay())\n\(gateway.log)")
        try publish("\(prefix)/relay/set", #"{"value": false, "pulse": "200ms"}"#)
        #expect(subscriber.wait(timeout: 5) { _ in relay() == [false, true, false, true] }, "relay: \(relay())")
        try publish("\(prefix)/pan/set", "1800us")
        #expect(subscriber.wait(timeout: 5) { _ in pan().last == 9.005 }, "pan: \(pan())\n\(gateway.log)")
        try publish("\(prefix)/pan/set", #"{"duty": 5.5}"#)
        #expect(subscriber.wait(timeout: 5) { _ in pan().last == 5.5 }, "pan: \(pan())")

        let settled = pan().count
        try publish("\(prefix)/pan/set", "42.5")
        try publish("\(prefix)/pan/set", #"{"duty": 150}"#)
        #expect(subscriber.wait(timeout: 5) { _ in states("error").count >= 2 })
        let errors = states("error").compactMap { $0["error"] as? String }
        #expect(errors.first?.contains("takes pulses from 1ms to 2ms (pulse_range), got 8.495ms") == true, "\(errors)")
        #expect(errors.last?.contains("a duty cycle is 0 to 100 %, got 150") == true, "\(errors)")
        #expect(states("error").allSatisfy { $0["topic"] as? String == "\(prefix)/pan/set" })
        usleep(200_000)
        #expect(pan().count == settled, "a refused command leaves the channel alone")

        // At stop: the relay to its safe value (off), the servo back to its initial 1.5 ms.
        #expect(gateway.stop() == 0, "\(gateway.log)")
        #expect(subscriber.wait(timeout: 5) { _ in relay().last == false && pan().last == 7.504 },
                "relay \(relay()), pan \(pan())")
    }
}
