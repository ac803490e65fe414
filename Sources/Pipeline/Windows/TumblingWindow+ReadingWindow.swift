import SensorgateCore

/// A tumbling window closes at most one window per reading or poll.
extension TumblingWindow: ReadingWindow {
    @inlinable
    public mutating func add(_ reading: Reading, emit: (WindowSummary) -> Void) {
        if let summary = add(reading) { emit(summary) }
    }

    @inlinable
    public mutating func poll(now: Timestamp, emit: (WindowSummary) -> Void) {
        if let summary = poll(now: now) { emit(summary) }
    }

    public mutating func setUTCOffset(_ offset: Int64) { utcOffset = offset }
}
