import Pipeline
import PropertyBased
import SensorgateCore
import Testing

/// Invariants of the filters over generated timelines (swift-property-based: a failure
/// prints its seed and the shrunk input). A timeline is readings at gaps of 1 ms and up,
/// each value a number in -50...50.
@Suite("Filter properties")
struct FilterProperties {
    @Test("throttle never emits two values closer than its period")
    func throttleSpacing() async {
        await propertyCheck(count: 200, input: Gen.int(in: 1...2_000), Timelines.readings(count: 1...200, maxGap: 500)) { period, input in
            let out = Marble.run(ThrottleFilter(period: .milliseconds(period)), input)
            for (a, b) in zip(out, out.dropFirst()) { #expect(b.seconds - a.seconds >= Double(period) / 1000 - 1e-9) }
        }
    }

    @Test("heartbeat never leaves a gap longer than its period once started, and drops nothing")
    func heartbeatGaps() async {
        await propertyCheck(count: 200, input: Gen.int(in: 1...1_000), Timelines.readings(count: 1...100, maxGap: 3_000)) { period, input in
            let out = Marble.run(HeartbeatFilter(period: .milliseconds(period)), input, until: input.last!.0)
            #expect(out.count >= input.count)
            for (a, b) in zip(out, out.dropFirst()) { #expect(b.seconds - a.seconds <= Double(period) / 1000 + 1e-9) }
        }
    }

    /// Every filter that turns numbers into numbers, as a profile might configure it.
    static let numericFilters: [@Sendable () -> any ReadingFilter] = [
        { OffsetFilter(offset: 3) }, { MultiplyFilter(factor: -2) }, { ClampFilter(minimum: -10, maximum: 10) },
        { RoundFilter(decimals: 2) }, { RoundToMultipleFilter(multiple: 0.25) }, { MedianFilter(size: 4) },
        { QuantileFilter(size: 5, quantile: 0.9) }, { MinimumFilter(size: 3) }, { MaximumFilter(size: 3) },
        { SlidingAverageFilter(size: 6, every: 2) }, { ExponentialAverageFilter(alpha: 0.3) },
        { ThrottleAverageFilter(period: .milliseconds(300)) }, { HeartbeatFilter(period: .milliseconds(200)) },
        { DeltaFilter(threshold: 5, percent: true) },
        { CalibrateLinearFilter(points: [FilterPoint(0, 1), FilterPoint(1, 3), FilterPoint(2, 4)]) },
    ]

    @Test("no filter emits NaN from numbers")
    func noNaNFromNumbers() async {
        await propertyCheck(count: 100, input: Gen.int(in: 0...(Self.numericFilters.count - 1)), Timelines.readings(count: 1...300, maxGap: 200)) { index, input in
            let filter = Self.numericFilters[index]()
            let out = Marble.run(filter, input, until: input.last!.0 + 1)
            #expect(!out.contains { $0.value.isNaN }, "\(type(of: filter))")
        }
    }

    @Test("windows holding any number are not NaN though some readings are; filter_out NaN removes them all")
    func nanReadingsLeftOut() async {
        let mixed = zip(Timelines.readings(count: 1...300, maxGap: 200), Gen.int(in: 2...5)).map { input, every in
            input.enumerated().map { index, reading in index % every == every - 1 ? (reading.0, Double.nan) : reading }
        }
        await propertyCheck(count: 100, input: mixed) { input in
            for filter in [MedianFilter(size: 3), QuantileFilter(size: 3, quantile: 0.5)] as [any ReadingFilter] {
                #expect(!Marble.run(filter, input).contains { $0.value.isNaN }, "\(type(of: filter))")
            }
            #expect(!Marble.run(FilterOutFilter(values: [.nan]), input).contains { $0.value.isNaN })
        }
    }

    @Test("calibrate_linear through two points and calibrate_polynomial of degree 2 through three reproduce their points")
    func calibrationsReproduceTheirPoints() async {
        let points = zip(Gen.double(in: -500...500), Gen.double(in: 1...1_000), Gen.double(in: 1...1_000),
                         zip(Gen.double(in: 0...200), Gen.double(in: 0...200), Gen.double(in: 0...200)))
        await propertyCheck(count: 200, input: points) { x0, step1, step2, ys in
            let x1 = x0 + step1, x2 = x1 + step2
            var linear = CalibrateLinearFilter(points: [FilterPoint(x0, ys.0), FilterPoint(x1, ys.1)])
            #expect(close(linear.process(Reading(value: x0, timestamp: .s(0)))!.value, ys.0, tolerance: 1e-6))
            #expect(close(linear.process(Reading(value: x1, timestamp: .s(1)))!.value, ys.1, tolerance: 1e-6))
            let three = [FilterPoint(x0, ys.0), FilterPoint(x1, ys.1), FilterPoint(x2, ys.2)]
            var polynomial = CalibratePolynomialFilter(settings: FilterSettings(["degree": .integer(2), "points": .points(three)]))
            for point in three {
                let value = polynomial.process(Reading(value: point.x, timestamp: .s(0)))!.value
                #expect(close(value, point.y, tolerance: 1e-5), "\(three) at \(point.x): \(value)")
            }
        }
    }
}
