import SensorgateCore

/// The pulses counted in one period `[start, end)` of a ``PulseCounter``.
public struct PulseTotal: Sendable, Equatable {
    public var count: Int
    /// `count * scale`, e.g. millimetres of rain.
    public var value: Double
    public var start: Timestamp
    public var end: Timestamp

    @inlinable
    public init(count: Int, value: Double, start: Timestamp, end: Timestamp) {
        self.count = count
        self.value = value
        self.start = start
        self.end = end
    }
}
