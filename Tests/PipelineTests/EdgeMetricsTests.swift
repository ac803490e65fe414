import Pipeline
import SensorgateCore
import Testing

@Suite("EdgeMetrics")
struct EdgeMetricsTests {
    /// Monotonic origin 100 s, UTC offset chosen so that monotonic 100 s is a UTC boundary.
    let base: Int64 = 100_000_000_000
    var offset: Int64 { 1_700_000_000_000_000_000 - base }

    func t(_ milliseconds: Int64) -> Timestamp { Timestamp(nanoseconds: UInt64(base + milliseconds * 1_000_000)) }

    @Test("a 4 Hz square wave with 25 % duty: frequency, duty cycle and pulse widths per period")
    func squareWave() {
        var metrics = EdgeMetrics(every: .seconds(1), utcOffset: offset)
        metrics.start(level: false, at: t(0))
        var periods: [EdgeMetricsPeriod] = []
        // Rises every 250 ms, each pulse 62.5 ms... use whole ms: high 60 ms of every 250 ms.
        for index in 0..<8 {
            let rise = Int64(index) * 250 + 10
            periods += metrics.edge(to: true, at: t(rise))
            periods += metrics.edge(to: false, at: t(rise + 60))
        }
        periods += metrics.poll(now: t(2_000))
        #expect(periods.count == 2)
        for period in periods {
            #expect(period.risingEdges == 4)
            #expect(period.frequency == 4)
            #expect(abs(period.dutyCycle - 24) < 1e-9, "4 × 60 ms of 1 s")
            #expect(period.pulseWidths.map(\.0) == [.mean, .min, .max, .count])
            #expect(abs(period.pulseWidths[0].1 - 0.06) < 1e-12)
            #expect(period.pulseWidths[3].1 == 4)
        }
        #expect(periods[0].start == t(0) && periods[0].end == t(1_000))
    }

    @Test("a pulse across a boundary: its active time is split, its width counts where it ends")
    func spanningPulse() {
        var metrics = EdgeMetrics(every: .seconds(1), pulseStatistics: [.max], utcOffset: offset)
        metrics.start(level: false, at: t(0))
        #expect(metrics.edge(to: true, at: t(900)).isEmpty)
        let closed = metrics.edge(to: false, at: t(1_300))
        #expect(closed.count == 1)
        #expect(abs(closed[0].dutyCycle - 10) < 1e-9)
        #expect(closed[0].pulseWidths.isEmpty, "the pulse had not ended yet")
        #expect(closed[0].risingEdges == 1)
        let next = metrics.poll(now: t(2_000))
        #expect(next.count == 1)
        #expect(abs(next[0].dutyCycle - 30) < 1e-9)
        #expect(next[0].risingEdges == 0)
        #expect(next[0].pulseWidths.count == 1 && abs(next[0].pulseWidths[0].1 - 0.4) < 1e-12)
    }

    @Test("quiet periods report 0 Hz with 0 % or 100 % duty; several can close at once")
    func quietPeriods() {
        var metrics = EdgeMetrics(every: .seconds(1), utcOffset: offset)
        metrics.start(level: true, at: t(500))
        let periods = metrics.poll(now: t(3_000))
        #expect(periods.map(\.frequency) == [0, 0, 0])
        #expect(periods.map(\.dutyCycle) == [100, 100, 100])
        #expect(periods.first?.start == t(500), "the first period starts when measuring began")
        #expect(periods[0].end - periods[0].start == .milliseconds(500))
        #expect(metrics.deadline == t(4_000))
    }

    @Test("repeated levels are ignored and late edges are clamped to the last edge")
    func robustness() {
        var metrics = EdgeMetrics(every: .seconds(1), utcOffset: offset)
        metrics.start(level: false, at: t(0))
        _ = metrics.edge(to: false, at: t(100))
        _ = metrics.edge(to: true, at: t(200))
        _ = metrics.edge(to: true, at: t(300))
        let closed = metrics.edge(to: false, at: t(1_200))
        #expect(closed.count == 1 && closed[0].risingEdges == 1)
        #expect(abs(closed[0].dutyCycle - 80) < 1e-9)
        // A rise stamped in the closed period (read late) lands after the last edge, at 1.2 s.
        _ = metrics.edge(to: true, at: t(900))
        let next = metrics.poll(now: t(2_000))
        #expect(next.count == 1)
        #expect(next[0].dutyCycle == 100, "active 1.0-1.2 s (before the fall) and 1.2-2.0 s (after the late rise)")
    }
}
