import SensorgateCore
import Testing

@testable import Gateway

@Suite("Poll lateness")
struct PollLatenessTests {
    @Test("percentiles are the upper edges of 10 µs buckets, by nearest rank")
    func percentiles() {
        var lateness = PollLateness()
        #expect(lateness.percentileMilliseconds(99) == nil)
        // 98 polls 5 µs late (bucket 0...10 µs), one 1.234 ms (bucket 1.23...1.24 ms), one 3 ms.
        for _ in 0..<98 { lateness.record(.microseconds(5)) }
        lateness.record(.microseconds(1_234))
        lateness.record(.milliseconds(3))
        #expect(lateness.count == 100)
        #expect(lateness.percentileMilliseconds(50) == 0.01)
        #expect(lateness.percentileMilliseconds(98) == 0.01)
        #expect(lateness.percentileMilliseconds(99) == 1.24)
        #expect(lateness.percentileMilliseconds(100) == 3.01)
        #expect(lateness.maximum == .milliseconds(3))
        #expect(lateness.summary(on: "bus 1") == "poll lateness on bus 1: 100 polls, p50 0.01 ms, p99 1.24 ms, max 3.0 ms")
    }

    @Test("beyond 10 ms the maximum stands for the overflow bucket; early polls count as on time")
    func overflowAndEarly() {
        var lateness = PollLateness()
        lateness.record(.milliseconds(-1))
        lateness.record(.milliseconds(25))
        #expect(lateness.percentileMilliseconds(50) == 0.01)
        #expect(lateness.percentileMilliseconds(100) == 25)
    }

    @Test("merging adds the other bus's polls")
    func merge() {
        var first = PollLateness()
        var second = PollLateness()
        for _ in 0..<99 { first.record(.microseconds(1)) }
        second.record(.milliseconds(2))
        first.merge(second)
        #expect(first.count == 100)
        #expect(first.percentileMilliseconds(100) == 2.01)
        #expect(first.maximum == .milliseconds(2))
    }
}

