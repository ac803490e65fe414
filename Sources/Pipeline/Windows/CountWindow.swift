import SensorgateCore

/// Windows of `readings` readings: tumbling by count (every `readings` readings, a summary
/// of them), or hopping by count with `hop < readings` (every `hop` readings, a summary of
/// the last `readings`; the first at the `readings`-th, so every summary is a full one).
/// A summary's `start` and `end` are the times of its first and last reading (in arrival
/// order). Count windows have no deadline: a window that is not full never closes on
/// time, and is not published at shutdown. NaN readings are ignored (they do not count).
///
/// Tumbling by count runs on the streaming moments; hopping by count keeps the last
/// `readings` readings and recomputes at each emission (see ``SlidingTimeWindow`` on
/// why not subtract), at most ``maximumReadings``.
public struct CountWindow: ReadingWindow {
    public static let maximumReadings = 10_000

    public let name: String
    public let readings: Int
    public let hop: Int
    public let statistics: [Statistic]

    @usableFromInline var accumulator: WindowAccumulator
    /// The last `readings` readings, for hopping only.
    @usableFromInline var ring: TimedValueRing?
    @usableFromInline var sinceEmission = 0

    /// - Parameters:
    ///   - readings: 1...``maximumReadings``.
    ///   - hop: 1...`readings`; `readings` (or nil) for tumbling by count.
    public init(name: String, readings: Int, hop: Int? = nil, statistics: [Statistic]) {
        self.name = name
        self.readings = Swift.max(1, Swift.min(Self.maximumReadings, readings))
        self.hop = Swift.max(1, Swift.min(self.readings, hop ?? self.readings))
        self.statistics = statistics
        accumulator = WindowAccumulator(keepsValues: WindowAccumulator.keepsValues(for: statistics))
        ring = self.hop < self.readings ? TimedValueRing(capacity: self.readings) : nil
    }

    public mutating func add(_ reading: Reading, emit: (WindowSummary) -> Void) {
        let value = reading.value
        if value.isNaN { return }
        let t = reading.timestamp.signedNanoseconds
        guard var held = ring else {
            accumulator.add(value, at: t)
            if accumulator.count == readings {
                emit(accumulator.summary(name: name, statistics: statistics,
                                         start: accumulator.firstTime, end: accumulator.lastTime))
                accumulator.reset()
            }
            return
        }
        ring = nil  // the ring's storage stays uniquely referenced while it changes
        held.append(time: t, value: value)
        sinceEmission += 1
        // The first full window has `readings >= hop` new readings, so it is due too.
        if held.isFull && sinceEmission >= hop {
            sinceEmission = 0
            accumulator.reset()
            for offset in 0..<held.count {
                let element = held[offset]
                accumulator.add(element.value, at: element.time)
            }
            emit(accumulator.summary(name: name, statistics: statistics,
                                     start: accumulator.firstTime, end: accumulator.lastTime))
        }
        ring = held
    }

    public var deadline: Timestamp? { nil }

    public mutating func poll(now: Timestamp, emit: (WindowSummary) -> Void) {}

    public mutating func setUTCOffset(_ offset: Int64) {}
}
