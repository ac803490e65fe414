import Pipeline
import SensorgateCore
import Testing

/// Rates from pulse timestamps, as timelines: pulses at seconds, one `close()` per period end.
@Suite("PulseRate")
struct PulseRateTests {
    /// Feeds `pulses` (seconds) and closes a period at each of `ends`; the rates in order.
    func rates(_ pulses: [Double], ends: [Double], scale: Double = 1, per: Interval = .seconds(60)) -> [Double?] {
        var meter = PulseRate(scale: scale, per: per)
        var out: [Double?] = []
        var remaining = pulses[...]
        for end in ends {
            while let next = remaining.first, next < end {
                meter.pulse(at: Marble.timestamp(next))
                remaining.removeFirst()
            }
            out.append(meter.close())
        }
        return out
    }

    @Test func aSteadyPulseReadsTheSameInEveryPeriod() {
        // One pulse every 7s, 10s periods: counts would alternate 1, 2, 1, 2...
        let pulses = stride(from: 3.0, to: 60, by: 7).map { $0 }
        let out = rates(pulses, ends: [10, 20, 30, 40, 50])
        // The first period holds 3 and 10-: only one pulse, no interval yet.
        #expect(out[0] == nil)
        for rate in out.dropFirst() { #expect(rate.map { close($0, 60.0 / 7, tolerance: 1e-9) } == true) }
    }

    @Test func flowMeterLitresPerMinute() {
        // 450 pulses per litre; 45 pulses in a 10s period after pulses the period before:
        // 0.1 L in the span since the last earlier pulse.
        var meter = PulseRate(scale: 1.0 / 450, per: .seconds(60))
        meter.pulse(at: .ms(9_800))
        _ = meter.close()
        for i in 1...45 { meter.pulse(at: .ms(9_800 + Int64(i) * 200)) }
        // 45 intervals of 0.2s = 9s for 0.1 L: 0.6667 L/min.
        #expect(close(meter.close()!, 0.1 / 9 * 60, tolerance: 1e-9))
    }

    @Test func aPeriodWithoutPulsesIsZeroAndStartsAFreshSpan() {
        let out = rates([1, 2, 3, 31, 33], ends: [10, 20, 30, 40], per: .seconds(1))
        // [0,10): 2 intervals over 2s; [10,20) and [20,30): 0; [30,40): no pulse in the
        // period before, so 31 starts the span: 1 interval over 2s.
        #expect(out == [1, 0, 0, 0.5])
    }

    @Test func pulsesAtTheSameInstantGiveNoRate() {
        #expect(rates([5, 5], ends: [10]) == [nil])
    }
}
