import SensorgateCore

/// `{ max: 5 }` or `{ max: { size: 5, every: 1 } }`: the largest of the last `size` readings,
/// emitted every `every` readings like ``SlidingAverageFilter``. NaN readings occupy a
/// place but are left out; a window of only NaN emits NaN.
public struct MaximumFilter: ConfigurableFilter {
    public let size: Int
    public let every: Int

    @usableFromInline var window: RingBuffer
    @usableFromInline var sinceEmission: Int

    public init(size: Int, every: Int = 1) {
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
        var result = Double.nan
        for i in 0..<window.count {
            let value = window[i]
            if !value.isNaN && (result.isNaN || value > result) { result = value }
        }
        return Reading(value: result, timestamp: reading.timestamp)
    }
}

extension MaximumFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("size", .integer(1...1000), required: true),
         FilterParameter("every", .integer(1...1000), default: .integer(1))],
        shorthand: "size", example: "{ max: { size: 5, every: 1 } }",
        check: { settings in
            guard let size = settings.integer("size"), let every = settings.integer("every"), every > size else { return nil }
            return FilterSettingsProblem(at: "every", "every (\(every)) must not exceed size (\(size))")
        })

    public init(settings: FilterSettings) {
        self.init(size: settings.integer("size") ?? 1, every: settings.integer("every") ?? 1)
    }

    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        input.map { $0 * Int64(settings.integer("every") ?? 1) }
    }
}
