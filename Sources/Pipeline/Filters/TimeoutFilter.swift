import SensorgateCore

/// `{ timeout: { after: 5m, value: 0 } }`: passes every reading; when none has come for
/// `after`, emits `value` once, stamped with the time it is emitted, and again only after
/// the next reading has come and gone quiet. Without `value` (or `value: unavailable`),
/// it emits NaN, which the gateway publishes as `"value": null`: the channel has no
/// current value. Nothing is emitted before the first reading.
public struct TimeoutFilter: ConfigurableFilter {
    public let after: Interval
    /// NaN for "unavailable".
    public let value: Double

    @usableFromInline var due: Timestamp?

    public init(after: Interval, value: Double = .nan) {
        self.after = after
        self.value = value
        due = nil
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        due = reading.timestamp + after
        return reading
    }

    public var deadline: Timestamp? { due }

    public mutating func poll(now: Timestamp) -> Reading? {
        guard let due, now >= due else { return nil }
        self.due = nil
        return Reading(value: value, timestamp: now)
    }
}

extension TimeoutFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("after", .duration(FilterParameter.periods), required: true),
         FilterParameter("value", .numberOrChoice(["unavailable"]), default: .choice("unavailable"))],
        shorthand: "after", example: "{ timeout: { after: 5m, value: 0 } }")

    public init(settings: FilterSettings) {
        self.init(after: settings.duration("after") ?? .seconds(60), value: settings.number("value") ?? .nan)
    }
}
