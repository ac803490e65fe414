import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP with a changed connection, on the real binary and real mosquitto processes: the
/// gateway moves to another broker (or connects anew to the same one) while an input
/// publishes 400 numbered QoS 1 readings a second, and persistent subscribers on every
/// broker count each `seq`.
@Suite("Reload of the connection (real binary, real mosquitto)", .serialized)
struct ReloadBrokerIntegrationTests {
    func profileText(id: String, broker: String, outbox: Bool, keepalive: String = "60s", homeAssistant: Bool = false) -> String {
        """
        gateway:
          id: \(id)
        mqtt:
          broker: \(broker)
          qos: 1
          keepalive: \(keepalive)
        \(outbox ? "  outbox: { max_messages: 1000000 }" : "")
        \(homeAssistant ? "  home_assistant: { discovery: true, prefix: ha-\(id) }" : "")
        inputs:
          - id: edge
            gpio: { line: 5 }
            debounce: 0s
        simulation:
          edge: { square: { period: 5ms } }

        """
    }

    /// The retained `<prefix>/status` on `broker`.
    func retainedStatus(_ prefix: String, _ broker: PersistentBroker) throws -> String? {
        // `status/#` takes `status` itself and the probe under it.
        let subscriber = try Subscriber(topic: "\(prefix)/status/#", port: broker.port)
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed(probeTopic: "\(prefix)/status/probe", port: broker.port)
        return subscriber.messages.last { $0.retained && $0.topic == "\(prefix)/status" }.map(\.payload)
    }

    /// Two brokers with a tally each, and a gateway publishing to the first.
    final class TwoBrokers {
        let first: PersistentBroker
        let second: PersistentBroker
        let id: String
        let file: URL
        let onFirst: SequenceTally
        let onSecond: SequenceTally
        let gateway: GatewayProcess

        init(_ name: String, outbox: Bool, profile: (String, String, Bool) -> String) throws {
            first = try PersistentBroker()
            second = try PersistentBroker()
            let directory = TestEnvironment.temporaryDirectory()
            id = TestEnvironment.uniqueID(name)
            file = directory.appendingPathComponent("\(id).yaml")
            try profile(id, first.url, outbox).write(to: file, atomically: true, encoding: .utf8)
            onFirst = try SequenceTally.ofGateway(id, on: first, clientID: "tally-\(id)-first")
            onSecond = try SequenceTally.ofGateway(id, on: second, clientID: "tally-\(id)-second")
            gateway = try GatewayProcess(["run", "--profile", file.path, "--state-dir", directory.appendingPathComponent("state").path,
                                          "--simulate"])
        }

        /// Every number in `1...last` seen at neither broker.
        func missing(upTo last: Int) -> [Int] {
            let seen = onFirst.seen.merging(onSecond.seen, uniquingKeysWith: +)
            return (1...max(1, last)).filter { seen[$0] == nil }
        }
    }

    func write(_ text: String, to file: URL) throws { try text.write(to: file, atomically: true, encoding: .utf8) }

    @Test("a new broker in the profile: the gateway moves to it with its outbox; every seq arrives at one broker or the other")
    func movesWithOutbox() throws {
        let rig = try TwoBrokers("rebroker", outbox: true) { profileText(id: $0, broker: $1, outbox: $2) }
        let (first, second, id, file, onFirst, onSecond, gateway) = (rig.first, rig.second, rig.id, rig.file, rig.onFirst, rig.onSecond, rig.gateway)
        let prefix = "sensorgate/\(id)"
        #expect(onFirst.wait(timeout: 20) { $0.highest > 1_000 }, "\(gateway.log)")

        try write(profileText(id: id, broker: second.url, outbox: true), to: file)
        kill(gateway.pid, SIGHUP)
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("reloaded \(file.path)") && $0.contains("mqtt: connecting anew") },
                "\(gateway.log)")
        #expect(gateway.log.contains("reload: mqtt broker changed: connecting anew, to \(second.url), once \(first.url) has what it holds"),
                "\(gateway.log)")
        let movedAt = onFirst.highest
        #expect(onSecond.wait(timeout: 20) { $0.highest > movedAt + 1_000 }, "\(gateway.log)")
        // The first broker was told the gateway left; the second one has it online.
        #expect(try retainedStatus(prefix, first) == "offline")
        #expect(try retainedStatus(prefix, second) == "online")
        let afterMove = onFirst.highest
        Thread.sleep(forTimeInterval: 1)
        #expect(onFirst.highest == afterMove, "nothing more reaches the first broker")

        #expect(gateway.stop() == 0, "\(gateway.log)")
        let summary = try #require(OutboxSummary(log: gateway.log), "\(gateway.log)")
        func missing() -> [Int] { rig.missing(upTo: summary.assigned) }
        _ = onSecond.wait(timeout: 30) { _ in missing().isEmpty }
        print("reload to another broker: \(summary.assigned) readings, \(onFirst.highest) highest on the first broker, \(missing().count) missing, \(onFirst.duplicates + onSecond.duplicates) duplicates, \(Set(onFirst.seen.keys).intersection(onSecond.seen.keys).count - 1) on both")
        #expect(missing().isEmpty, "missing seq: \(missing().prefix(20))\n\(gateway.log)")
        #expect(summary.kept == 0)
        #expect(onSecond.highest == summary.assigned)
    }

    @Test("the old broker is down when the profile names a new one: what waited in memory goes to the new broker, and every loss is counted")
    func movesAwayFromADeadBroker() throws {
        let rig = try TwoBrokers("deadbroker", outbox: false) { profileText(id: $0, broker: $1, outbox: $2) }
        let (first, second, id, file, onFirst, onSecond, gateway) = (rig.first, rig.second, rig.id, rig.file, rig.onFirst, rig.onSecond, rig.gateway)
        #expect(onFirst.wait(timeout: 20) { $0.highest > 1_000 }, "\(gateway.log)")
        first.stop()
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("unreachable") }, "\(gateway.log)")
        Thread.sleep(forTimeInterval: 1)  // 400 readings wait in the client's memory

        try write(profileText(id: id, broker: second.url, outbox: false), to: file)
        kill(gateway.pid, SIGHUP)
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("reloaded \(file.path)") }, "\(gateway.log)")
        #expect(onSecond.wait(timeout: 20) { $0.messages > 1_000 }, "\(gateway.log)")
        #expect(gateway.stop() == 0, "\(gateway.log)")
        try first.restart()  // what it acknowledged before it stopped is queued for its subscriber
        defer { first.stop() }

        // The messages libmosquitto held for the dead broker are the only loss, and the log says how many.
        let lost = gateway.log.firstMatch(of: #/stopping without a broker: (\d+) messages were not delivered/#).map { Int($0.1)! } ?? 0
        let last = onSecond.highest
        func missing() -> [Int] { rig.missing(upTo: last) }
        _ = onFirst.wait(timeout: 20) { _ in missing().count <= lost }
        print("reload away from a dead broker: \(last) readings, \(missing().count) missing, \(lost) counted as not delivered")
        #expect(missing().count == lost, "missing \(missing().count) (\(missing().prefix(10))), counted \(lost)\n\(gateway.log)")
        // The readings taken while the first broker was down reached the second one.
        let downFrom = onFirst.highest
        #expect(onSecond.seen.keys.contains { $0 > 0 && $0 <= downFrom + 300 && $0 > downFrom }, "\(onSecond.seen.keys.sorted().prefix(5))")
    }

    @Test("--broker on the command line stays over a changed broker; a changed keepalive connects anew to it with no seq gap")
    func commandLineBrokerStays() throws {
        let broker = try PersistentBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("keepbroker")
        let file = directory.appendingPathComponent("\(id).yaml")
        try write(profileText(id: id, broker: "mqtt://127.0.0.1:1", outbox: false, homeAssistant: true), to: file)
        let tally = try SequenceTally.ofGateway(id, on: broker)
        let gateway = try GatewayProcess.run(profile: file, stateDirectory: directory.appendingPathComponent("state"), broker: broker.url)
        #expect(tally.wait(timeout: 20) { $0.highest > 1_000 }, "\(gateway.log)")

        try write(profileText(id: id, broker: "mqtt://127.0.0.1:2", outbox: false, homeAssistant: true), to: file)
        kill(gateway.pid, SIGHUP)
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("reloaded \(file.path)") }, "\(gateway.log)")
        #expect(gateway.log.contains("--broker \(broker.url) given on the command line stays"), "\(gateway.log)")
        #expect(!gateway.log.contains("connecting anew"), "the same client configuration: no new connection\n\(gateway.log)")

        try write(profileText(id: id, broker: "mqtt://127.0.0.1:2", outbox: false, keepalive: "20s", homeAssistant: true), to: file)
        kill(gateway.pid, SIGHUP)
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("connecting anew, to \(broker.url), once \(broker.url) has what it holds") },
                "\(gateway.log)")
        let reloadedAt = tally.highest
        #expect(tally.wait(timeout: 20) { $0.highest > reloadedAt + 1_000 }, "\(gateway.log)")
        // The new client subscribes to what the old one did: Home Assistant's birth
        // message still asks for the discovery again.
        #expect(gateway.waitForLog(timeout: 10) { $0.components(separatedBy: "entities (device discovery under ha-\(id)/) on connecting").count == 3 },
                "announced once per connection: \(gateway.log)")
        try publish("ha-\(id)/status", "online", port: broker.port)
        #expect(gateway.waitForLog(timeout: 10) { $0.contains("after Home Assistant came online") }, "\(gateway.log)")
        #expect(gateway.stop() == 0, "\(gateway.log)")
        let last = tally.highest
        _ = tally.wait(timeout: 10) { $0.missing(upTo: last).isEmpty }
        // A live broker on both sides of the new connection: nothing is lost even without an outbox.
        #expect(tally.missing(upTo: last).isEmpty, "missing: \(tally.missing(upTo: last).prefix(20))\n\(gateway.log)")
        #expect(gateway.log.contains("connected to \(broker.url)"), "\(gateway.log)")
    }
}
