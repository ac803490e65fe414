import Pipeline
import SensorgateCore
import Testing

/// Drives a counter as the event loop does: the timer armed for `deadline` fires before
/// a later pulse is handled, and keeps firing until `until`.
func drive(_ counter: inout PulseCounter, pulses: [Timestamp], until: Timestamp) -> [PulseTotal] {
    var totals: [PulseTotal] = []
    for pulse in pulses {
        while let deadline = counter.deadline, deadline <= pulse, let total = counter.poll(now: deadline) {
            totals.append(total)
        }
        if let total = counter.pulse(at: pulse) { totals.append(total) }
    }
    while let deadline = counter.deadline, deadline <= until, let total = counter.poll(now: deadline) {
        totals.append(total)
    }
    return totals
}

func total(_ count: Int, _ start: Int64, _ end: Int64, scale: Double = 1) -> PulseTotal {
    PulseTotal(count: count, value: Double(count) * scale, start: .s(start), end: .s(end))
}

@Suite("PulseCounter")
struct PulseCounterTests {
    @Test func everyPeriodIsPublishedIncludingZeros() {
        var counter = PulseCounter(every: .seconds(10), scale: 1, utcOffset: 0)
        #expect(counter.deadline == nil)
        counter.start(at: .s(3))
        #expect(counter.deadline == .s(10))
        let totals = drive(&counter, pulses: [.s(4), .ms(5_500), .ms(9_999), .s(10), .s(25)], until: .s(40))
        #expect(totals == [total(3, 3, 10), total(1, 10, 20), total(1, 20, 30), total(0, 30, 40)])
    }

    @Test func valueIsCountTimesScale() {
        var counter = PulseCounter(every: .seconds(60), scale: 0.2794, utcOffset: 0)
        counter.start(at: .s(0))
        let totals = drive(&counter, pulses: [.s(1), .s(2), .s(3)], until: .s(120))
        #expect(totals.map(\.count) == [3, 0])
        #expect(totals.map(\.value) == [3 * 0.2794, 0])
        #expect(close(totals[0].value, 0.8382))
    }

    @Test func pollCatchesUpSeveralPeriods() {
        var counter = PulseCounter(every: .seconds(10), scale: 1, utcOffset: 0)
        counter.start(at: .s(0))
        _ = counter.pulse(at: .s(1))
        var totals: [PulseTotal] = []
        while let total = counter.poll(now: .s(45)) { totals.append(total) }
        #expect(totals == [total(1, 0, 10), total(0, 10, 20), total(0, 20, 30), total(0, 30, 40)])
        #expect(counter.deadline == .s(50))
    }

    @Test func pulsesPastTheOpenPeriodAreKeptForTheirOwnPeriods() {
        // The loop fell behind: pulses at 35s, 36s and 57s arrive before any poll.
        var counter = PulseCounter(every: .seconds(10), scale: 1, utcOffset: 0)
        counter.start(at: .s(0))
        #expect(counter.pulse(at: .s(1)) == nil)
        #expect(counter.pulse(at: .s(2)) == nil)
        #expect(counter.pulse(at: .s(35)) == total(2, 0, 10))
        #expect(counter.pulse(at: .s(36)) == total(0, 10, 20))
        #expect(counter.pulse(at: .s(57)) == total(0, 20, 30))
        var totals: [PulseTotal] = []
        while let total = counter.poll(now: .s(60)) { totals.append(total) }
        #expect(totals == [total(2, 30, 40), total(0, 40, 50), total(1, 50, 60)])
        #expect(counter.deadline == .s(70))
    }

    @Test func periodsAreAlignedToUTC() {
        // Monotonic 0 is UTC 7s: 10s periods end at monotonic 3s, 13s, 23s.
        var counter = PulseCounter(every: .seconds(10), scale: 1, utcOffset: 7 * second)
        counter.start(at: .s(0))
        #expect(counter.deadline == .s(3))
        let totals = drive(&counter, pulses: [.s(2), .s(3), .s(4)], until: .s(23))
        #expect(totals == [total(1, 0, 3), total(2, 3, 13), total(0, 13, 23)])
    }

    @Test func aPulseBeforeStartStartsTheCounter() {
        var counter = PulseCounter(every: .seconds(10), scale: 2, utcOffset: 0)
        #expect(counter.pulse(at: .s(4)) == nil)
        #expect(counter.deadline == .s(10))
        #expect(counter.poll(now: .s(10)) == total(1, 4, 10, scale: 2))
    }

    @Test func aLatePulseCountsInTheOpenPeriod() {
        // The timer closed [0, 10) before the edge stamped 9.9s was read.
        var counter = PulseCounter(every: .seconds(10), scale: 1, utcOffset: 0)
        counter.start(at: .s(0))
        #expect(counter.poll(now: .s(10)) == total(0, 0, 10))
        #expect(counter.pulse(at: .ms(9_900)) == nil)
        #expect(counter.poll(now: .s(20)) == total(1, 10, 20))
    }

    @Test func startDropsTheEarlierCount() {
        var counter = PulseCounter(every: .seconds(10), scale: 1, utcOffset: 0)
        counter.start(at: .s(0))
        _ = counter.pulse(at: .s(1))
        counter.start(at: .s(2))
        #expect(counter.poll(now: .s(10)) == total(0, 2, 10))
    }

    @Test func aNewUTCOffsetRealignsFromTheNextPeriodWithoutLosingPulses() {
        var counter = PulseCounter(every: .seconds(10), scale: 1, utcOffset: 0)
        counter.start(at: .s(0))
        counter.utcOffset = 4 * second
        let totals = drive(&counter, pulses: [.s(5), .s(12), .s(14)], until: .s(26))
        // [10s, 16s) is short: it ends at the next UTC boundary under the new offset.
        #expect(totals == [total(1, 0, 10), total(2, 10, 16), total(0, 16, 26)])
    }
}
