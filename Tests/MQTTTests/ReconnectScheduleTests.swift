import MQTT
import SensorgateCore
import Testing

@Suite("Reconnect schedule")
struct ReconnectScheduleTests {
    @Test("the first retry after a failure is attempt 1, at the minimum delay")
    func firstRetryIsAttemptOne() {
        var schedule = ReconnectSchedule(minimum: .milliseconds(500), maximum: .seconds(30))
        let first = schedule.next(jitter: 0)
        #expect(first.attempt == 1)
        #expect(first.delay == .milliseconds(500))
    }

    @Test("delays double per attempt up to the maximum")
    func doublingToTheMaximum() {
        var schedule = ReconnectSchedule(minimum: .milliseconds(500), maximum: .seconds(30))
        let delays = (0..<9).map { _ in schedule.next(jitter: 0).delay }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16),
                           .seconds(30), .seconds(30), .seconds(30)])
        #expect(schedule.attempts == 9)
    }

    @Test("jitter takes at most 20% off")
    func jitterBounds() {
        var schedule = ReconnectSchedule(minimum: .seconds(1), maximum: .seconds(30))
        #expect(schedule.next(jitter: 1).delay == .milliseconds(800))
        schedule.reset()
        #expect(schedule.next(jitter: 0.5).delay == .milliseconds(900))
        schedule.reset()
        #expect(schedule.next(jitter: 7).delay == .milliseconds(800), "out-of-range jitter is clamped")
    }

    @Test("a good connection starts the count again at attempt 1")
    func resetAfterConnecting() {
        var schedule = ReconnectSchedule(minimum: .milliseconds(500), maximum: .seconds(30))
        _ = schedule.next(jitter: 0)
        _ = schedule.next(jitter: 0)
        schedule.reset()
        let next = schedule.next(jitter: 0)
        #expect(next.attempt == 1)
        #expect(next.delay == .milliseconds(500))
    }

    @Test("thousands of failures neither overflow nor exceed the maximum")
    func manyFailures() {
        var schedule = ReconnectSchedule(minimum: .milliseconds(500), maximum: .seconds(30))
        for _ in 0..<10_000 { _ = schedule.next(jitter: 0) }
        #expect(schedule.next(jitter: 0).delay == .seconds(30))
    }
}
