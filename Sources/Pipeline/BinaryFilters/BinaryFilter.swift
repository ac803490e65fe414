import SensorgateCore

/// One step of a binary input's `filters:`.
///
/// A binary filter sees the input's debounced level changes, in order, and returns the
/// change to hand to the next step, or nil to hold it back. Like the numeric filters it
/// never reads a clock: the times it works with are the edges' source timestamps. A
/// filter that must act later (a delay running out, an autorepeat phase) says when
/// through ``deadline``; ``BinaryFilterChain`` calls ``poll(now:)`` with exactly that
/// time, so what a filter emits does not depend on how late the event loop's timer fired.
///
/// A filter emits only changes of its own output: two changes in a row to one level
/// never leave it.
public protocol BinaryFilter: Sendable {
    /// Seeds the filter with the level read when the line is requested and returns the
    /// output level for it. Start-up is a settled state, not a change: nothing is delayed.
    mutating func start(level: Bool) -> Bool

    /// One change of the input level, stamped with its source time.
    mutating func process(_ change: LevelChange) -> LevelChange?

    /// When the filter wants ``poll(now:)`` called, if it does.
    var deadline: Timestamp? { get }

    /// Called with `now` equal to ``deadline``: the change the filter emits on its own, or nil.
    mutating func poll(now: Timestamp) -> LevelChange?
}

extension BinaryFilter {
    public mutating func start(level: Bool) -> Bool { level }

    public var deadline: Timestamp? { nil }

    public mutating func poll(now: Timestamp) -> LevelChange? { nil }
}
