import SensorgateCore

/// The processing of one sensor channel: a filter chain that shapes the state topic and
/// tumbling windows that summarise the raw readings.
///
/// Windows see every reading before any filter runs, so `min`/`max` catch the real
/// extremes and `count` is the number of successful reads, whatever the filters drop.
public struct ChannelChain: Sendable {
    @usableFromInline var stages: [FilterStage]
    @usableFromInline var windows: [TumblingWindow]

    /// Built-in filters are unwrapped into their ``FilterStage`` case; any other filter
    /// runs through the existential.
    public init(filters: [any ReadingFilter], windows: [TumblingWindow]) {
        self.init(stages: filters.map { FilterStage($0) }, windows: windows)
    }

    public init(stages: [FilterStage], windows: [TumblingWindow]) {
        self.stages = stages
        self.windows = windows
    }

    /// Runs one reading through: calls `window` for each window it closes (those close
    /// before the reading, so they come first), then `state` if it passes every filter.
    @inlinable
    public mutating func process(_ reading: Reading, state: (Reading) -> Void, window: (WindowSummary) -> Void) {
        for index in windows.indices {
            if let summary = windows[index].add(reading) { window(summary) }
        }
        if let passed = filter(reading) { state(passed) }
    }

    /// Runs one reading through the filters only; nil if one of them stopped it.
    @inlinable
    public mutating func filter(_ reading: Reading) -> Reading? {
        var current = reading
        for index in stages.indices {
            guard let next = stages[index].process(current) else { return nil }
            current = next
        }
        return current
    }

    /// The earliest end of an open window, if any window holds readings.
    @inlinable
    public var deadline: Timestamp? {
        var earliest: Timestamp? = nil
        for index in windows.indices {
            if let end = windows[index].deadline, earliest.map({ end < $0 }) ?? true { earliest = end }
        }
        return earliest
    }

    /// Closes every window whose end is at or before `now`, calling `window` for each.
    @inlinable
    public mutating func poll(now: Timestamp, window: (WindowSummary) -> Void) {
        for index in windows.indices {
            if let summary = windows[index].poll(now: now) { window(summary) }
        }
    }

    /// Sets the UTC offset of every window (see ``TumblingWindow/utcOffset``).
    public mutating func setUTCOffset(_ offset: Int64) {
        for index in windows.indices { windows[index].utcOffset = offset }
    }
}
