import SensorgateCore

/// An entry of `outputs:` with `pwm: { expander: <id>, channel: N }`: a channel of a
/// PWM controller (a PCA9685 in `expanders:`), set by duty cycle or pulse width.
public struct PWMOutputSpec: Sendable, Equatable {
    /// A channel's setting: a duty cycle in percent, or a pulse width per period.
    public enum Level: Sendable, Equatable {
        case duty(Double)
        case pulse(Interval)
    }

    public var id: String
    public var expander: String
    public var channel: Int
    /// `initial`, default 0 %.
    public var initial: Level
    /// `safe`: the setting on shutdown, default `initial`.
    public var safe: Level
    /// `pulse_range: [1ms, 2ms]`: the pulse widths a command may ask for (a servo's travel),
    /// also when asked as a duty cycle (0 %, no pulses at all, is always allowed).
    public var pulseRange: ClosedRange<Interval>?

    public init(id: String, expander: String, channel: Int, initial: Level = .duty(0), safe: Level? = nil,
                pulseRange: ClosedRange<Interval>? = nil) {
        self.id = id
        self.expander = expander
        self.channel = channel
        self.initial = initial
        self.safe = safe ?? initial
        self.pulseRange = pulseRange
    }

    /// The duty cycle in percent of `level` with `period`, or why it is refused: a pulse
    /// longer than the period, a width outside ``pulseRange``.
    public func duty(of level: Level, period: Interval) -> Result<Double, PWMLevelError> {
        let duty: Double
        let width: Interval
        switch level {
        case .duty(let percent):
            guard (0...100).contains(percent) else {
                return .failure(PWMLevelError("a duty cycle is 0 to 100 %, got \(Validator.format(percent)) %"))
            }
            duty = percent
            width = Interval(nanoseconds: Int64((Double(period.nanoseconds) * percent / 100).rounded()))
        case .pulse(let pulse):
            guard pulse <= period else {
                return .failure(PWMLevelError("a pulse of \(Self.shown(pulse)) is longer than the period, \(Self.shown(period)) at the controller's frequency"))
            }
            duty = Double(pulse.nanoseconds) / Double(period.nanoseconds) * 100
            width = pulse
        }
        if let range = pulseRange, duty > 0, !range.contains(width) {
            return .failure(PWMLevelError("output '\(id)' takes pulses from \(Self.shown(range.lowerBound)) to \(Self.shown(range.upperBound)) (pulse_range), got \(Self.shown(width))"))
        }
        return .success(duty)
    }

    /// `1.5ms`, `19.988ms`: a pulse or period to the microsecond, as messages show it.
    static func shown(_ interval: Interval) -> String {
        Validator.format((Double(interval.nanoseconds) / 1_000).rounded() / 1_000) + "ms"
    }
}

/// Why a PWM setting is refused.
public struct PWMLevelError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
