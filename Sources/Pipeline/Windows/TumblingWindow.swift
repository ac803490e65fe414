import SensorgateCore

/// A tumbling window aligned to multiples of `every` on the UTC time line (or, with
/// `alignedToWallClock: false`, to multiples of `every` after its first reading).
///
/// The window containing monotonic time `t` is
/// `[floor((t + utcOffset) / every) * every - utcOffset, + every)`, so a `1m` window
/// closes on the minute in UTC. A window opens with its first reading and closes when a
/// reading at or past its end arrives (``add(_:)``) or when the event loop polls at its
/// end (``deadline``, ``poll(now:)``). Empty windows produce nothing; a reading far in the
/// future closes the open window and opens the one containing it, skipping the empty
/// ones between. NaN readings are ignored (counted nowhere), though one past the end
/// still closes the open window. A reading older than the open window (out of order) is
/// counted in the open window.
///
/// A summary's `start` can precede the monotonic origin for the first window after boot;
/// it is then held in two's complement: `end - start` and
/// `UTCMapping.utcNanoseconds(start)` are still exact.
public struct TumblingWindow: Sendable {
    public let name: String
    public let every: Interval
    /// The statistics each summary carries, in this order.
    public let statistics: [Statistic]

    @usableFromInline var alignment: PeriodAlignment
    @usableFromInline var accumulator: WindowAccumulator
    /// `[openStart, openEnd)`, meaningful while the accumulator holds values.
    @usableFromInline var openStart: Int64
    @usableFromInline var openEnd: Int64

    /// - Parameters:
    ///   - every: the window length; shorter than 1ns is treated as 1ns.
    ///   - utcOffset: UTC nanoseconds minus monotonic nanoseconds (``UTCMapping``).
    ///   - alignedToWallClock: false anchors the windows on the first reading instead.
    public init(name: String, every: Interval, statistics: [Statistic], utcOffset: Int64,
                alignedToWallClock: Bool = true) {
        self.name = name
        self.every = every
        self.statistics = statistics
        alignment = PeriodAlignment(every: every, utcOffset: utcOffset, followsWallClock: alignedToWallClock)
        accumulator = WindowAccumulator(keepsValues: WindowAccumulator.keepsValues(for: statistics))
        openStart = 0
        openEnd = 0
    }

    /// The UTC offset that aligns windows. A new value (after ``UTCMapping/resync()``)
    /// applies from the next window opened; the open window keeps its bounds. Windows
    /// anchored on their first reading ignore it.
    public var utcOffset: Int64 {
        get { alignment.utcOffset }
        set { alignment.resync(utcOffset: newValue) }
    }

    /// Adds a reading; if it falls at or after the open window's end, that window is
    /// closed first and its summary returned.
    @inlinable
    public mutating func add(_ reading: Reading) -> WindowSummary? {
        let t = reading.timestamp.signedNanoseconds
        var closed: WindowSummary? = nil
        if !accumulator.isEmpty && t >= openEnd {
            closed = close()
        }
        let value = reading.value
        if value.isNaN { return closed }
        if accumulator.isEmpty {
            openStart = alignment.start(opening: t)
            openEnd = openStart &+ alignment.every
        }
        accumulator.add(value, at: t)
        return closed
    }

    /// End of the open window, if one holds readings.
    @inlinable
    public var deadline: Timestamp? {
        accumulator.isEmpty ? nil : Timestamp(signedNanoseconds: openEnd)
    }

    /// Closes the open window if `now` is at or past its end.
    @inlinable
    public mutating func poll(now: Timestamp) -> WindowSummary? {
        guard !accumulator.isEmpty, now.signedNanoseconds >= openEnd else { return nil }
        return close()
    }

    /// Summarises and empties the open window.
    @usableFromInline
    mutating func close() -> WindowSummary {
        let summary = accumulator.summary(name: name, statistics: statistics, start: openStart, end: openEnd)
        accumulator.reset()
        return summary
    }
}
