import Pipeline
import SensorgateCore
import Testing

/// A filter that is not built in: scales and counts what it sees.
struct ScaleFilter: ReadingFilter {
    var factor: Double
    var seen = 0
    mutating func process(_ reading: Reading) -> Reading? {
        seen += 1
        return Reading(value: reading.value * factor, timestamp: reading.timestamp)
    }
}

@Suite("FilterStage")
struct FilterStageTests {
    @Test func builtInFiltersGetTheirOwnCase() {
        if case .median(let filter) = FilterStage(MedianFilter(size: 7)) { #expect(filter.size == 7) } else {
            Issue.record("median not unwrapped")
        }
        if case .delta(let filter) = FilterStage(DeltaFilter(threshold: 0.5)) { #expect(filter.threshold == 0.5) } else {
            Issue.record("delta not unwrapped")
        }
        if case .slidingAverage(let filter) = FilterStage(SlidingAverageFilter(size: 4, every: 2)) {
            #expect(filter.size == 4 && filter.every == 2)
        } else {
            Issue.record("sliding average not unwrapped")
        }
        if case .custom(let filter) = FilterStage(ScaleFilter(factor: 2)) { #expect(filter is ScaleFilter) } else {
            Issue.record("custom filter not wrapped")
        }
        if case .delta = FilterStage(FilterStage.delta(DeltaFilter(threshold: 1))) {} else {
            Issue.record("a stage was wrapped twice")
        }
    }

    @Test func aStageKeepsItsFiltersState() {
        var median = FilterStage(MedianFilter(size: 3))
        #expect(median.process(.at(0, 1))?.value == 1)
        #expect(median.process(.at(1, 9))?.value == 5)
        #expect(median.process(.at(2, 2))?.value == 2)

        var custom = FilterStage(ScaleFilter(factor: 3))
        #expect(custom.process(.at(0, 2))?.value == 6)
        _ = custom.process(.at(1, 2))
        if case .custom(let filter) = custom { #expect((filter as? ScaleFilter)?.seen == 2) }
    }

    @Test func copiesOfAStageAreIndependent() {
        var original = FilterStage(SlidingAverageFilter(size: 2, every: 1))
        _ = original.process(.at(0, 10))
        var copy = original
        #expect(copy.process(.at(1, 20))?.value == 15)
        #expect(original.process(.at(1, 30))?.value == 20)
        #expect(copy.process(.at(2, 20))?.value == 20)
    }
}
