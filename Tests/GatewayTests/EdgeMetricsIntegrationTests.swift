import Foundation
import Testing

/// Frequency, pulse width and duty cycle through the real binary: a simulated 10 Hz
/// square wave with 25 % duty, measured from the simulated chip's edge timestamps.
@Suite("Edge metrics end to end")
struct EdgeMetricsIntegrationTests {
    @Test("a 10 Hz, 25 % square wave reads 10 Hz, 25 % and 25 ms pulses; a counter counts its edge")
    func squareWave() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("metrics")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("metrics.yaml")
        try """
        gateway: { id: \(id) }
        mqtt: { qos: 1 }
        inputs:
          - id: tach
            gpio: { line: 24, bias: pull-up, active_low: true }
            debounce: 0s
            frequency: { every: 1s }
            pulse_width: { every: 1s, stats: [mean, count] }
            duty_cycle: { every: 1s }
          - id: pulses
            gpio: { line: 25, edge: falling }
            debounce: 1ms
            count: { every: 1s, scale: 0.5, unit: L }
            frequency: { every: 1s }
        simulation:
          tach: { square: { period: 100ms, duty: 0.25 } }
          pulses: { square: { period: 50ms, duty: 0.5 } }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/probe")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer { _ = gateway.stop() }

        // The first period is partial (it starts with the gateway); wait for two whole ones.
        func whole(_ topic: String) -> [[String: Any]] {
            Array(subscriber.messages(on: "\(prefix)/\(topic)").compactMap(\.json).dropFirst())
        }
        let enough = subscriber.wait(timeout: 10) { _ in
            whole("tach/frequency").count >= 2 && whole("tach/duty_cycle").count >= 2
                && whole("tach/pulse_width").count >= 2 && whole("pulses").count >= 2
                && whole("pulses/frequency").count >= 2
        }
        #expect(enough, "\(subscriber.messages.map { "\($0.topic) \($0.payload)" }.suffix(10))\n\(gateway.log)")

        for json in whole("tach/frequency") {
            #expect(json["unit"] as? String == "Hz")
            let value = try #require(json["value"] as? Double)
            #expect((9.0...11.0).contains(value), "frequency \(value)")
            #expect((9...11).contains(json["count"] as? Int ?? -1))
        }
        for json in whole("tach/duty_cycle") {
            #expect(json["unit"] as? String == "%")
            let value = try #require(json["value"] as? Double)
            #expect((20.0...30.0).contains(value), "duty cycle \(value) (active-low applied: logical high 25 %)")
        }
        for json in whole("tach/pulse_width") {
            #expect(json["unit"] as? String == "s")
            let mean = try #require(json["mean"] as? Double)
            #expect((0.020...0.030).contains(mean), "pulse width \(mean)")
            #expect((9...11).contains(json["count"] as? Int ?? -1))
        }
        // 20 Hz square, falling edges counted: 20 per second, worth 0.5 L each.
        for json in whole("pulses") {
            let count = try #require(json["count"] as? Int)
            #expect((19...21).contains(count), "counted \(count)")
            #expect(json["value"] as? Double == Double(count) * 0.5)
        }
        // The signal's edges are timed by a thread: on a loaded machine a late edge can move
        // an edge or two across a period boundary (18 was seen once under two parallel builds).
        for json in whole("pulses/frequency") {
            let value = try #require(json["value"] as? Double)
            #expect((18.0...22.0).contains(value), "counter's frequency \(value)")
        }
        #expect(gateway.stop() == 0)
    }
}
