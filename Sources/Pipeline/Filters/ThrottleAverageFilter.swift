import SensorgateCore

/// `{ throttle_average: 1m }`: the mean of the readings of each period, emitted once at
/// the period's end. A period opens with the first reading after an emission and ends
/// `period` later (source time); the mean is emitted by the event loop's timer at the
/// end, stamped with the end, or, if a reading at or past the end comes first, before
/// that reading opens the next period. A period with no numbers (only NaN) emits
/// nothing; nothing is emitted between readings that stopped.
public struct ThrottleAverageFilter: ConfigurableFilter {
    public let period: Interval

    @usableFromInline var sum: Double
    @usableFromInline var count: Int
    @usableFromInline var periodEnd: Timestamp?

    public init(period: Interval) {
        self.period = period
        sum = 0
        count = 0
        periodEnd = nil
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        var emitted: Reading? = nil
        if let end = periodEnd, reading.timestamp >= end { emitted = close() }
        if periodEnd == nil { periodEnd = reading.timestamp + period }
        if !reading.value.isNaN {
            sum += reading.value
            count += 1
        }
        return emitted
    }

    public var deadline: Timestamp? { periodEnd }

    public mutating func poll(now: Timestamp) -> Reading? {
        guard let end = periodEnd, now >= end else { return nil }
        return close()
    }

    /// The open period's mean, stamped with its end; empties it.
    @usableFromInline
    mutating func close() -> Reading? {
        let result = count == 0 ? nil : periodEnd.map { Reading(value: sum / Double(count), timestamp: $0) }
        sum = 0
        count = 0
        periodEnd = nil
        return result
    }
}

extension ThrottleAverageFilter {
    public static let syntax = FilterSyntax([FilterParameter("period", .duration(FilterParameter.periods), required: true)],
                                            shorthand: "period", example: "{ throttle_average: 1m }")

    public init(settings: FilterSettings) { self.init(period: settings.duration("period") ?? .seconds(1)) }

    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        guard let input, let period = settings.duration("period") else { return input }
        return Swift.max(input, period)
    }
}
