import Pipeline
import SensorgateCore
import Testing

/// Every filter that acts on time, as marble timelines on a manual clock.
@Suite("Time-based filters")
struct TimedFilterTests {
    @Test func throttlePassesAtMostOneReadingPerPeriod() {
        let out = Marble.run(ThrottleFilter(period: .seconds(10)),
                             [(0, 1), (3, 2), (9.999, 3), (10, 4), (15, 5), (25, 6), (26, 7)])
        // 10 passes (exactly a period after 0); 25 passes, 15 after 10 did not.
        #expect(out == timeline([(0, 1), (10, 4), (25, 6)]))
    }

    @Test func throttleDropsAReadingOlderThanTheLastPassed() {
        let out = Marble.run(ThrottleFilter(period: .seconds(10)), [(20, 1), (5, 2), (30, 3)])
        #expect(out == timeline([(20, 1), (30, 3)]))
    }

    @Test func throttleAverageEmitsEachPeriodsMeanAtItsEnd() {
        let out = Marble.run(ThrottleAverageFilter(period: .seconds(10)),
                             [(0, 1), (4, 2), (8, 6), (12, 10), (14, 20), (40, 7)], until: 60)
        // [0, 10): mean 3 at 10; [12, 22): mean 15 at 22; nothing in 22...40; [40, 50): 7 at 50.
        #expect(out == timeline([(10, 3), (22, 15), (50, 7)]))
    }

    @Test func throttleAverageLeavesNaNOutAndEmitsNothingForAnAllNaNPeriod() {
        let out = Marble.run(ThrottleAverageFilter(period: .seconds(10)),
                             [(0, .nan), (5, .nan), (20, 4), (21, .nan), (22, 8)], until: 40)
        #expect(out == timeline([(30, 6)]))
    }

    @Test func throttleAverageClosesAPeriodWhenALateReadingComesBeforeTheTimer() {
        var filter = ThrottleAverageFilter(period: .seconds(10))
        #expect(filter.process(.at(0, 2)) == nil)
        #expect(filter.process(.at(1, 4)) == nil)
        // The timer has not fired (a busy loop): the reading past the end closes the period first.
        #expect(filter.process(.at(15, 100)) == Reading(value: 3, timestamp: .s(10)))
        #expect(filter.deadline == .s(25))
    }

    @Test func heartbeatRepeatsTheLastValueWhenReadingsStop() {
        let out = Marble.run(HeartbeatFilter(period: .seconds(60)),
                             [(0, 20), (30, 21), (200, 22)], until: 300)
        // 21 at 30, again at 90, 150; 22 at 200 resets the beat: again at 260.
        #expect(out == timeline([(0, 20), (30, 21), (90, 21), (150, 21), (200, 22), (260, 22)]))
    }

    @Test func heartbeatNeverRepeatsNaN() {
        let out = Marble.run(HeartbeatFilter(period: .seconds(10)), [(0, 1), (5, .nan)], until: 25)
        #expect(out.count == 4)
        #expect(out[1].value.isNaN && out[1].seconds == 5)
        #expect(Array(out[2...]) == timeline([(10, 1), (20, 1)]))
    }

    @Test func heartbeatSendsNothingBeforeTheFirstReading() {
        var filter = HeartbeatFilter(period: .seconds(5))
        #expect(filter.deadline == nil)
        #expect(filter.poll(now: .s(100)) == nil)
    }

    @Test func heartbeatBehindDeltaPublishesOnChangeOrEveryPeriod() {
        var chain = ChannelChain(filters: [DeltaFilter(threshold: 1), HeartbeatFilter(period: .seconds(60))], windows: [])
        var out: [Marble.Event] = []
        for (t, v) in [(0, 20.0), (10, 20.2), (20, 20.4), (70, 20.5), (100, 22.0)] as [(Int64, Double)] {
            while let due = chain.deadline, due <= .s(t) {
                chain.poll(now: due, state: { out.append(Marble.event($0)) }, window: { _ in })
            }
            chain.process(.at(t, v), state: { out.append(Marble.event($0)) }, window: { _ in })
        }
        // Delta drops 20.2...20.5; the heartbeat fills in at 60; 22 passes at 100.
        #expect(out == timeline([(0, 20), (60, 20), (100, 22)]))
    }

    @Test func timeoutPublishesItsValueOnceWhenReadingsStop() {
        let out = Marble.run(TimeoutFilter(after: .seconds(30), value: 0),
                             [(0, 5), (20, 6), (100, 7)], until: 200)
        // Quiet after 20: 0 at 50, once; 7 at 100, quiet again: 0 at 130.
        #expect(out == timeline([(0, 5), (20, 6), (50, 0), (100, 7), (130, 0)]))
    }

    @Test func timeoutWithoutAValueMarksTheChannelUnavailable() {
        let out = Marble.run(TimeoutFilter(after: .seconds(30)), [(0, 5)], until: 100)
        #expect(out.count == 2)
        #expect(out.last?.seconds == 30 && out.last?.value.isNaN == true)
    }

    @Test func orPassesWhenAnyPolicyPassesAndKeepsEveryPolicysState() {
        let filter = OrFilter([ThrottleFilter(period: .seconds(60)), DeltaFilter(threshold: 1)])
        let out = Marble.run(filter, [(0, 20), (10, 20.5), (20, 21.5), (30, 21.6), (61, 21.7), (70, 21.8)])
        // 0: both; 20: delta (20 -> 21.5); 61: throttle (60 after 0). 21.7 is the delta's
        // value too, but delta saw 21.7 - 21.5 < 1 and keeps 21.5 as its reference.
        #expect(out == timeline([(0, 20), (20, 21.5), (61, 21.7)]))
    }

    @Test func orRunsTheTimersOfItsPolicies() {
        let filter = OrFilter([DeltaFilter(threshold: 5), HeartbeatFilter(period: .seconds(10))])
        let out = Marble.run(filter, [(0, 1), (3, 2)], until: 25)
        #expect(out == timeline([(0, 1), (3, 2), (13, 2), (23, 2)]))
    }

    @Test func aChainHandsWhatATimerEmitsToTheFiltersAfterIt() {
        var chain = ChannelChain(filters: [TimeoutFilter(after: .seconds(5), value: 10), MultiplyFilter(factor: 3)],
                                 windows: [])
        var out: [Reading] = []
        chain.process(.at(0, 1), state: { out.append($0) }, window: { _ in })
        #expect(chain.deadline == .s(5))
        chain.poll(now: .s(5), state: { out.append($0) }, window: { _ in })
        #expect(out == [Reading(value: 3, timestamp: .s(0)), Reading(value: 30, timestamp: .s(5))])
        #expect(chain.deadline == nil)
    }
}
