import SensorgateCore

/// `- delayed_off: 1s`: a change to off is passed only once the input has stayed off for
/// the period (stamped when the period ran out); a change to on is passed at once and
/// cancels an off still pending. A release shorter than the period publishes nothing.
public struct DelayedOffFilter: ConfigurableBinaryFilter {
    @usableFromInline var delay: DelayedOnOffFilter

    public init(period: Interval) { delay = DelayedOnOffFilter(on: .zero, off: period) }

    public mutating func start(level: Bool) -> Bool { delay.start(level: level) }
    public mutating func process(_ change: LevelChange) -> LevelChange? { delay.process(change) }
    public var deadline: Timestamp? { delay.deadline }
    public mutating func poll(now: Timestamp) -> LevelChange? { delay.poll(now: now) }
}

extension DelayedOffFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("period", .duration(FilterParameter.periods), required: true)],
        shorthand: "period", example: "{ delayed_off: 1s }")

    public init(settings: FilterSettings) { self.init(period: settings.duration("period") ?? .zero) }
}
