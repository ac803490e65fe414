import SensorgateCore
import Testing

@testable import Gateway

@Suite("Sensor health")
struct SensorHealthTests {
    let start = Timestamp(nanoseconds: 1_000_000_000)

    @Test("online at the first good read, and nothing more while reads keep succeeding")
    func onlineOnce() {
        var health = SensorHealth(offlineAfter: 3)
        #expect(health.availability == nil)
        #expect(health.succeeded(at: start) == [.availability(.online)])
        #expect(health.succeeded(at: start + .seconds(1)) == [])
        #expect(health.availability == .online)
    }

    @Test("offline at exactly N failed polls in a row, once; online again at the next good read")
    func offlineAtN() {
        var health = SensorHealth(offlineAfter: 3)
        _ = health.succeeded(at: start)
        #expect(health.failed("read failed: nack", at: start + .seconds(1)) == [.failing(reason: "read failed: nack")])
        #expect(health.failed("read failed: nack", at: start + .seconds(2)) == [])
        #expect(health.availability == .online)
        #expect(health.failed("read failed: nack", at: start + .seconds(3)) == [.availability(.offline)])
        #expect(health.failed("setup failed: nack", at: start + .seconds(4)) == [])
        #expect(health.consecutiveFailures == 4)
        #expect(health.succeeded(at: start + .seconds(9)) == [
            .recovered(down: .seconds(8), failedPolls: 4), .availability(.online),
        ])
        #expect(health.consecutiveFailures == 0)
    }

    @Test("failures fewer than N are logged and recovered from, but never change the status")
    func blipBelowN() {
        var health = SensorHealth(offlineAfter: 3)
        _ = health.succeeded(at: start)
        _ = health.failed("read failed: CRC mismatch", at: start + .seconds(1))
        _ = health.failed("read failed: CRC mismatch", at: start + .seconds(2))
        #expect(health.availability == .online)
        #expect(health.succeeded(at: start + .seconds(3)) == [.recovered(down: .seconds(2), failedPolls: 2)])
        // The count starts again: two more failures do not make three.
        _ = health.failed("read failed: nack", at: start + .seconds(4))
        #expect(health.failed("read failed: nack", at: start + .seconds(5)) == [])
        #expect(health.availability == .online)
    }

    @Test("a sensor that never answers goes offline at N without having been online")
    func neverAnswers() {
        var health = SensorHealth(offlineAfter: 1)
        #expect(health.failed("setup failed: nack", at: start) == [.failing(reason: "setup failed: nack"), .availability(.offline)])
        #expect(health.succeeded(at: start + .seconds(1)) == [
            .recovered(down: .seconds(1), failedPolls: 1), .availability(.online),
        ])
    }

    @Test("while failing, at most one summary a minute, counting the polls since the last line")
    func summaryRateLimit() {
        let clock = ManualClock()
        clock.set(start)
        var health = SensorHealth(offlineAfter: 3)
        _ = health.succeeded(at: clock.now())
        var lines: [SensorHealth.Event] = []
        // A poll every 250 ms for 150 s: 600 failures.
        for poll in 0..<600 {
            clock.advance(by: .milliseconds(250))
            let events = health.failed("read failed: nack \(poll)", at: clock.now())
            lines += events.filter { event in
                if case .availability = event { return false }
                return true
            }
        }
        #expect(lines.count == 3, "one first-failure line and two summaries: \(lines)")
        #expect(lines.first == .failing(reason: "read failed: nack 0"))
        // The first summary 60 s after the first failure: the 240 polls after it.
        #expect(lines.dropFirst().first == .stillFailing(polls: 240, period: .seconds(60), last: "read failed: nack 240"))
        #expect(lines.last == .stillFailing(polls: 240, period: .seconds(60), last: "read failed: nack 480"))
        clock.advance(by: .seconds(1))
        #expect(health.succeeded(at: clock.now()) == [
            .recovered(down: .milliseconds(150_750), failedPolls: 600), .availability(.online),
        ])
    }

    @Test("log lines name the sensor, the reason and, at recovery, how long it was down")
    func lines() {
        #expect(SensorHealth.Event.failing(reason: "read failed: nack").logLine(sensor: "air")
            == "sensor 'air' failed: read failed: nack")
        #expect(SensorHealth.Event.stillFailing(polls: 57, period: .seconds(60), last: "setup failed: nack").logLine(sensor: "air")
            == "sensor 'air': 57 more failed polls in the last 1m, last: setup failed: nack")
        #expect(SensorHealth.Event.recovered(down: .milliseconds(4_200), failedPolls: 5).logLine(sensor: "air")
            == "sensor 'air' reads again after 4.2s down, 5 failed polls")
        #expect(SensorHealth.Event.availability(.offline).logLine(sensor: "air") == nil)
    }
}
