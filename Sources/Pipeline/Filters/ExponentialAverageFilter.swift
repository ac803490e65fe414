import SensorgateCore

/// `{ exponential_average: { alpha: 0.1, every: 1 } }`: `average = alpha * value + (1 -
/// alpha) * average`, seeded with the first reading, emitted every `every` readings and
/// stamped with the latest reading's timestamp. NaN readings are skipped (they neither
/// move the average nor count toward `every`).
public struct ExponentialAverageFilter: ConfigurableFilter {
    public let alpha: Double
    public let every: Int

    @usableFromInline var average: Double
    @usableFromInline var sinceEmission: Int

    public init(alpha: Double, every: Int = 1) {
        self.alpha = Swift.min(1, Swift.max(0, alpha))
        self.every = Swift.max(1, every)
        average = .nan
        sinceEmission = 0
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        let value = reading.value
        if value.isNaN { return nil }
        average = average.isNaN ? value : alpha * value + (1 - alpha) * average
        sinceEmission += 1
        guard sinceEmission >= every else { return nil }
        sinceEmission = 0
        return Reading(value: average, timestamp: reading.timestamp)
    }
}

extension ExponentialAverageFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("alpha", .number(Double.leastNonzeroMagnitude...1), required: true),
         FilterParameter("every", .integer(1...1000), default: .integer(1))],
        example: "{ exponential_average: { alpha: 0.1, every: 5 } }")

    public init(settings: FilterSettings) {
        self.init(alpha: settings.number("alpha") ?? 1, every: settings.integer("every") ?? 1)
    }

    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        input.map { $0 * Int64(settings.integer("every") ?? 1) }
    }
}
