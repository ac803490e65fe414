import SensorgateCore

/// What ``EdgeMetrics`` measured over one period.
public struct EdgeMetricsPeriod: Sendable, Equatable {
    public var start: Timestamp
    public var end: Timestamp
    /// Rising (logical inactive-to-active) edges in the period.
    public var risingEdges: Int
    /// Rising edges per second of the period.
    public var frequency: Double
    /// The share of the period the line was active, in percent (0...100).
    public var dutyCycle: Double
    /// Statistics of the widths, in seconds, of the pulses that *ended* in the period, in
    /// the order asked for; empty when no pulse ended in it.
    public var pulseWidths: [(Statistic, Double)]

    public static func == (lhs: EdgeMetricsPeriod, rhs: EdgeMetricsPeriod) -> Bool {
        lhs.start == rhs.start && lhs.end == rhs.end && lhs.risingEdges == rhs.risingEdges
            && lhs.frequency == rhs.frequency && lhs.dutyCycle == rhs.dutyCycle
            && lhs.pulseWidths.count == rhs.pulseWidths.count
            && zip(lhs.pulseWidths, rhs.pulseWidths).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}

/// Frequency, pulse width and duty cycle of a binary line, from its edges' source
/// (kernel) timestamps, per period.
///
/// Periods are aligned like ``TumblingWindow``s and ``PulseCounter`` periods (their ends
/// fall on multiples of `every` on the UTC time line); the first runs from ``start(level:at:)``
/// to the next boundary, and every period is reported, also one without edges (0 Hz and
/// 0 % or 100 % duty cycle say something). A pulse belongs to the period in which it
/// ends; the active time of a pulse that spans a boundary is split between the periods.
///
/// Feed edges in time order; an edge stamped before the open period began or before the
/// previous edge (read late) is treated as happening at the later of the two. An "edge" to the level the line
/// already has is ignored.
public struct EdgeMetrics: Sendable {
    public let every: Interval
    public let pulseStatistics: [Statistic]

    @usableFromInline var alignment: PeriodAlignment
    @usableFromInline var started = false
    @usableFromInline var periodStart: Int64 = 0
    @usableFromInline var periodEnd: Int64 = 0
    @usableFromInline var level = false
    /// When the current level began (clamped to the open period's start).
    @usableFromInline var levelSince: Int64 = 0
    /// When the current pulse began, if the line is active and its rise was seen.
    @usableFromInline var pulseStart: Int64?
    @usableFromInline var activeNanoseconds: Int64 = 0
    @usableFromInline var rising = 0
    @usableFromInline var widths: WindowAccumulator

    /// - Parameters:
    ///   - every: the period; shorter than 1 ms is treated as 1 ms.
    ///   - pulseStatistics: which statistics of the pulse widths to report.
    ///   - utcOffset: UTC nanoseconds minus monotonic nanoseconds (``UTCMapping``).
    public init(every: Interval, pulseStatistics: [Statistic] = [.mean, .min, .max, .count], utcOffset: Int64) {
        self.every = Swift.max(every, .milliseconds(1))
        self.pulseStatistics = pulseStatistics
        alignment = PeriodAlignment(every: self.every, utcOffset: utcOffset)
        widths = WindowAccumulator(keepsValues: WindowAccumulator.keepsValues(for: pulseStatistics))
    }

    /// Opens the first period at `at` with the line's current logical level.
    public mutating func start(level: Bool, at: Timestamp) {
        let t = at.signedNanoseconds
        started = true
        self.level = level
        periodStart = t
        periodEnd = alignment.start(containing: t) &+ alignment.every
        levelSince = t
        pulseStart = nil
        activeNanoseconds = 0
        rising = 0
        widths.reset()
    }

    /// The end of the open period, when ``poll(now:)`` is due.
    public var deadline: Timestamp? { started ? Timestamp(signedNanoseconds: periodEnd) : nil }

    /// One edge: the logical level after it and its source timestamp. Returns the periods
    /// that ended before it (usually none).
    public mutating func edge(to newLevel: Bool, at: Timestamp) -> [EdgeMetricsPeriod] {
        if !started { start(level: !newLevel, at: at) }
        var t = at.signedNanoseconds
        let closed = closePeriods(upTo: t)
        // Never before the open period or the current level's start: time only moves on.
        t = Swift.max(t, periodStart, levelSince)
        guard newLevel != level else { return closed }
        if level { activeNanoseconds &+= t &- Swift.max(levelSince, periodStart) }
        if newLevel {
            rising += 1
            pulseStart = t
        } else if let began = pulseStart {
            widths.add(Double(t &- began) / 1e9, at: t)
            pulseStart = nil
        }
        level = newLevel
        levelSince = t
        return closed
    }

    /// Closes every period that ended at or before `now`.
    public mutating func poll(now: Timestamp) -> [EdgeMetricsPeriod] {
        guard started else { return [] }
        return closePeriods(upTo: now.signedNanoseconds)
    }

    private mutating func closePeriods(upTo t: Int64) -> [EdgeMetricsPeriod] {
        var closed: [EdgeMetricsPeriod] = []
        while t >= periodEnd {
            if level { activeNanoseconds &+= periodEnd &- Swift.max(levelSince, periodStart) }
            let length = Double(periodEnd &- periodStart) / 1e9
            var statistics: [(Statistic, Double)] = []
            if !widths.isEmpty {
                statistics = pulseStatistics.map { ($0, widths.value(of: $0)) }
            }
            closed.append(EdgeMetricsPeriod(
                start: Timestamp(signedNanoseconds: periodStart), end: Timestamp(signedNanoseconds: periodEnd),
                risingEdges: rising,
                frequency: length > 0 ? Double(rising) / length : 0,
                dutyCycle: length > 0 ? Swift.min(100, Double(activeNanoseconds) / 1e9 / length * 100) : 0,
                pulseWidths: statistics))
            periodStart = periodEnd
            periodEnd = periodStart &+ alignment.every
            levelSince = Swift.max(levelSince, periodStart)
            activeNanoseconds = 0
            rising = 0
            widths.reset()
        }
        return closed
    }
}
