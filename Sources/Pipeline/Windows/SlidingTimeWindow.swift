import SensorgateCore

/// The readings of the last `length`: every reading emits a summary of the readings
/// whose time is in `(t - length, t]`, `t` its own time (`start` is `t - length`, `end`
/// is `t`). It emits on readings only: with no reading there is nothing new to say, and
/// the channel's state already follows the readings at that rate.
///
/// Each emission recomputes the statistics over the readings held (at most `capacity`):
/// removing the reading that leaves from running moments would be O(1), but Welford's
/// removal is unstable and cannot restore min, max or first; a bounded recompute is exact.
/// The profile bounds the readings a window can hold (its length over the sensor's
/// interval, at most ``maximumReadings``); should readings come faster anyway, the
/// oldest leave early so memory stays bounded.
///
/// A reading older than the newest (out of order) is counted as if it came at the
/// newest's time, so it leaves the window with it. NaN readings are ignored and emit
/// nothing.
public struct SlidingTimeWindow: ReadingWindow {
    /// At 16 bytes a reading, 160 kB and 10,000 values per emission at most.
    public static let maximumReadings = 10_000

    public let name: String
    public let length: Interval
    public let statistics: [Statistic]

    @usableFromInline var ring: TimedValueRing
    @usableFromInline var accumulator: WindowAccumulator
    @usableFromInline let lengthNanoseconds: Int64

    /// - Parameter capacity: the most readings held (at most ``maximumReadings``).
    public init(name: String, length: Interval, statistics: [Statistic], capacity: Int = maximumReadings) {
        self.name = name
        self.length = length
        self.statistics = statistics
        lengthNanoseconds = Swift.max(1, length.nanoseconds)
        ring = TimedValueRing(capacity: Swift.min(Self.maximumReadings, capacity))
        accumulator = WindowAccumulator(keepsValues: WindowAccumulator.keepsValues(for: statistics))
    }

    public mutating func add(_ reading: Reading, emit: (WindowSummary) -> Void) {
        let value = reading.value
        if value.isNaN { return }
        var t = reading.timestamp.signedNanoseconds
        if !ring.isEmpty { t = Swift.max(t, ring[ring.count - 1].time) }
        let start = t &- lengthNanoseconds
        while !ring.isEmpty && ring[0].time <= start { ring.removeOldest() }
        ring.append(time: t, value: value)
        accumulator.reset()
        for offset in 0..<ring.count {
            let element = ring[offset]
            accumulator.add(element.value, at: element.time)
        }
        emit(accumulator.summary(name: name, statistics: statistics, start: start, end: t))
    }

    public var deadline: Timestamp? { nil }

    public mutating func poll(now: Timestamp, emit: (WindowSummary) -> Void) {}

    public mutating func setUTCOffset(_ offset: Int64) {}
}
