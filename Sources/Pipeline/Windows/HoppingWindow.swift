import SensorgateCore

/// Windows of `length` that start every `hop` (a 5m window every 1m), so each reading is
/// in `length / hop` of them. Aligned like ``TumblingWindow``: a window ends on a
/// multiple of `hop` on the UTC time line (or, with `alignedToWallClock: false`, on
/// multiples of `hop` after the first reading). A ``TumblingWindow`` is the case
/// `hop == length`.
///
/// The time line is cut into panes of `hop`; the window ending at a pane's end is the
/// last `length / hop` panes, combined when it closes (``WindowAccumulator/merge(_:)``).
/// Subtracting the pane that leaves from running moments would be cheaper, but
/// Welford's removal loses precision with every step (catastrophic cancellation when a
/// large pane leaves a small rest); combining bounded panes costs `length / hop` merges
/// per emission, is exact to the same degree as one pass, and keeps min, max, first and
/// last right, which removal cannot. Memory: `length / hop` panes (the profile allows at
/// most ``maximumPanes``), plus the values for median and percentiles.
///
/// A window that holds no reading publishes nothing. A reading far in the future closes
/// every window that still holds readings (up to `length / hop` of them, each with the
/// readings it holds), then opens the panes again. A reading older than the open pane
/// (out of order) is counted in the open pane. NaN readings are ignored, though one past
/// the open pane's end still closes it.
public struct HoppingWindow: ReadingWindow {
    /// More panes than a day of one-minute hops would hold are refused by the profile.
    public static let maximumPanes = 1_440

    public let name: String
    public let length: Interval
    public let hop: Interval
    public let statistics: [Statistic]

    @usableFromInline var alignment: PeriodAlignment
    @usableFromInline let lengthNanoseconds: Int64
    /// The last `length / hop` panes; `panes[current]` is the open one.
    @usableFromInline var panes: [WindowAccumulator]
    @usableFromInline var current = 0
    /// Start of the open pane, meaningful while `holdsReadings`.
    @usableFromInline var paneStart: Int64 = 0
    /// Start of the newest pane that got a reading.
    @usableFromInline var lastFilledPaneStart: Int64 = 0
    /// Whether a window that has not closed yet holds readings.
    @usableFromInline var holdsReadings = false
    @usableFromInline var merged: WindowAccumulator

    /// - Parameters:
    ///   - length: the window length, rounded down to a whole number of hops (at least one).
    ///   - hop: how often a window closes; shorter than 1ns is treated as 1ns.
    public init(name: String, length: Interval, hop: Interval, statistics: [Statistic], utcOffset: Int64,
                alignedToWallClock: Bool = true) {
        self.name = name
        self.hop = hop
        self.statistics = statistics
        alignment = PeriodAlignment(every: hop, utcOffset: utcOffset, followsWallClock: alignedToWallClock)
        let paneCount = Swift.max(1, Swift.min(Self.maximumPanes, Int(length.nanoseconds / alignment.every)))
        lengthNanoseconds = Int64(paneCount) * alignment.every
        self.length = Interval(nanoseconds: lengthNanoseconds)
        let keepsValues = WindowAccumulator.keepsValues(for: statistics)
        panes = Array(repeating: WindowAccumulator(keepsValues: keepsValues), count: paneCount)
        merged = WindowAccumulator(keepsValues: keepsValues)
    }

    public mutating func add(_ reading: Reading, emit: (WindowSummary) -> Void) {
        let t = reading.timestamp.signedNanoseconds
        advance(to: t, emit: emit)
        let value = reading.value
        if value.isNaN { return }
        if !holdsReadings {
            for index in panes.indices { panes[index].reset() }
            current = 0
            paneStart = alignment.start(opening: t)
            holdsReadings = true
        }
        panes[current].add(value, at: t)
        lastFilledPaneStart = paneStart
    }

    public var deadline: Timestamp? {
        holdsReadings ? Timestamp(signedNanoseconds: paneStart &+ alignment.every) : nil
    }

    public mutating func poll(now: Timestamp, emit: (WindowSummary) -> Void) {
        advance(to: now.signedNanoseconds, emit: emit)
    }

    public mutating func setUTCOffset(_ offset: Int64) { alignment.resync(utcOffset: offset) }

    /// Closes every pane that ends at or before `t`, emitting the window that ends with
    /// it while that window holds a reading.
    mutating func advance(to t: Int64, emit: (WindowSummary) -> Void) {
        while holdsReadings && paneStart &+ alignment.every <= t {
            let end = paneStart &+ alignment.every
            if lastFilledPaneStart >= end &- lengthNanoseconds { emit(summary(endingAt: end)) }
            paneStart = end
            current = (current + 1) % panes.count
            panes[current].reset()
            // The next window ends one hop later; without a filled pane in it, nothing is left.
            if lastFilledPaneStart < end &+ alignment.every &- lengthNanoseconds { holdsReadings = false }
        }
    }

    /// The panes of the window ending at `end`, oldest first, combined.
    mutating func summary(endingAt end: Int64) -> WindowSummary {
        merged.reset()
        for offset in 1...panes.count {
            merged.merge(panes[(current + offset) % panes.count])
        }
        return merged.summary(name: name, statistics: statistics, start: end &- lengthNanoseconds, end: end)
    }
}
