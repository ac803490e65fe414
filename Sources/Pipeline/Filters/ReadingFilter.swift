import SensorgateCore

/// One step of a channel's filter chain.
///
/// A filter sees every reading that passed the steps before it, in order, and returns
/// the reading to hand to the next step, or nil to stop the chain for this reading
/// (ESPHome's optional result). Filters are values over source timestamps: they never
/// read a clock. A filter that acts when readings stop (heartbeat, timeout) says when
/// through ``deadline``; the event loop then calls ``poll(now:)`` at that time and hands
/// what it returns to the steps after it.
public protocol ReadingFilter: Sendable {
    mutating func process(_ reading: Reading) -> Reading?

    /// When the filter wants ``poll(now:)`` called, if it does.
    var deadline: Timestamp? { get }

    /// Called at or after ``deadline``: a reading the filter emits on its own, or nil.
    mutating func poll(now: Timestamp) -> Reading?
}

extension ReadingFilter {
    public var deadline: Timestamp? { nil }

    public mutating func poll(now: Timestamp) -> Reading? { nil }
}
