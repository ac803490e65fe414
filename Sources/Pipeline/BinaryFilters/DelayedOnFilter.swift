import SensorgateCore

/// `- delayed_on: 100ms`: a change to on is passed only once the input has stayed on for
/// the period (stamped when the period ran out); a change to off is passed at once and
/// cancels an on still pending. A press shorter than the period publishes nothing.
public struct DelayedOnFilter: ConfigurableBinaryFilter {
    @usableFromInline var delay: DelayedOnOffFilter

    public init(period: Interval) { delay = DelayedOnOffFilter(on: period, off: .zero) }

    public mutating func start(level: Bool) -> Bool { delay.start(level: level) }
    public mutating func process(_ change: LevelChange) -> LevelChange? { delay.process(change) }
    public var deadline: Timestamp? { delay.deadline }
    public mutating func poll(now: Timestamp) -> LevelChange? { delay.poll(now: now) }
}

extension DelayedOnFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("period", .duration(FilterParameter.periods), required: true)],
        shorthand: "period", example: "{ delayed_on: 100ms }")

    public init(settings: FilterSettings) { self.init(period: settings.duration("period") ?? .zero) }
}
