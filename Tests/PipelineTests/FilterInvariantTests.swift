import Pipeline
import SensorgateCore
import Testing

/// Invariants over many generated timelines (seeded xorshift, so a failure repeats).
@Suite("Filter invariants")
struct FilterInvariantTests {
    /// Readings at random gaps of 1ms...`maxGap` ms, values in -50...50, NaN when `nanEvery` hits.
    static func timeline(_ random: inout XorShift, count: Int, maxGap: Int, nanEvery: Int? = nil) -> [(Double, Double)] {
        var t = 0.0
        return (0..<count).map { i in
            t += Double(1 + random.next(below: maxGap)) / 1000
            if let nanEvery, i % nanEvery == nanEvery - 1 { return (t, .nan) }
            return (t, Double(random.next(below: 10_001)) / 100 - 50)
        }
    }

    @Test func throttleNeverEmitsTwoValuesCloserThanItsPeriod() {
        var random = XorShift(state: 0x1234_5678)
        for _ in 0..<200 {
            let period = 1 + random.next(below: 2_000)
            let out = Marble.run(ThrottleFilter(period: .milliseconds(period)),
                                 Self.timeline(&random, count: 200, maxGap: 500))
            for (a, b) in zip(out, out.dropFirst()) { #expect(b.seconds - a.seconds >= Double(period) / 1000 - 1e-9) }
        }
    }

    @Test func heartbeatNeverLeavesAGapLongerThanItsPeriodOnceStarted() {
        var random = XorShift(state: 0xBEEF)
        for _ in 0..<200 {
            let period = 1 + random.next(below: 1_000)
            let input = Self.timeline(&random, count: 100, maxGap: 3_000)
            let out = Marble.run(HeartbeatFilter(period: .milliseconds(period)), input, until: input.last!.0)
            #expect(out.count >= input.count)
            for (a, b) in zip(out, out.dropFirst()) { #expect(b.seconds - a.seconds <= Double(period) / 1000 + 1e-9) }
        }
    }

    @Test func filtersNeverEmitNaNFromNumbersUnlessConfiguredTo() {
        var random = XorShift(state: 42)
        let filters: [any ReadingFilter] = [
            OffsetFilter(offset: 3), MultiplyFilter(factor: -2), ClampFilter(minimum: -10, maximum: 10),
            RoundFilter(decimals: 2), RoundToMultipleFilter(multiple: 0.25), MedianFilter(size: 4),
            QuantileFilter(size: 5, quantile: 0.9), MinimumFilter(size: 3), MaximumFilter(size: 3),
            SlidingAverageFilter(size: 6, every: 2), ExponentialAverageFilter(alpha: 0.3),
            ThrottleAverageFilter(period: .milliseconds(300)), HeartbeatFilter(period: .milliseconds(200)),
            DeltaFilter(threshold: 5, percent: true),
            CalibrateLinearFilter(points: [FilterPoint(0, 1), FilterPoint(1, 3), FilterPoint(2, 4)]),
        ]
        for filter in filters {
            let input = Self.timeline(&random, count: 300, maxGap: 200)
            let out = Marble.run(filter, input, until: input.last!.0 + 1)
            #expect(!out.contains { $0.value.isNaN }, "\(type(of: filter))")
        }
        // NaN readings in the window are left out, so a window holding any number is not NaN.
        let mixed = Self.timeline(&random, count: 300, maxGap: 200, nanEvery: 3)
        for filter in [MedianFilter(size: 3), QuantileFilter(size: 3, quantile: 0.5)] as [any ReadingFilter] {
            #expect(!Marble.run(filter, mixed).contains { $0.value.isNaN })
        }
        #expect(!Marble.run(FilterOutFilter(values: [.nan]), mixed).contains { $0.value.isNaN })
    }

    @Test func calibrateReproducesItsPoints() {
        var random = XorShift(state: 7)
        for _ in 0..<200 {
            let x0 = Double(random.next(below: 1000)) - 500, x1 = x0 + 1 + Double(random.next(below: 1000))
            let y0 = Double(random.next(below: 2000)) / 10, y1 = Double(random.next(below: 2000)) / 10
            var linear = CalibrateLinearFilter(points: [FilterPoint(x0, y0), FilterPoint(x1, y1)])
            #expect(close(linear.process(Reading(value: x0, timestamp: .s(0)))!.value, y0, tolerance: 1e-9 * 1000))
            #expect(close(linear.process(Reading(value: x1, timestamp: .s(1)))!.value, y1, tolerance: 1e-9 * 1000))
            // Three points, degree 2: the parabola through all three.
            let x2 = x1 + 1 + Double(random.next(below: 1000)), y2 = Double(random.next(below: 2000)) / 10
            let points = [FilterPoint(x0, y0), FilterPoint(x1, y1), FilterPoint(x2, y2)]
            var polynomial = CalibratePolynomialFilter(settings: FilterSettings(["degree": .integer(2), "points": .points(points)]))
            for point in points {
                let value = polynomial.process(Reading(value: point.x, timestamp: .s(0)))!.value
                #expect(close(value, point.y, tolerance: 1e-6), "\(points) at \(point.x): \(value)")
            }
        }
    }
}
