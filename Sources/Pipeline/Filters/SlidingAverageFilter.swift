import SensorgateCore

/// `{ sliding_average: { size: S, every: E } }`: the mean of the last `size` readings,
/// emitted once every `every` readings and stamped with the latest reading's timestamp.
///
/// The first emission comes after `every` readings, averaging fewer than `size` values
/// if the window is not full yet. NaN readings occupy a place in the window but are left
/// out of the mean; a window of only NaN emits NaN. The mean is summed afresh at each
/// emission (no running sum that drifts), which costs `size / every` additions per reading.
public struct SlidingAverageFilter: ConfigurableFilter {
    /// Readings averaged (at least 1).
    public let size: Int
    /// Readings between emissions (at least 1).
    public let every: Int

    @usableFromInline var window: RingBuffer
    @usableFromInline var sinceEmission: Int

    /// Values below 1 are treated as 1.
    public init(size: Int, every: Int) {
        self.size = Swift.max(1, size)
        self.every = Swift.max(1, every)
        window = RingBuffer(capacity: self.size)
        sinceEmission = 0
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        _ = window.push(reading.value)
        sinceEmission += 1
        guard sinceEmission >= every else { return nil }
        sinceEmission = 0
        return Reading(value: mean, timestamp: reading.timestamp)
    }

    /// The mean of the non-NaN values in the window; NaN if there are none.
    @inlinable
    public var mean: Double {
        var sum = 0.0
        var n = 0
        for i in 0..<window.count {
            let value = window[i]
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
        [FilterParameter("size", .integer(1...1000), required: true),
         FilterParameter("every", .integer(1...1000), default: .integer(1))],
        shorthand: "size", example: "{ sliding_average: { size: 10, every: 5 } }",
        check: { settings in
            guard let size = settings.integer("size"), let every = settings.integer("every"), every > size else { return nil }
            return FilterSettingsProblem(at: "every", "every (\(every)) must not exceed size (\(size))")
        })

    public init(settings: FilterSettings) {
        self.init(size: settings.integer("size") ?? 1, every: settings.integer("every") ?? 1)
    }

    /// One value per `every` readings.
    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        input.map { $0 * Int64(settings.integer("every") ?? 1) }
    }
}

extension FilterConfiguration {
    public static func slidingAverage(size: Int, every: Int) -> FilterConfiguration {
        FilterConfiguration("sliding_average", FilterSettings(["size": .integer(size), "every": .integer(every)]))
    }
}
