import Pipeline
import SensorgateCore
import Testing

/// The filters that transform or select values without a clock.
@Suite("Value filters")
struct ValueFilterTests {
    func values(_ filter: some ReadingFilter, _ input: [Double]) -> [Double] {
        Marble.run(filter, input.enumerated().map { (Double($0.offset), $0.element) }).map(\.value)
    }

    @Test func offsetAndMultiply() {
        #expect(values(OffsetFilter(offset: -1.5), [20, 0]) == [18.5, -1.5])
        #expect(values(MultiplyFilter(factor: 1.8), [10, -5]) == [18, -9])
        #expect(values(OffsetFilter(offset: 1), [.nan]).first?.isNaN == true)
    }

    @Test func calibrateLinearGoesThroughTwoPoints() {
        var filter = CalibrateLinearFilter(points: [FilterPoint(0, 1), FilterPoint(10, 21)])
        #expect(close(filter.slope, 2) && close(filter.intercept, 1))
        #expect(close(filter.process(.at(0, 5))!.value, 11))
    }

    @Test func calibrateLinearFitsLeastSquaresOverMorePoints() {
        let points = [FilterPoint(0, 2), FilterPoint(1, 2), FilterPoint(2, 6), FilterPoint(3, 6)]
        let filter = CalibrateLinearFilter(points: points)
        // x̄ = 1.5, ȳ = 4: slope = Σ(x-x̄)(y-ȳ) / Σ(x-x̄)² = 8 / 5, intercept = 4 - 1.6 * 1.5.
        #expect(close(filter.slope, 1.6) && close(filter.intercept, 1.6))
    }

    @Test func calibratePolynomialThroughThreePoints() {
        // y = x² - 2x + 3 through x = 0, 1, 4 (values 3, 2, 11), sensor range in the hundreds.
        let points = [FilterPoint(0, 3), FilterPoint(1, 2), FilterPoint(4, 11)]
        var filter = CalibratePolynomialFilter(settings: FilterSettings([
            "degree": .integer(2), "points": .points(points)]))
        #expect(close(filter.coefficients[0], 3, tolerance: 1e-9))
        #expect(close(filter.coefficients[1], -2, tolerance: 1e-9))
        #expect(close(filter.coefficients[2], 1, tolerance: 1e-9))
        #expect(close(filter.process(.at(0, 10))!.value, 83, tolerance: 1e-9))
    }

    @Test func clampMovesOrDrops() {
        #expect(values(ClampFilter(minimum: 0, maximum: 100), [-5, 50, 150]) == [0, 50, 100])
        #expect(values(ClampFilter(minimum: 0, maximum: 100, drops: true), [-5, 50, 150]) == [50])
        #expect(values(ClampFilter(maximum: 10), [-1e9, 11]) == [-1e9, 10])
    }

    @Test func roundHalvesAwayFromZero() {
        #expect(values(RoundFilter(decimals: 1), [21.25, -21.25, 21.24, 3]) == [21.3, -21.3, 21.2, 3])
        #expect(values(RoundFilter(decimals: 0), [2.5, -0.4]) == [3, -0])
        #expect(values(RoundToMultipleFilter(multiple: 0.5), [21.24, 21.25, 21.76]) == [21, 21.5, 22])
    }

    @Test func filterOutDropsExactValuesAndNaNWhenAsked() {
        #expect(values(FilterOutFilter(values: [85, 0]), [85, 85.1, 0, 20]) == [85.1, 20])
        let kept = values(FilterOutFilter(values: [85]), [.nan, 1])
        #expect(kept.count == 2 && kept[0].isNaN)
        #expect(values(FilterOutFilter(values: [.nan]), [.nan, 1, .nan]) == [1])
    }

    @Test func quantileByNearestRank() {
        // Window of 5: sorted 1 2 3 4 100; q 0.9 -> rank ceil(4.5) = 5 -> 100; q 0.5 -> rank 3 -> 3.
        let input: [Double] = [3, 1, 100, 2, 4]
        #expect(values(QuantileFilter(size: 5, quantile: 0.9), input).last == 100)
        #expect(values(QuantileFilter(size: 5, quantile: 0.5), input).last == 3)
        #expect(values(QuantileFilter(size: 5, quantile: 0), input).last == 1)
        #expect(values(QuantileFilter(size: 3, quantile: 1, every: 2), input) == [3, 100])
    }

    @Test func minAndMaxOfTheLastReadings() {
        let input: [Double] = [5, 3, .nan, 8, 1, 9]
        #expect(values(MinimumFilter(size: 3), input) == [5, 3, 3, 3, 1, 1])
        #expect(values(MaximumFilter(size: 3), input) == [5, 5, 5, 8, 8, 9])
        #expect(values(MaximumFilter(size: 2, every: 2), input) == [5, 8, 9])
    }

    @Test func exponentialAverageSeedsWithTheFirstReading() {
        #expect(values(ExponentialAverageFilter(alpha: 0.5), [10, 20, .nan, 20]) == [10, 15, 17.5])
        #expect(values(ExponentialAverageFilter(alpha: 0.5, every: 2), [10, 20, 20, 20]) == [15, 18.75])
    }

    @Test func skipInitialDropsTheFirstReadings() {
        #expect(values(SkipInitialFilter(count: 2), [1, 2, 3, 4]) == [3, 4])
    }

    @Test func deltaByPercentOfTheLastPassedValue() {
        #expect(values(DeltaFilter(threshold: 10, percent: true), [100, 109, 110, 120, 132]) == [100, 110, 132])
        #expect(values(DeltaFilter(threshold: 10, percent: true), [0, 0, 0.001]) == [0, 0.001])
    }
}
