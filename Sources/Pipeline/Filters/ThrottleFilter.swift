import SensorgateCore

/// `{ throttle: 10s }`: passes a reading only if at least the period has gone by (in
/// source time) since the last one it passed; the first reading passes. A reading older
/// than the last passed one (out of order) is dropped.
public struct ThrottleFilter: ConfigurableFilter {
    public let period: Interval
    @usableFromInline var lastPassed: Timestamp?

    public init(period: Interval) {
        self.period = period
        lastPassed = nil
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        if let last = lastPassed, reading.timestamp < last + period { return nil }
        lastPassed = reading.timestamp
        return reading
    }
}

extension ThrottleFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("period", .duration(FilterParameter.periods), required: true)],
        shorthand: "period", example: "{ throttle: 10s }")

    public init(settings: FilterSettings) { self.init(period: settings.duration("period") ?? .seconds(1)) }

    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        guard let input, let period = settings.duration("period") else { return input }
        // The first reading at or after `period` passes: a whole number of inputs.
        let inputs = (period.nanoseconds + input.nanoseconds - 1) / Swift.max(1, input.nanoseconds)
        return input * Swift.max(1, inputs)
    }
}
