import SensorgateCore

/// `{ max: 5 }` or `{ max: { size: 5, every: 1 } }`: the largest of the last `size` readings,
/// emitted every `every` readings like ``SlidingAverageFilter``. NaN readings occupy a
/// place but are left out; a window of only NaN emits NaN.
public struct MaximumFilter: ConfigurableFilter {
    @usableFromInline var window: SlidingWindow

    public init(size: Int, every: Int = 1) {
        window = SlidingWindow(size: size, every: every)
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        guard window.push(reading.value) else { return nil }
        return Reading(value: window.extremeNumber { $0 > $1 }, timestamp: reading.timestamp)
    }
}

extension MaximumFilter {
    public static let syntax = FilterSyntax(
        [SlidingWindow.sizeParameter, SlidingWindow.everyParameter],
        shorthand: "size", example: "{ max: { size: 5, every: 1 } }", check: SlidingWindow.everyWithinSize)

    public init(settings: FilterSettings) {
        self.init(size: settings.integer("size") ?? 1, every: settings.integer("every") ?? 1)
    }

    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        SlidingWindow.publishingPeriod(after: input, settings)
    }
}
