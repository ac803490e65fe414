import Foundation

/// A persistent QoS 1 subscriber (`mosquitto_sub -c -i ID -q 1`: its session, and what is
/// queued for it, outlive its connection) that counts every `seq` it receives.
final class SequenceTally: @unchecked Sendable {
    private var child: ChildProcess?
    private let lock = NSLock()
    private var counts: [Int: Int] = [:]
    private var received = 0

    init(topic: String, port: Int, clientID: String) throws {
        let arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-c", "-i", clientID, "-t", topic, "-F", "%p"]
        child = try ChildProcess("/usr/bin/mosquitto_sub", arguments) { [weak self] line in
            self?.count(line)
        }
    }

    deinit { stop() }

    /// A tally of gateway `id`'s topics on `broker`, its session in place (its probe, seq 0,
    /// seen) before the gateway starts. `clientID` tells two tallies of one gateway apart.
    static func ofGateway(_ id: String, on broker: PersistentBroker, clientID: String? = nil) throws -> SequenceTally {
        let tally = try SequenceTally(topic: "sensorgate/\(id)/#", port: broker.port, clientID: clientID ?? "tally-\(id)")
        let deadline = Date().addingTimeInterval(10)
        while tally.seen[0] == nil, Date() < deadline {
            _ = try run("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1",
                                                   "-t", "sensorgate/\(id)/probe", "-m", #"{"seq":0}"#])
            tally.wait(timeout: 0.5) { $0.seen[0] != nil }
        }
        guard tally.seen[0] != nil else { throw TestFailure("the subscriber on port \(broker.port) never saw its probe") }
        return tally
    }

    func stop() { child?.stop(grace: 2) }

    private func count(_ line: String) {
        guard let range = line.range(of: "\"seq\":") else { return }
        let digits = line[range.upperBound...].prefix { $0.isNumber }
        guard let seq = Int(digits) else { return }
        lock.lock()
        counts[seq, default: 0] += 1
        received += 1
        lock.unlock()
    }

    /// Every seq seen, with how often.
    var seen: [Int: Int] { lock.lock(); defer { lock.unlock() }; return counts }
    var messages: Int { lock.lock(); defer { lock.unlock() }; return received }
    var highest: Int { seen.keys.max() ?? 0 }

    /// The numbers in `1...last` never received.
    func missing(upTo last: Int) -> [Int] {
        let seen = self.seen
        return (1...max(1, last)).filter { seen[$0] == nil }
    }

    /// Receptions beyond the first of each number.
    var duplicates: Int { seen.values.reduce(0) { $0 + $1 - 1 } }

    /// Waits until the number of distinct seqs stops changing for `quiet` seconds, or until `condition` holds.
    @discardableResult
    func wait(timeout: TimeInterval, until condition: (SequenceTally) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(self) { return true }
            usleep(50_000)
        }
        return condition(self)
    }
}

/// The outbox figures of a gateway's shutdown line.
struct OutboxSummary {
    var assigned: Int
    var stored: Int
    var acknowledged: Int
    var dropped: Int
    var droppedFull: Int
    var kept: Int

    init?(log: String) {
        let pattern = #/outbox: (\d+) seq assigned, (\d+) stored, (\d+) acknowledged, (\d+) dropped \(full (\d+), disk \d+, refused \d+\), (\d+) kept/#
        guard let match = log.firstMatch(of: pattern) else { return nil }
        assigned = Int(match.1)!
        stored = Int(match.2)!
        acknowledged = Int(match.3)!
        dropped = Int(match.4)!
        droppedFull = Int(match.5)!
        kept = Int(match.6)!
    }

    /// `seq continues at N` from the start line.
    static func continuation(in log: String) -> [Int] {
        log.matches(of: #/seq continues at (\d+)/#).map { Int($0.1)! }
    }
}
