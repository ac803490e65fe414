import SensorgateCore

/// Stable-level debounce for a binary input.
///
/// A new level is published only after the raw level has stayed there for `period`.
/// A burst shorter than `period` publishes nothing, and a return to the published level
/// before the period is over cancels the pending change. The published timestamp is the
/// source timestamp of the edge that began the stable period, so subscribers see when the
/// contact really closed, not when the debounce decided. With `period == 0` every change
/// of level is published immediately.
///
/// The type never reads a clock: the event loop feeds edges with their kernel timestamps,
/// arms a timer for ``deadline`` and calls ``poll(now:)`` when it fires.
///
/// With a period of 20ms and low published:
///
/// | raw edges                     | published                                 |
/// |-------------------------------|-------------------------------------------|
/// | rise at 0ms, fall at 2ms      | nothing (a burst)                         |
/// | rise at 5ms, then nothing     | high at 25ms, stamped 5ms                 |
/// | fall at 40ms, rise at 50ms    | nothing (back to the published level)     |
public struct Debouncer: Sendable {
    /// How long the raw level must stay unchanged before it is published.
    public let period: Interval

    @usableFromInline var published: Bool?
    /// The level the raw line moved to and the timestamp of that edge, while it differs
    /// from the published level.
    @usableFromInline var pending: LevelChange?

    /// A negative period is treated as zero.
    public init(period: Interval) {
        self.period = period.nanoseconds < 0 ? .zero : period
        self.published = nil
        self.pending = nil
    }

    /// Seeds the published level (the level read at start) and drops anything pending.
    public mutating func reset(level: Bool, at: Timestamp) {
        published = level
        pending = nil
    }

    /// The last level published (or seeded by ``reset(level:at:)``); nil before either.
    @inlinable
    public var publishedLevel: Bool? { published }

    /// Feeds one edge: `level` is the raw logical level after it, `at` its source timestamp.
    ///
    /// Returns a change to publish now: with `period == 0`, every change of level; with a
    /// positive period, only a pending change whose stable period had already elapsed when
    /// this edge happened (the timer for ``deadline`` was serviced late). Afterwards
    /// ``deadline`` tells when to call ``poll(now:)``.
    @inlinable
    public mutating func edge(to level: Bool, at: Timestamp) -> LevelChange? {
        if period.nanoseconds == 0 {
            guard published != level else { return nil }
            published = level
            return LevelChange(level: level, timestamp: at)
        }
        var due: LevelChange? = nil
        if let change = pending, at >= change.timestamp + period {
            // The raw level stayed put for a whole period before this edge.
            published = change.level
            pending = nil
            due = change
        }
        if level == published {
            pending = nil  // back to the published level: cancel
        } else if pending?.level != level {
            pending = LevelChange(level: level, timestamp: at)
        }
        // A repeated edge to the pending level keeps the original start.
        return due
    }

    /// When ``poll(now:)`` must next be called, or nil if nothing is pending.
    @inlinable
    public var deadline: Timestamp? {
        guard let change = pending else { return nil }
        return change.timestamp + period
    }

    /// Call when `now >= deadline`: returns the change to publish, if any.
    @inlinable
    public mutating func poll(now: Timestamp) -> LevelChange? {
        guard let change = pending, now >= change.timestamp + period else { return nil }
        published = change.level
        pending = nil
        return change
    }
}
