import SensorgateCore

/// `- autorepeat: { delay: 1s, time_off: 100ms, time_on: 900ms }` (every key optional,
/// these are the defaults; `- autorepeat` alone takes them all): a change to on passes at
/// once; while the input stays on, `delay` later the output goes off for `time_off`, then
/// on for `time_on`, off for `time_off` again, and so on: a held button repeats like a
/// keyboard key. A change to off passes at once (if the output is on) and ends the
/// repetition. Each repeated change is stamped with the source time its phase began.
///
/// One phase, where ESPHome accepts a list of them (a faster repeat after a longer hold):
/// the one-phase form covers a held button, and keeps the profile key a plain mapping.
///
/// A level that is on at start is not a press: it is published as on, and does not repeat
/// until the input goes off and on again.
public struct AutorepeatFilter: ConfigurableBinaryFilter {
    public let delay: Interval
    public let timeOff: Interval
    public let timeOn: Interval

    @usableFromInline var output: Bool = false
    /// While the input is held on: when the output toggles next.
    @usableFromInline var nextToggle: Timestamp?

    public init(delay: Interval, timeOff: Interval, timeOn: Interval) {
        // Phases of zero length would toggle forever without time passing.
        let shortest = Interval.milliseconds(1)
        self.delay = Swift.max(delay, shortest)
        self.timeOff = Swift.max(timeOff, shortest)
        self.timeOn = Swift.max(timeOn, shortest)
    }

    public mutating func start(level: Bool) -> Bool {
        output = level
        nextToggle = nil
        return level
    }

    public mutating func process(_ change: LevelChange) -> LevelChange? {
        if change.level {
            guard nextToggle == nil else { return nil }
            nextToggle = change.timestamp + delay
        } else {
            nextToggle = nil
        }
        guard change.level != output else { return nil }
        output = change.level
        return change
    }

    public var deadline: Timestamp? { nextToggle }

    public mutating func poll(now: Timestamp) -> LevelChange? {
        guard let time = nextToggle, now >= time else { return nil }
        output.toggle()
        nextToggle = time + (output ? timeOn : timeOff)
        return LevelChange(level: output, timestamp: time)
    }
}

extension AutorepeatFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("delay", .duration(FilterParameter.periods), default: .duration(.seconds(1))),
         FilterParameter("time_off", .duration(FilterParameter.periods), default: .duration(.milliseconds(100))),
         FilterParameter("time_on", .duration(FilterParameter.periods), default: .duration(.milliseconds(900)))],
        example: "{ autorepeat: { delay: 1s, time_off: 100ms, time_on: 900ms } }")

    public init(settings: FilterSettings) {
        self.init(delay: settings.duration("delay") ?? .seconds(1), timeOff: settings.duration("time_off") ?? .milliseconds(100),
                  timeOn: settings.duration("time_on") ?? .milliseconds(900))
    }
}
