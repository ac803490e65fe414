import SensorgateCore

/// When to try the broker again after a failure, and which try that is.
///
/// "Attempt" counts reconnection attempts since the last good connection (or since the
/// start): attempt 1 is the first try after a failure, never the initial connection.
/// The delay starts at `minimum` and doubles per failed attempt up to `maximum`, minus
/// up to 20% jitter so a fleet of gateways that lost the same broker does not come back
/// in lockstep.
public struct ReconnectSchedule: Sendable, Equatable {
    public let minimum: Interval
    public let maximum: Interval
    /// Reconnection attempts scheduled since the last good connection.
    public private(set) var attempts = 0

    public init(minimum: Interval, maximum: Interval) {
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
    }

    /// The next attempt's number and how long to wait before it; `jitter` in `0...1`
    /// takes that fraction of the 20% allowance off the delay.
    public mutating func next(jitter: Double) -> (attempt: Int, delay: Interval) {
        attempts += 1
        // Shifting by more than the bits the maximum needs only overflows; 16 doublings
        // of 1 ms already exceed any sensible maximum.
        let exponent = Int64(min(attempts - 1, 16))
        let capped = min(minimum.nanoseconds << exponent, maximum.nanoseconds)
        let fraction = min(max(jitter, 0), 1)
        let jitterNanoseconds = Int64(Double(capped) * 0.2 * fraction)
        return (attempts, Interval(nanoseconds: capped - jitterNanoseconds))
    }

    /// A connection succeeded: the next failure starts again at attempt 1 and `minimum`.
    public mutating func reset() { attempts = 0 }
}
