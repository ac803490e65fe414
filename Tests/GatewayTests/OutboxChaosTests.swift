import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The durable outbox under a broker that keeps going away and a gateway that is killed:
/// the real binary at 500+ QoS 1 readings a second, a persistent QoS 1 subscriber counting
/// every `seq`, and mosquitto processes the tests stop and start.
@Suite("Outbox chaos (real binary, real mosquitto)", .serialized)
struct OutboxChaosTests {
    /// One input fed a 2 ms square wave: up to 1,000 readings a second, each numbered, at QoS 1.
    func profile(id: String, in directory: URL, maxMessages: Int = 1_000_000) throws -> URL {
        let text = """
            gateway:
              id: \(id)
            mqtt:
              qos: 1
              outbox: { max_messages: \(maxMessages) }
            inputs:
              - id: edge
                gpio: { line: 5 }
                debounce: 0s
            simulation:
              edge: { square: { period: 2ms } }

            """
        let file = directory.appendingPathComponent("\(id).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// `thread` or `address` under `Tests/Sanitizers/run`, which slows the gateway several
    /// times (so the rate is not demanded there) and keeps freed memory in quarantine (so
    /// resident memory is not measured there); nil otherwise.
    static let sanitizer = ProcessInfo.processInfo.environment["SENSORGATE_SANITIZER"]

    func sleep(until date: Date) {
        let left = date.timeIntervalSinceNow
        if left > 0 { Thread.sleep(forTimeInterval: left) }
    }

    @Test("the broker stopped and restarted five times in 30 s at 500+ readings/s: no seq missing")
    func brokerRestarts() throws {
        let broker = try PersistentBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("chaos")
        let tally = try SequenceTally.ofGateway(id, on: broker)
        let gateway = try GatewayProcess.run(profile: try profile(id: id, in: directory),
                                             stateDirectory: directory.appendingPathComponent("state"), broker: broker.url)
        let start = Date()
        for round in 1...5 {
            sleep(until: start.addingTimeInterval(Double(round) * 5.5 - 1.5))
            broker.stop()
            Thread.sleep(forTimeInterval: 1.0)
            try broker.restart()
        }
        sleep(until: start.addingTimeInterval(30))
        // Every lost connection is won back. A jittered backoff may sleep through one whole
        // outage (attempt 5 waits up to 8 s, longer than a 5.5 s round), so the gateway
        // sees three to five of them; the last reconnect may come a few seconds after the
        // broker is back. A clean stop delivers everything only once connected.
        func losses(_ log: String) -> Int { log.components(separatedBy: "lost connection to").count - 1 }
        func reconnects(_ log: String) -> Int { log.components(separatedBy: "reconnected to").count - 1 }
        #expect(gateway.waitForLog(timeout: 30) { losses($0) >= 3 && reconnects($0) == losses($0) }, "\(gateway.log)")
        Thread.sleep(forTimeInterval: 1)
        let duration = Date().timeIntervalSince(start)
        #expect(gateway.stop() == 0, "\(gateway.log)")
        let summary = try #require(OutboxSummary(log: gateway.log), "\(gateway.log)")
        tally.wait(timeout: 30) { $0.missing(upTo: summary.assigned).isEmpty }
        let missing = tally.missing(upTo: summary.assigned)
        let rate = Double(summary.assigned) / duration
        print("outbox chaos (a) broker restarts: \(summary.assigned) readings in \(Int(duration)) s (\(Int(rate))/s), \(missing.count) missing, \(tally.duplicates) duplicates, \(reconnects(gateway.log)) reconnects")
        #expect(missing.isEmpty, "missing seq: \(missing.prefix(20))\n\(gateway.log)")
        #expect(tally.highest == summary.assigned, "no number beyond the last assigned")
        #expect(losses(gateway.log) >= 3 && reconnects(gateway.log) == losses(gateway.log), "\(gateway.log)")
        if Self.sanitizer == nil { #expect(rate >= 500, "the run must reach 500 readings a second, got \(rate)") }
        #expect(summary.kept == 0, "a clean stop with the broker up delivers everything")
    }

    @Test("the gateway SIGKILLed mid-run and restarted: no seq missing, no jump")
    func gatewayKilled() throws {
        let broker = try PersistentBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("killed")
        let tally = try SequenceTally.ofGateway(id, on: broker)
        let profile = try profile(id: id, in: directory)
        let state = directory.appendingPathComponent("state")
        let first = try GatewayProcess.run(profile: profile, stateDirectory: state, broker: broker.url)
        #expect(tally.wait(timeout: 15) { $0.highest > 3_000 }, "\(first.log)")
        #expect(first.stop(signal: SIGKILL) == 128 + SIGKILL)
        let highestBeforeKill = tally.highest

        let second = try GatewayProcess.run(profile: profile, stateDirectory: state, broker: broker.url)
        #expect(tally.wait(timeout: 15) { $0.highest > highestBeforeKill + 3_000 }, "\(second.log)")
        #expect(second.stop() == 0, "\(second.log)")
        let summary = try #require(OutboxSummary(log: second.log), "\(second.log)")
        let continuation = try #require(OutboxSummary.continuation(in: second.log).first, "\(second.log)")
        let last = continuation + summary.assigned - 1
        tally.wait(timeout: 30) { $0.missing(upTo: last).isEmpty }
        let missing = tally.missing(upTo: last)
        print("outbox chaos (b) SIGKILL: \(last) readings, the killed run's last seq \(continuation - 1) (highest delivered before the kill \(highestBeforeKill)), the restart's first \(continuation), \(missing.count) missing, \(tally.duplicates) duplicates")
        #expect(missing.isEmpty, "missing seq: \(missing.prefix(20))\n\(second.log)")
        #expect(continuation - 1 >= highestBeforeKill, "numbering continues above everything published")
        // Every number up to the continuation was published: the killed run assigned
        // `continuation - 1` last, and the restart went on with its successor, no jump.
        #expect(tally.seen[continuation - 1] != nil && tally.seen[continuation] != nil)
        #expect(tally.highest == last)
    }

    @Test("the broker down for 25 s with a 2,000-message outbox: drops counted exactly, memory flat")
    func longOutage() throws {
        let broker = try PersistentBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("outage")
        let tally = try SequenceTally.ofGateway(id, on: broker)
        let gateway = try GatewayProcess.run(profile: try profile(id: id, in: directory, maxMessages: 2_000),
                                             stateDirectory: directory.appendingPathComponent("state"), broker: broker.url)
        #expect(tally.wait(timeout: 15) { $0.highest > 1_000 }, "\(gateway.log)")
        broker.stop()
        let outage = Date()
        var samples: [(Double, Int)] = []
        while Date().timeIntervalSince(outage) < 25 {
            if let rss = residentKiB(gateway.pid) { samples.append((Date().timeIntervalSince(outage), rss)) }
            Thread.sleep(forTimeInterval: 0.5)
        }
        try broker.restart()
        // The reconnect backoff has grown during the outage (up to 30 s, jittered).
        #expect(tally.wait(timeout: 40) { _ in gateway.log.contains("reconnected") }, "\(gateway.log)")
        Thread.sleep(forTimeInterval: 3)
        let droppingFor = Date().timeIntervalSince(outage)
        #expect(gateway.stop() == 0, "\(gateway.log)")
        let summary = try #require(OutboxSummary(log: gateway.log), "\(gateway.log)")
        func published() -> Int { tally.seen.keys.filter { $0 >= 1 }.count }
        tally.wait(timeout: 30) { _ in published() + summary.droppedFull == summary.assigned }
        let settled = samples.filter { $0.0 >= 5 }.map(\.1)
        let growth = (settled.max() ?? 0) - (settled.first ?? 0)
        print("outbox chaos (c) 25 s outage: \(summary.assigned) readings, \(published()) published, \(summary.droppedFull) dropped (outbox full), \(tally.duplicates) duplicates; VmRSS \(settled.first ?? 0) KiB at 5 s, at most \(settled.max() ?? 0) KiB after (\(growth) KiB growth)")
        #expect(summary.droppedFull > 0, "the cap must be reached: \(gateway.log)")
        #expect(published() + summary.droppedFull == summary.assigned, "published + dropped = assigned")
        #expect(tally.missing(upTo: summary.assigned).count == summary.droppedFull, "each drop is exactly one missing number")
        #expect(gateway.log.contains("outbox full"), "drops are logged")
        // The drop reports only (the statistics' summary lines name the cause too).
        let reports = gateway.log.split(separator: "\n").filter { $0.contains("outbox full (") }.count
        #expect(reports <= 1 + Int(droppingFor / 10), "rate-limited: at most one report per 10 s, \(reports) in \(Int(droppingFor)) s")
        if Self.sanitizer != "address" {
            #expect(growth < 2_048, "resident memory must stay flat while the outbox is full: \(samples)")
        }
    }

    /// VmRSS in KiB from /proc.
    func residentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
}
