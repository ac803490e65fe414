import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `mqtt.brokers`: two real mosquitto processes, the first killed (SIGKILL) while the
/// gateway publishes about 400 readings a second at QoS 1; a subscriber on each broker
/// counts `seq`.
@Suite("Broker failover and sessions (real binary, real mosquitto processes)", .serialized)
struct FailoverIntegrationTests {
    /// The failover limit this test allows: the first retry goes to the next broker after
    /// a full-jitter delay of at most 500 ms (the minimum backoff), plus the connection;
    /// generous for a loaded machine. README.md "Broker failover" states the figure.
    static let failoverLimit: TimeInterval = 5

    @Test("the first broker is killed: the gateway moves to the second in time and no seq is lost")
    func failoverLosesNothing() throws {
        let first = try OwnBroker()
        let second = try OwnBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("failover")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("\(id).yaml")
        try """
        gateway:
          id: \(id)
        mqtt:
          brokers: [mqtt://127.0.0.1:\(first.port), mqtt://127.0.0.1:\(second.port)]
          qos: 1
          max_buffered: 100000
        sensors:
          - id: power
            driver: ina219
            i2c: { bus: 1, address: 0x40 }
            interval: 10ms
        """.write(to: profile, atomically: true, encoding: .utf8)

        let onFirst = try Subscriber(topic: "\(prefix)/#", port: first.port, qos: 1)
        try onFirst.waitUntilSubscribed(probeTopic: "\(prefix)/probe", port: first.port)
        let onSecond = try Subscriber(topic: "\(prefix)/#", port: second.port, qos: 1)
        try onSecond.waitUntilSubscribed(probeTopic: "\(prefix)/probe", port: second.port)

        // No --broker: the profile's list is what is tested.
        let gateway = try GatewayProcess(["run", "--profile", profile.path, "--state-dir",
                                          directory.appendingPathComponent("state").path, "--simulate"])
        defer { _ = gateway.stop() }
        #expect(onFirst.wait(timeout: 15) { $0.filter { $0.seq != nil }.count >= 600 }, "\(gateway.log)")
        #expect(onSecond.messages.filter { $0.seq != nil }.isEmpty, "nothing goes to the second broker while the first holds")

        let pidText = try String(contentsOf: first.directory.appendingPathComponent("mosquitto.pid"), encoding: .utf8)
        let brokerPID = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        let killed = Date()
        #expect(kill(brokerPID, SIGKILL) == 0)

        let movedInTime = onSecond.wait(timeout: 30) { $0.contains { $0.seq != nil } }
        let failover = onSecond.messages.first { $0.seq != nil }.map { $0.arrival.timeIntervalSince(killed) } ?? -1
        print("failover: first reading on the second broker \(String(format: "%.2f", failover)) s after the first was killed")
        #expect(movedInTime, "the gateway never published to the second broker:\n\(gateway.log)")
        #expect(failover >= 0 && failover < Self.failoverLimit, "failover took \(failover) s:\n\(gateway.log)")
        #expect(gateway.log.contains("lost connection to mqtt://127.0.0.1:\(first.port)"), "\(gateway.log)")
        #expect(gateway.log.contains("reconnect attempt 1 to mqtt://127.0.0.1:\(second.port) in "), "\(gateway.log)")
        #expect(gateway.log.contains("reconnected to mqtt://127.0.0.1:\(second.port)"), "\(gateway.log)")

        // Publishing goes on on the second broker; then a clean stop flushes the rest.
        let afterFailover = onSecond.messages.count
        #expect(onSecond.wait(timeout: 15) { $0.count >= afterFailover + 600 }, "\(gateway.log)")
        #expect(gateway.stop() == 0, "\(gateway.log)")
        let last = gateway.log.split(separator: "\n").last { $0.contains("stopped; published") }
        #expect(last?.contains(" 0 dropped") == true, "\(gateway.log)")
        // The subscribers get what the brokers have; settle, then count.
        var previous = -1
        for _ in 0..<20 where previous != onSecond.messages.count {
            previous = onSecond.messages.count
            Thread.sleep(forTimeInterval: 0.25)
        }

        let seqs = onFirst.messages.compactMap(\.seq) + onSecond.messages.compactMap(\.seq)
        let unique = Set(seqs)
        let lowest = try #require(unique.min()), highest = try #require(unique.max())
        let missing = (lowest...highest).filter { !unique.contains($0) }
        let duplicates = seqs.count - unique.count
        print("failover: \(unique.count) readings (seq \(lowest)...\(highest)), \(missing.count) missing, \(duplicates) duplicates")
        #expect(lowest == 1, "the first reading was not seen")
        #expect(missing.isEmpty, "seq missing across the failover: \(missing.prefix(20))")
        onFirst.stop()
        onSecond.stop()
    }

    @Test("commands work after every reconnect: on the second broker after failover, and back on the first")
    func commandsResubscribed() throws {
        let first = try OwnBroker()
        let second = try OwnBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("resubscribe")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("\(id).yaml")
        try """
        gateway:
          id: \(id)
        mqtt:
          brokers: [mqtt://127.0.0.1:\(first.port), mqtt://127.0.0.1:\(second.port)]
        outputs:
          - id: fan
            gpio: { line: 22 }
            initial: off
        """.write(to: profile, atomically: true, encoding: .utf8)
        let gateway = try GatewayProcess(["run", "--profile", profile.path, "--state-dir",
                                          directory.appendingPathComponent("state").path, "--simulate"])
        defer { _ = gateway.stop() }

        /// Sends `command` on the broker at `port` until the fan reports `expected` there.
        func command(_ command: String, port: Int, expected: Bool) throws -> Bool {
            let states = try Subscriber(topic: "\(prefix)/fan", port: port)
            defer { states.stop() }
            try states.waitUntilSubscribed(probeTopic: "\(prefix)/fan", port: port)
            // A command sent before the gateway subscribed is lost (not retained): resend.
            for _ in 0..<40 {
                try publish("\(prefix)/fan/set", command, port: port)
                if states.wait(timeout: 0.5, until: { $0.contains { $0.json?["value"] as? Bool == expected } }) { return true }
            }
            return false
        }

        #expect(try command("on", port: first.port, expected: true), "\(gateway.log)")
        // The first broker goes away: the gateway fails over and subscribes there.
        try first.stop()
        #expect(try command("off", port: second.port, expected: false), "\(gateway.log)")
        // The first comes back and the second goes: the gateway wraps to the first.
        _ = try first.start(port: first.port)
        try second.stop()
        #expect(try command("on", port: first.port, expected: true), "\(gateway.log)")
        let reconnects = gateway.log.split(separator: "\n").filter { $0.contains("reconnected to") }
        #expect(reconnects.count >= 2, "\(gateway.log)")
        #expect(reconnects.first?.contains("127.0.0.1:\(second.port)") == true, "\(reconnects)")
        #expect(reconnects.last?.contains("127.0.0.1:\(first.port)") == true, "\(reconnects)")
        #expect(gateway.stop() == 0, "\(gateway.log)")
    }

    @Test("persistent_session: a QoS 1 command sent while the gateway was away is delivered when it is back")
    func persistentSession() throws {
        let broker = try OwnBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("session")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("\(id).yaml")
        try """
        gateway:
          id: \(id)
        mqtt:
          broker: mqtt://127.0.0.1:\(broker.port)
          persistent_session: true
        outputs:
          - id: fan
            gpio: { line: 22 }
            initial: off
        """.write(to: profile, atomically: true, encoding: .utf8)
        let arguments = ["run", "--profile", profile.path, "--state-dir", directory.appendingPathComponent("state").path,
                         "--simulate"]
        let states = try Subscriber(topic: "\(prefix)/fan", port: broker.port)
        try states.waitUntilSubscribed(probeTopic: "\(prefix)/fan", port: broker.port)
        let status = try Subscriber(topic: "\(prefix)/status", port: broker.port)
        try status.waitUntilSubscribed(probeTopic: "\(prefix)/status", port: broker.port)

        let away = try GatewayProcess(arguments)
        #expect(status.wait(timeout: 15) { $0.contains { $0.payload == "online" } }, "\(away.log)")
        #expect(away.waitForLog(timeout: 5) { $0.contains("(persistent session)") }, "\(away.log)")
        // Subscribed once it has published its first state, which follows the subscription.
        #expect(states.wait(timeout: 10) { $0.contains { $0.json?["value"] as? Bool == false } }, "\(away.log)")
        #expect(away.stop(signal: SIGKILL) == 128 + SIGKILL)
        #expect(status.wait(timeout: 10) { $0.last?.payload == "offline" }, "the broker saw the gateway go")
        try publish("\(prefix)/fan/set", "on", port: broker.port)

        let back = try GatewayProcess(arguments)
        defer { _ = back.stop() }
        #expect(states.wait(timeout: 15) { $0.contains { $0.json?["value"] as? Bool == true } },
                "the command queued for the session never arrived:\n\(back.log)")
        #expect(back.stop() == 0, "\(back.log)")
    }
}
