import Foundation
import Testing

/// A broker that is not there, or goes away: retries with one log line per attempt,
/// bounded buffering, never a crash.
@Suite("Broker failures", .serialized)
struct BrokerFailureTests {
    @Test("an unreachable broker at start: one log line per attempt, still running, clean exit")
    func unreachableAtStart() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let profile = try TestEnvironment.demoProfile(in: directory, id: TestEnvironment.uniqueID("nobroker"))
        // Port 1 on loopback: nothing listens there, connections are refused at once.
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"),
                                             broker: "mqtt://127.0.0.1:1")
        Thread.sleep(forTimeInterval: 3)
        #expect(gateway.isRunning, "the gateway must keep retrying:\n\(gateway.log)")
        let attempts = gateway.log.split(separator: "\n").filter { $0.contains("unreachable") && $0.contains("attempt") }
        #expect(attempts.count >= 2, "\(gateway.log)")
        #expect(attempts.count <= 6, "backoff must space the attempts out (0.5 s doubling): \(attempts.count) in 3 s")
        #expect(gateway.stop() == 0, "\(gateway.log)")
        #expect(gateway.log.contains("were not delivered"), "undelivered messages are reported:\n\(gateway.log)")
    }

    @Test("a gateway that dies without a word: the broker publishes its retained last will, offline")
    func lastWill() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("will")
        let prefix = "sensorgate/\(id)"
        let profile = try TestEnvironment.demoProfile(in: directory, id: id)
        let subscriber = try Subscriber(topic: "\(prefix)/status")
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/status")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        #expect(subscriber.wait(timeout: 10) { $0.contains { $0.payload == "online" } }, "\(gateway.log)")
        #expect(gateway.stop(signal: SIGKILL) == 128 + SIGKILL)
        #expect(subscriber.wait(timeout: 5) { $0.contains { $0.payload == "offline" } })
        let late = try Subscriber(topic: "\(prefix)/status")
        #expect(late.wait(timeout: 5) { $0.contains { $0.retained && $0.payload == "offline" } })
    }

    @Test("the broker dies and comes back: the gateway reconnects and delivers what it buffered")
    func brokerRestart() throws {
        let broker = try OwnBroker()
        let port = broker.port
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("flaky")
        let prefix = "sensorgate/\(id)"
        let profile = try TestEnvironment.demoProfile(in: directory, id: id)
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"),
                                             broker: "mqtt://127.0.0.1:\(port)")
        defer { _ = gateway.stop() }
        let before = try Subscriber(topic: "\(prefix)/#", port: port)
        #expect(before.wait(timeout: 10) { $0.contains { $0.topic == "\(prefix)/climate/pressure" } })
        before.stop()

        try broker.stop()
        let outageStart = Date()
        Thread.sleep(forTimeInterval: 2.5)
        #expect(gateway.isRunning, "\(gateway.log)")
        _ = try broker.start(port: port)
        let outageEnd = Date()
        let after = try Subscriber(topic: "\(prefix)/#", port: port)
        #expect(after.wait(timeout: 20) { $0.contains { $0.topic == "\(prefix)/status" && $0.payload == "online" } },
                "\(gateway.log)")
        #expect(gateway.log.contains("lost connection"))
        #expect(gateway.log.contains("reconnected"))

        // Readings taken during the outage were buffered and arrive after the reconnect.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let delivered = after.wait(timeout: 10) { messages in
            messages.contains { message in
                guard let ts = message.json?["ts"] as? String, let date = formatter.date(from: ts) else { return false }
                return date > outageStart.addingTimeInterval(0.2) && date < outageEnd.addingTimeInterval(-0.2)
            }
        }
        #expect(delivered, "no reading stamped during the outage arrived:\n\(after.messages.prefix(20).map(\.payload))")
        #expect(gateway.stop() == 0)
        after.stop()
    }
}
