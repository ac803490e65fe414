import MQTT
import SensorgateCore
import Testing

@Suite("Reconnect schedule")
struct ReconnectScheduleTests {
    @Test("the first retry after a failure is attempt 1, at most the minimum delay")
    func firstRetryIsAttemptOne() {
        var schedule = ReconnectSchedule(minimum: .milliseconds(500), maximum: .seconds(30))
        let first = schedule.next(random: 1)
        #expect(first.attempt == 1)
        #expect(first.delay == .milliseconds(500))
    }

    @Test("the ceiling doubles per attempt up to the maximum")
    func doublingToTheMaximum() {
        var schedule = ReconnectSchedule(minimum: .milliseconds(500), maximum: .seconds(30))
        let delays = (0..<9).map { _ in schedule.next(random: 1).delay }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16),
                           .seconds(30), .seconds(30), .seconds(30)])
        #expect(schedule.attempts == 9)
    }

    @Test("full jitter: the delay is the random fraction of the ceiling, from zero up")
    func fullJitterBounds() {
        var schedule = ReconnectSchedule(minimum: .seconds(1), maximum: .seconds(30))
        #expect(schedule.next(random: 0).delay == .zero)
        schedule.reset()
        #expect(schedule.next(random: 0.25).delay == .milliseconds(250))
        schedule.reset()
        #expect(schedule.next(random: 7).delay == .seconds(1), "out-of-range random numbers are clamped")
        schedule.reset()
        #expect(schedule.next(random: -3).delay == .zero)
        schedule.reset()
        #expect(schedule.next(random: .nan).delay == .zero)
    }

    /// A fleet reconnecting after the same broker restart draws independent delays: they
    /// must cover the whole window evenly, not bunch up at its end as a "minus up to 20%"
    /// jitter does (every delay in the top fifth).
    @Test("delays drawn with real random numbers are uniform over [0, ceiling]")
    func uniformDistribution() {
        let draws = 20_000
        let buckets = 10
        for attempt in [1, 4, 12] {
            var counts = [Int](repeating: 0, count: buckets)
            var sum = 0.0
            var ceiling = Interval.zero
            for _ in 0..<draws {
                var schedule = ReconnectSchedule(minimum: .milliseconds(500), maximum: .seconds(30))
                for _ in 1..<attempt { _ = schedule.next() }
                ceiling = schedule.ceiling(forAttempt: attempt)
                let delay = schedule.next().delay
                #expect(delay >= .zero && delay <= ceiling)
                let fraction = Double(delay.nanoseconds) / Double(ceiling.nanoseconds)
                sum += fraction
                counts[min(buckets - 1, Int(fraction * Double(buckets)))] += 1
            }
            // Each bucket expects 2,000 draws (standard deviation about 42): 1,700 and
            // 2,300 are seven deviations away, so a correct schedule never fails here,
            // while "at most 20% off the ceiling" puts every draw in the last two.
            for (index, count) in counts.enumerated() {
                #expect((1_700...2_300).contains(count), "attempt \(attempt) bucket \(index): \(count) of \(draws)")
            }
            let mean = sum / Double(draws)
            #expect(abs(mean - 0.5) < 0.02, "attempt \(attempt): mean fraction \(mean)")
            #expect(ceiling == [1: Interval.milliseconds(500), 4: .seconds(4), 12: .seconds(30)][attempt])
        }
    }

    @Test("a good connection starts the count again at attempt 1")
    func resetAfterConnecting() {
        var schedule = ReconnectSchedule(minimum: .milliseconds(500), maximum: .seconds(30))
        _ = schedule.next(random: 1)
        _ = schedule.next(random: 1)
        schedule.reset()
        let next = schedule.next(random: 1)
        #expect(next.attempt == 1)
        #expect(next.delay == .milliseconds(500))
    }

    @Test("thousands of failures neither overflow nor exceed the maximum")
    func manyFailures() {
        var schedule = ReconnectSchedule(minimum: .milliseconds(500), maximum: .seconds(30))
        for _ in 0..<10_000 { _ = schedule.next(random: 1) }
        #expect(schedule.next(random: 1).delay == .seconds(30))
        #expect(schedule.ceiling(forAttempt: Int.max) == .seconds(30))
    }
}
