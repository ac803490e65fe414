import SensorgateCore

/// Counts pulses per period (rain gauge, flow or energy meter) and publishes every
/// period once started, zero counts included, so a subscriber can tell "no rain" from
/// "gateway down".
///
/// Periods are aligned like ``TumblingWindow``s: their ends fall on multiples of `every`
/// on the UTC time line. The first period runs from ``start(at:)`` to the next boundary
/// (its `start` is the time counting began, not the earlier boundary); every later period
/// is a whole `[boundary, boundary + every)`.
///
/// The event loop arms a timer for ``deadline`` and calls ``poll(now:)`` until it returns
/// nil (several periods may be due after a stall). A pulse stamped past the open period's
/// end closes that period (returned by ``pulse(at:)``) and is kept for the period it
/// belongs to; the periods in between come out of ``poll(now:)``, with zero counts. A
/// pulse stamped before the open period began (read late from the kernel after its
/// period was closed) is counted in the open period.
public struct PulseCounter: Sendable {
    public let every: Interval
    public let scale: Double

    @usableFromInline var alignment: PeriodAlignment
    @usableFromInline var started: Bool
    @usableFromInline var periodStart: Int64
    @usableFromInline var periodEnd: Int64
    @usableFromInline var count: Int
    /// Pulses stamped past `periodEnd`, in time order, grouped by period: the timestamp
    /// of the first pulse of each group and the group's size. Empty unless the event loop
    /// fell behind.
    @usableFromInline var backlog: [(at: Int64, count: Int)]

    /// - Parameters:
    ///   - every: the period; shorter than 1ns is treated as 1ns.
    ///   - scale: what one pulse is worth (`value = count * scale`).
    ///   - utcOffset: UTC nanoseconds minus monotonic nanoseconds (``UTCMapping``).
    public init(every: Interval, scale: Double, utcOffset: Int64) {
        self.every = every
        self.scale = scale
        alignment = PeriodAlignment(every: every, utcOffset: utcOffset)
        started = false
        periodStart = 0
        periodEnd = 0
        count = 0
        backlog = []
    }

    /// The UTC offset that aligns periods. A new value applies from the next period,
    /// which runs to the next boundary under the new offset (it may be shorter than
    /// `every`); no pulse is lost.
    public var utcOffset: Int64 {
        get { alignment.utcOffset }
        set { alignment.utcOffset = newValue }
    }

    /// Opens the first period at `at`, dropping any earlier count. A pulse before `start`
    /// starts the counter at that pulse.
    public mutating func start(at: Timestamp) {
        let t = at.signedNanoseconds
        started = true
        periodStart = t
        periodEnd = alignment.start(containing: t) &+ alignment.every
        count = 0
        backlog.removeAll()
    }

    /// Counts one pulse; returns the open period's total if `at` is at or past its end.
    @inlinable
    public mutating func pulse(at: Timestamp) -> PulseTotal? {
        let t = at.signedNanoseconds
        guard started else {
            start(at: at)
            count = 1
            return nil
        }
        if t < periodEnd {
            count += 1
            return nil
        }
        if let last = backlog.last,
           alignment.start(containing: last.at) == alignment.start(containing: t) {
            backlog[backlog.count - 1].count += 1
        } else {
            backlog.append((at: t, count: 1))
        }
        return closePeriod()
    }

    /// End of the open period, once started.
    @inlinable
    public var deadline: Timestamp? {
        started ? Timestamp(signedNanoseconds: periodEnd) : nil
    }

    /// Closes the open period if `now` is at or past its end and opens the next. Call
    /// again until it returns nil to catch up several periods.
    @inlinable
    public mutating func poll(now: Timestamp) -> PulseTotal? {
        guard started, now.signedNanoseconds >= periodEnd else { return nil }
        return closePeriod()
    }

    @usableFromInline
    mutating func closePeriod() -> PulseTotal {
        let total = PulseTotal(count: count, value: Double(count) * scale,
                               start: Timestamp(signedNanoseconds: periodStart),
                               end: Timestamp(signedNanoseconds: periodEnd))
        periodStart = periodEnd
        periodEnd = alignment.start(containing: periodStart) &+ alignment.every
        count = 0
        while let first = backlog.first, first.at < periodEnd {
            count += first.count
            backlog.removeFirst()
        }
        return total
    }
}
