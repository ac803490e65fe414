import SensorgateCore

/// The rate of a pulse counter's pulses per period (litres per minute from a flow
/// meter, millimetres of rain per hour, revolutions per minute), from the edges' own
/// timestamps rather than the count alone.
///
/// A period's rate is `intervals * scale / span * per`: the pulse intervals completed in
/// the period over the time they took. When the period before had pulses, its last pulse
/// starts the first interval (every pulse of this period closes one interval); otherwise
/// the period's own first pulse does (one interval fewer). So a steady 1 pulse every 7s
/// reads the same in every 10s period, where a count alone would alternate between one
/// and two pulses.
///
/// - A period without pulses has rate 0.
/// - A period with a single pulse and none in the period before (the first, partial
///   period after start-up, or the first pulse after a pause) has no rate: nil, nothing
///   is published.
/// - After the event loop stalled for several periods, the pulses read late are all
///   given to the first period closed.
public struct PulseRate: Sendable {
    /// What one pulse is worth (the counter's `scale`).
    public let scale: Double
    /// The time unit of the rate (`1m` for per minute).
    public let per: Interval

    @usableFromInline var previousLast: Timestamp?
    @usableFromInline var first: Timestamp?
    @usableFromInline var last: Timestamp?
    @usableFromInline var count: Int

    public init(scale: Double, per: Interval) {
        self.scale = scale
        self.per = per
        count = 0
    }

    /// One counted pulse in the open period.
    @inlinable
    public mutating func pulse(at timestamp: Timestamp) {
        if first == nil { first = timestamp }
        last = timestamp
        count += 1
    }

    /// Ends the open period: its rate (nil when it cannot be known yet), and opens the next.
    public mutating func close() -> Double? {
        defer {
            previousLast = count > 0 ? last : nil
            first = nil
            last = nil
            count = 0
        }
        guard count > 0, let first, let last else { return 0 }
        let start = previousLast ?? first
        let intervals = previousLast == nil ? count - 1 : count
        let span = last - start
        guard intervals > 0, span.nanoseconds > 0 else { return nil }
        return Double(intervals) * scale / span.seconds * per.seconds
    }
}
