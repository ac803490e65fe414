import SensorgateCore

/// `{ sliding_average: { size: S, every: E } }`: the mean of the last `size` readings,
/// emitted once every `every` readings and stamped with the latest reading's timestamp.
///
/// The first emission comes after `every` readings, averaging fewer than `size` values
/// if the window is not full yet. NaN readings occupy a place in the window but are left
/// out of the mean; a window of only NaN emits NaN. The mean is summed afresh at each
/// emission (no running sum that drifts), which costs `size / every` additions per reading.
public struct SlidingAverageFilter: ConfigurableFilter {
    @usableFromInline var window: SlidingWindow

    /// Readings averaged (at least 1).
    public var size: Int { window.values.capacity }
    /// Readings between emissions (at least 1).
    public var every: Int { window.every }

    /// Values below 1 are treated as 1.
    public init(size: Int, every: Int) {
        window = SlidingWindow(size: size, every: every)
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        guard window.push(reading.value) else { return nil }
        return Reading(value: mean, timestamp: reading.timestamp)
    }

    /// The mean of the non-NaN values in the window; NaN if there are none.
    @inlinable
    public var mean: Double {
        var sum = 0.0
        var n = 0
        for i in 0..<window.values.count {
            let value = window.values[i]
            if !value.isNaN {
                sum += value
                n += 1
            }
        }
        return n == 0 ? .nan : sum / Double(n)
    }
}

extension SlidingAverageFilter {
    public static let syntax = FilterSyntax(
        [SlidingWindow.sizeParameter, SlidingWindow.everyParameter],
        shorthand: "size", example: "{ sliding_average: { size: 10, every: 5 } }", check: SlidingWindow.everyWithinSize)

    public init(settings: FilterSettings) {
        self.init(size: settings.integer("size") ?? 1, every: settings.integer("every") ?? 1)
    }

    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        SlidingWindow.publishingPeriod(after: input, settings)
    }
}

extension FilterConfiguration {
    public static func slidingAverage(size: Int, every: Int) -> FilterConfiguration {
        FilterConfiguration("sliding_average", FilterSettings(["size": .integer(size), "every": .integer(every)]))
    }
}
