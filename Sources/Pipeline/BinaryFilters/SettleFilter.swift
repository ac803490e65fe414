import SensorgateCore

/// `- settle: 100ms`: passes a change at once, then holds off further changes until the
/// input has stayed unchanged for the period; when the hold-off ends, the level the input
/// has then is passed if it differs from the one published (stamped when the hold-off
/// ended). Unlike a debounce the first change is not delayed; like one, chatter after it
/// publishes nothing until the line has settled.
///
/// A change exactly at the end of the hold-off comes after it: the hold-off has ended,
/// so the change passes at once and starts a new one.
public struct SettleFilter: ConfigurableBinaryFilter {
    public let period: Interval

    @usableFromInline var output: Bool = false
    /// The input's latest level.
    @usableFromInline var latest: Bool = false
    /// While holding off: when the hold-off ends, unless the input changes again.
    @usableFromInline var settlesAt: Timestamp?

    public init(period: Interval) {
        self.period = Swift.max(period, .zero)
    }

    public mutating func start(level: Bool) -> Bool {
        output = level
        latest = level
        settlesAt = nil
        return level
    }

    public mutating func process(_ change: LevelChange) -> LevelChange? {
        latest = change.level
        if settlesAt != nil {
            // Still chattering: the hold-off starts again from this change.
            settlesAt = change.timestamp + period
            return nil
        }
        guard change.level != output else { return nil }
        output = change.level
        settlesAt = change.timestamp + period
        return change
    }

    public var deadline: Timestamp? { settlesAt }

    public mutating func poll(now: Timestamp) -> LevelChange? {
        guard let end = settlesAt, now >= end else { return nil }
        settlesAt = nil
        guard latest != output else { return nil }
        output = latest
        return LevelChange(level: latest, timestamp: end)
    }
}

extension SettleFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("period", .duration(FilterParameter.periods), required: true)],
        shorthand: "period", example: "{ settle: 100ms }")

    public init(settings: FilterSettings) { self.init(period: settings.duration("period") ?? .zero) }
}
