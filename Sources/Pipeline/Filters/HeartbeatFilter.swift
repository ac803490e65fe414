import SensorgateCore

/// `{ heartbeat: 5m }`: passes every reading, and when none has passed for the period,
/// sends the last one again, stamped with the time it is sent, then again every period
/// while none arrives. Behind `delta` this publishes on change or at least every period.
/// Nothing is sent before the first reading; NaN readings pass but are neither a beat
/// nor repeated.
public struct HeartbeatFilter: ConfigurableFilter {
    public let period: Interval

    @usableFromInline var last: Double?
    @usableFromInline var due: Timestamp?

    public init(period: Interval) {
        self.period = period
        last = nil
        due = nil
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        // NaN is not published: it neither counts as a beat nor is sent again.
        guard !reading.value.isNaN else { return reading }
        last = reading.value
        due = reading.timestamp + period
        return reading
    }

    public var deadline: Timestamp? { due }

    public mutating func poll(now: Timestamp) -> Reading? {
        guard let value = last, let due, now >= due else { return nil }
        self.due = now + period
        return Reading(value: value, timestamp: now)
    }
}

extension HeartbeatFilter {
    public static let syntax = FilterSyntax([FilterParameter("period", .duration(FilterParameter.periods), required: true)],
                                            shorthand: "period", example: "{ heartbeat: 5m }")

    public init(settings: FilterSettings) { self.init(period: settings.duration("period") ?? .seconds(60)) }

    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        guard let period = settings.duration("period") else { return input }
        return input.map { Swift.min($0, period) } ?? period
    }
}
