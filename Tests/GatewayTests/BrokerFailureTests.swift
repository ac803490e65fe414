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
        // A broker that keeps sessions, and a persistent subscriber: what the gateway
        // delivers after the restart reaches the subscriber whichever reconnects first
        // (the gateway's first retry may come at once: its backoff is fully jittered).
        let broker = try PersistentBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("flaky")
        let tally = try SequenceTally(topic: "sensorgate/\(id)/#", port: broker.port, clientID: "tally-\(id)")
        defer { tally.stop() }
        let profile = try TestEnvironment.demoProfile(in: directory, id: id)
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"),
                                             broker: broker.url)
        defer { _ = gateway.stop() }
        #expect(tally.wait(timeout: 15) { $0.highest >= 5 }, "\(gateway.log)")

        broker.stop()
        let highestBefore = tally.highest
        Thread.sleep(forTimeInterval: 2.5)
        #expect(gateway.isRunning, "\(gateway.log)")
        try broker.restart()
        #expect(gateway.waitForLog(timeout: 20) { $0.contains("reconnected") }, "\(gateway.log)")
        #expect(gateway.log.contains("lost connection"))
        // Readings taken during the outage were buffered and arrive after the reconnect.
        #expect(tally.wait(timeout: 15) { $0.highest > highestBefore + 10 }, "\(gateway.log)")
        #expect(gateway.stop() == 0)
        let last = tally.highest
        tally.wait(timeout: 5) { $0.missing(upTo: last).isEmpty }
        #expect(tally.missing(upTo: last).isEmpty,
                "seq missing after the outage: \(tally.missing(upTo: last).prefix(20)) of 1...\(last) (before the outage: \(highestBefore))")
    }
}
