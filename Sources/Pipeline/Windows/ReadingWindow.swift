import SensorgateCore

/// A window over a channel's raw readings that publishes summaries: tumbling, hopping
/// and sliding by time, or by count. The channel holds its windows as existentials (the
/// profile chooses them at run time); ``TumblingWindow``, the common and cheapest one,
/// is also held directly so its path costs no witness call.
public protocol ReadingWindow: Sendable {
    /// The last topic level of its summaries.
    var name: String { get }
    /// Adds a reading; `emit` gets every summary this closes or produces, oldest first.
    mutating func add(_ reading: Reading, emit: (WindowSummary) -> Void)
    /// When the window wants ``poll(now:emit:)``: the end of its open span, if any.
    var deadline: Timestamp? { get }
    /// Closes what ends at or before `now`.
    mutating func poll(now: Timestamp, emit: (WindowSummary) -> Void)
    /// A new UTC offset (after a clock resync), for windows that follow the wall clock.
    mutating func setUTCOffset(_ offset: Int64)
}
