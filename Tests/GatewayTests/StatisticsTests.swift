#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Profiles
import Runtime
import SensorgateCore
import Testing

@testable import Gateway

/// The statistics' parts on a manual clock: the loop-lag probe, the report grid, the
/// payload and the summary lines.
@Suite("Gateway statistics")
struct StatisticsTests {
    @Test("the probe's lateness over an interval: p99 and max; a new interval forgets, the run does not")
    func loopLag() {
        let clock = ManualClock()
        var lag = LoopLag()
        #expect(lag.intervalSummary == LoopLag.Summary(probes: 0))
        var deadline = clock.now() + LoopLag.probePeriod
        // 99 probes run 20 µs late, one 4.5 ms late (a handler held the loop).
        for index in 0..<100 {
            clock.set(deadline + (index == 50 ? .microseconds(4_500) : .microseconds(20)))
            lag.record(deadline: deadline, ranAt: clock.now())
            deadline = LoopLag.nextDeadline(after: deadline, ranAt: clock.now())
        }
        #expect(lag.intervalSummary.probes == 100)
        #expect(lag.intervalSummary.p99Milliseconds == 0.03)
        #expect(lag.intervalSummary.maximumMilliseconds == 4.5)
        lag.startInterval()
        #expect(lag.intervalSummary.probes == 0)
        clock.set(deadline + .microseconds(100))
        lag.record(deadline: deadline, ranAt: clock.now())
        // The bucket's upper edge (0.11 ms) is above the one sample: p99 shows the maximum.
        #expect(lag.intervalSummary == LoopLag.Summary(probes: 1, p99Milliseconds: 0.1, maximumMilliseconds: 0.1))
        #expect(lag.runSummary.probes == 101)
        #expect(lag.runSummary.maximumMilliseconds == 4.5)
    }

    @Test("a stalled loop is one late probe, then the grid goes on; a report keeps its grid from the start")
    func grid() {
        let start = Timestamp(nanoseconds: 1_000_000_000)
        let period = LoopLag.probePeriod
        // On time: the next deadline is one period on.
        #expect(LoopLag.nextDeadline(after: start, ranAt: start + .milliseconds(1)) == start + period)
        // 1.1 s late: the deadlines that passed meanwhile are skipped, not made up.
        #expect(LoopLag.nextDeadline(after: start, ranAt: start + .milliseconds(1_100)) == start + .milliseconds(1_250))
        // Exactly on a later deadline: that one has passed too.
        #expect(LoopLag.nextDeadline(after: start, ranAt: start + .milliseconds(500)) == start + .milliseconds(750))
        let minute = Interval.seconds(60)
        let first = start + minute
        #expect(GatewayStatistics.nextDeadline(after: first, ranAt: first + .milliseconds(30), every: minute)
                == first + minute, "lateness does not move the grid")
    }

    static func sample() -> GatewayStatistics.Snapshot {
        var snapshot = GatewayStatistics.Snapshot(utc: 1_796_083_200_123_456_000, uptime: .milliseconds(61_234),
                                                  interval: .seconds(60))
        snapshot.readings = .init(sensor: 240, edges: 31, windows: 2)
        snapshot.published = 300
        snapshot.acknowledged = 298
        snapshot.dropped = .init(bufferFull: 5, noSequenceNumber: 2, refused: 1, outboxFull: 0)
        snapshot.backlog = 2
        snapshot.reconnects = 1
        snapshot.connectFailures = 3
        snapshot.loopLag = .init(probes: 240, p99Milliseconds: 0.04, maximumMilliseconds: 0.3125)
        snapshot.sensors = [
            .init(id: "climate", status: "online", readings: 240, failures: 0, consecutiveFailures: 0),
            .init(id: "probe", status: "offline", readings: 0, failures: 7, consecutiveFailures: 4),
        ]
        return snapshot
    }

    @Test("the payload: every field, drops by cause with their total, sensors by id, no seq")
    func payload() throws {
        let bytes = Self.sample().payload()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(json["ts"] as? String == "2026-12-01T00:00:00.123456Z")
        #expect(json["uptime_s"] as? Double == 61.234)
        #expect(json["interval_s"] as? Double == 60)
        #expect(json["seq"] == nil)
        let readings = try #require(json["readings"] as? [String: Int])
        #expect(readings == ["sensor": 240, "edges": 31, "windows": 2, "total": 273])
        #expect(json["published"] as? Int == 300)
        #expect(json["acknowledged"] as? Int == 298)
        let dropped = try #require(json["dropped"] as? [String: Int])
        #expect(dropped == ["total": 8, "buffer_full": 5, "no_seq": 2, "refused": 1, "outbox_full": 0])
        #expect(json["backlog"] as? Int == 2)
        #expect(json["outbox"] == nil, "no outbox object without an outbox")
        #expect(json["reconnects"] as? Int == 1)
        #expect(json["connect_failures"] as? Int == 3)
        let lag = try #require(json["loop_lag_ms"] as? [String: Double])
        #expect(lag == ["probes": 240, "p99": 0.04, "max": 0.3125])
        let sensors = try #require(json["sensors"] as? [String: [String: Any]])
        #expect(sensors["probe"]?["status"] as? String == "offline")
        #expect(sensors["probe"]?["failures"] as? Int == 7)
        #expect(sensors["probe"]?["consecutive_failures"] as? Int == 4)
        #expect(sensors["climate"]?["readings"] as? Int == 240)

        var withOutbox = Self.sample()
        withOutbox.outbox = .init(messages: 12, bytes: 1_536, droppedWhenFull: 3)
        withOutbox.dropped.outboxFull = 3
        withOutbox.loopLag = .init(probes: 0)
        let other = try #require(try JSONSerialization.jsonObject(with: Data(withOutbox.payload())) as? [String: Any])
        #expect(other["outbox"] as? [String: Int] == ["messages": 12, "bytes": 1_536])
        #expect((other["dropped"] as? [String: Int])?["total"] == 11)
        #expect(other["loop_lag_ms"] as? [String: Int] == ["probes": 0], "no percentile without probes")
    }

    @Test("the summary line names the causes of drops, the lag and only the sensors that failed, unquoted")
    func summary() {
        let line = Self.sample().summary
        #expect(line == "statistics: published 300 messages, 298 acknowledged, 8 dropped (5 buffer full, 2 without seq, 1 refused); readings 273 (240 sensor, 31 edges, 2 windows); 2 waiting; 1 reconnect; loop lag p99 0.04ms, max 0.313ms; up 1m1s; sensor failures: probe 7 (4 in a row, offline)",
                "\(line)")
        var quiet = GatewayStatistics.Snapshot(utc: 0, uptime: .seconds(5), interval: nil)
        quiet.sensors = [.init(id: "probe", status: "online", readings: 20, failures: 2, consecutiveFailures: 0)]
        #expect(quiet.deliverySummary == "published 0 messages, 0 acknowledged, 0 dropped")
        #expect(quiet.detailSummary == "readings 0 (0 sensor, 0 edges, 0 windows); 0 waiting; 0 reconnects; up 5s; sensor failures: probe 2")
    }

    @Test("a runtime's snapshot: uptime on the loop's clock, its counters, and the outbox through its hook")
    func runtimeSnapshot() throws {
        let clock = ManualClock()
        let profile = try ProfileLoader.load(text: """
            gateway: { id: counted }
            mqtt: { stats: { interval: 5s } }
            inputs:
              - id: door
                gpio: { line: 17 }
            """, path: "test.yaml")
        let loop = try EventLoop(clock: clock)
        let state = "/tmp/sensorgate-statistics-\(getpid())"
        defer { _ = try? FileManager.default.removeItem(atPath: state) }
        let runtime = try GatewayRuntime(profile: profile, broker: BrokerURL(host: "127.0.0.1", port: 1, tls: false),
                                         stateDirectory: state, hardware: try SimulatedHardware(profile: profile, clock: clock),
                                         loop: loop, logger: Logger(label: "test"))
        runtime.startStatistics()
        defer { runtime.stopStatistics() }
        clock.advance(by: .milliseconds(2_500))
        runtime.edgesSeen = 40
        runtime.statistics.windows = 3
        var before = runtime.statisticsSnapshot(lag: runtime.statistics.lag.intervalSummary)
        #expect(before.uptime == .milliseconds(2_500))
        #expect(before.interval == .seconds(5))
        #expect(before.readings == .init(sensor: 0, edges: 40, windows: 3))
        #expect(before.outbox == nil && before.dropped == .init())
        #expect(before.reconnects == 0 && before.published == 0 && before.sensors.isEmpty)
        #expect(before.loopLag.probes == 0, "the loop never ran")

        runtime.statistics.readOutbox = { .init(messages: 7, bytes: 900, droppedWhenFull: 2) }
        before = runtime.statisticsSnapshot(lag: runtime.statistics.lag.runSummary)
        #expect(before.outbox == .init(messages: 7, bytes: 900, droppedWhenFull: 2))
        #expect(before.dropped.outboxFull == 2 && before.dropped.total == 2)
        #expect(before.summary.contains("; 0 waiting, outbox 7 messages in 900 bytes; "), "\(before.summary)")
    }
}
