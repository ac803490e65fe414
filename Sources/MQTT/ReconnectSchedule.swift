import SensorgateCore

/// When to try the broker again after a failure, and which try that is.
///
/// "Attempt" counts reconnection attempts since the last good connection (or since the
/// start): attempt 1 is the first try after a failure, never the initial connection.
///
/// Exponential backoff with *full* jitter: the ceiling starts at `minimum` and doubles
/// per failed attempt up to `maximum`, and the delay is drawn uniformly from zero to that
/// ceiling. After a broker restart a fleet of gateways then spreads its reconnections
/// over the whole window instead of arriving together at the end of the same delay
/// (which a jitter of a fixed fraction still does, only a little smeared).
public struct ReconnectSchedule: Sendable, Equatable {
    public let minimum: Interval
    public let maximum: Interval
    /// Reconnection attempts scheduled since the last good connection.
    public private(set) var attempts = 0

    public init(minimum: Interval, maximum: Interval) {
        self.minimum = max(.zero, minimum)
        self.maximum = max(self.minimum, maximum)
    }

    /// The ceiling of the delay before attempt `attempt` (1-based): `minimum` doubled
    /// `attempt - 1` times, at most `maximum`.
    public func ceiling(forAttempt attempt: Int) -> Interval {
        // Shifting by more than the bits the maximum needs only overflows; 30 doublings
        // of 1 ns already exceed a second, of 1 ms any sensible maximum.
        let exponent = Int64(min(max(attempt - 1, 0), 30))
        let limit = maximum.nanoseconds
        guard minimum.nanoseconds > 0 else { return .zero }
        // minimum << exponent > limit, asked without overflowing.
        if minimum.nanoseconds > limit >> exponent { return maximum }
        return Interval(nanoseconds: min(minimum.nanoseconds << exponent, limit))
    }

    /// The next attempt's number and how long to wait before it: `random` (in `0...1`,
    /// clamped) times the attempt's ``ceiling(forAttempt:)``, in whole milliseconds (a
    /// timer finer than that is noise, and the log line stays readable).
    public mutating func next(random: Double) -> (attempt: Int, delay: Interval) {
        attempts += 1
        let ceiling = ceiling(forAttempt: attempts)
        let fraction = random.isNaN ? 0 : min(max(random, 0), 1)
        let milliseconds = (Double(ceiling.nanoseconds / 1_000_000) * fraction).rounded(.down)
        return (attempts, .milliseconds(Int(milliseconds)))
    }

    /// ``next(random:)`` with the system's random numbers.
    public mutating func next() -> (attempt: Int, delay: Interval) {
        next(random: Double.random(in: 0...1))
    }

    /// A connection succeeded: the next failure starts again at attempt 1 and `minimum`.
    public mutating func reset() { attempts = 0 }
}
