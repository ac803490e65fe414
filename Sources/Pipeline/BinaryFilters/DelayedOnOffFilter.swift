import SensorgateCore

/// `- delayed_on_off: 100ms` or `- delayed_on_off: { time_on: 100ms, time_off: 1s }`:
/// a change to on is passed only once the input has stayed on for `time_on`, a change to
/// off only once it has stayed off for `time_off`; a change back before the time is up
/// cancels the pending one and publishes nothing. The passed change is stamped when the
/// time ran out (the change's stamp plus the delay). A zero delay passes at once.
///
/// A change exactly at the end of the delay comes after it: the level held for the whole
/// delay, so it is passed, and the new change starts its own delay.
public struct DelayedOnOffFilter: ConfigurableBinaryFilter {
    public let onDelay: Interval
    public let offDelay: Interval

    @usableFromInline var output: Bool = false
    /// The change that will be passed at its timestamp unless the input changes back.
    @usableFromInline var pending: LevelChange?

    public init(on onDelay: Interval, off offDelay: Interval) {
        self.onDelay = Swift.max(onDelay, .zero)
        self.offDelay = Swift.max(offDelay, .zero)
    }

    public mutating func start(level: Bool) -> Bool {
        output = level
        pending = nil
        return level
    }

    public mutating func process(_ change: LevelChange) -> LevelChange? {
        pending = nil
        guard change.level != output else { return nil }
        let delay = change.level ? onDelay : offDelay
        guard delay > .zero else {
            output = change.level
            return change
        }
        pending = LevelChange(level: change.level, timestamp: change.timestamp + delay)
        return nil
    }

    public var deadline: Timestamp? { pending?.timestamp }

    public mutating func poll(now: Timestamp) -> LevelChange? {
        guard let change = pending, now >= change.timestamp else { return nil }
        pending = nil
        output = change.level
        return change
    }
}

extension DelayedOnOffFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("time", .duration(FilterParameter.periods)),
         FilterParameter("time_on", .duration(FilterParameter.periods)),
         FilterParameter("time_off", .duration(FilterParameter.periods))],
        shorthand: "time", example: "{ delayed_on_off: 100ms } or { delayed_on_off: { time_on: 100ms, time_off: 1s } }",
        check: { settings in
            let both = settings.duration("time_on") != nil && settings.duration("time_off") != nil
            let either = settings.duration("time_on") != nil || settings.duration("time_off") != nil
            if settings.duration("time") != nil {
                return either ? FilterSettingsProblem(at: "time", "give time, or time_on and time_off, not both") : nil
            }
            return both ? nil : FilterSettingsProblem(at: nil, "expected time, or both time_on and time_off (delayed_on or delayed_off delays one side only)")
        })

    public init(settings: FilterSettings) {
        let time = settings.duration("time")
        self.init(on: time ?? settings.duration("time_on") ?? .zero, off: time ?? settings.duration("time_off") ?? .zero)
    }
}
