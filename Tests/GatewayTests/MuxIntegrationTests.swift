import Foundation
import Testing

/// The real binary with `--simulate` on a profile with two SHT3x at 0x44 behind
/// channels 0 and 1 of a TCA9548A: each publishes its own simulated values, so every
/// transaction went through its own channel.
@Suite("sensors behind a multiplexer (real binary, real mosquitto)")
struct MuxIntegrationTests {
    @Test("two SHT3x at 0x44 behind channels 0 and 1 publish their own simulated values")
    func twoChannels() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("mux")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("\(id).yaml")
        try """
        gateway:
          id: \(id)
        sensors:
          - id: left
            driver: sht3x
            i2c: { bus: 1, address: 0x44, mux: { address: 0x70, channel: 0 } }
            interval: 200ms
          - id: right
            driver: sht3x
            i2c: { bus: 1, address: 0x44, mux: { address: 0x70, channel: 1 } }
            interval: 200ms
        simulation:
          left: { temperature: { constant: 12.5 }, humidity: { constant: 30 } }
          right: { temperature: { constant: 27.25 }, humidity: { constant: 70 } }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let subscriber = try Subscriber(topic: "\(prefix)/#")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/test-probe")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        defer { _ = gateway.stop() }

        let topics = ["left/temperature", "left/humidity", "right/temperature", "right/humidity"].map { "\(prefix)/\($0)" }
        #expect(subscriber.wait(timeout: 10) { messages in
            topics.allSatisfy { topic in messages.filter { $0.topic == topic }.count >= 5 }
        }, "\(subscriber.messages.map(\.topic)) \(gateway.log)")
        func values(_ topic: String) -> Set<Double> {
            Set(subscriber.messages(on: "\(prefix)/\(topic)").compactMap { ($0.json?["value"] as? NSNumber)?.doubleValue })
        }
        // The SHT3x's 16-bit raw values step 0.0027 °C and 0.0015 %: the published values
        // round to the simulated ones.
        #expect(values("left/temperature").map { ($0 * 10).rounded() / 10 } == [12.5], "\(values("left/temperature"))")
        #expect(values("right/temperature").map { ($0 * 100).rounded() / 100 } == [27.25], "\(values("right/temperature"))")
        #expect(values("left/humidity").map { $0.rounded() } == [30], "\(values("left/humidity"))")
        #expect(values("right/humidity").map { $0.rounded() } == [70], "\(values("right/humidity"))")
        #expect(subscriber.messages(on: "\(prefix)/left/status").map(\.payload) == ["online"])
        #expect(subscriber.messages(on: "\(prefix)/right/status").map(\.payload) == ["online"])
        #expect(gateway.stop() == 0, "\(gateway.log)")
        #expect(!gateway.log.contains("failed"), "\(gateway.log)")
    }
}
