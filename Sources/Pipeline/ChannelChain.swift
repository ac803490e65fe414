import SensorgateCore

/// The processing of one sensor channel: a filter chain that shapes the state topic and
/// windows that summarise the raw readings.
///
/// Windows see every reading before any filter runs, so `min`/`max` catch the real
/// extremes and `count` is the number of successful reads, whatever the filters drop.
/// Filters run in list order, each on what the one before it passed.
///
/// Filters are held as existentials: the chain comes from the profile at run time. A
/// call through one costs a witness-table jump and no allocation: the array and each
/// filter's storage are uniquely referenced, so every filter mutates in place. Tumbling
/// windows, the common case, are held by value; the other kinds (hopping, sliding,
/// count) as existentials after them.
public struct ChannelChain: Sendable {
    @usableFromInline var stages: [any ReadingFilter]
    @usableFromInline var windows: [TumblingWindow]
    @usableFromInline var otherWindows: [any ReadingWindow]

    public init(filters: [any ReadingFilter], windows: [TumblingWindow], otherWindows: [any ReadingWindow] = []) {
        self.stages = filters
        self.windows = windows
        self.otherWindows = otherWindows
    }

    /// Runs one reading through: calls `window` for each window it closes (those close
    /// before the reading, so they come first), then `state` if it passes every filter.
    @inlinable
    public mutating func process(_ reading: Reading, state: (Reading) -> Void, window: (WindowSummary) -> Void) {
        for index in windows.indices {
            if let summary = windows[index].add(reading) { window(summary) }
        }
        for index in otherWindows.indices {
            otherWindows[index].add(reading, emit: window)
        }
        if let passed = filter(reading) { state(passed) }
    }

    /// Runs one reading through the filters only; nil if one of them stopped it.
    @inlinable
    public mutating func filter(_ reading: Reading) -> Reading? {
        filter(reading, from: 0)
    }

    /// Runs `reading` through the filters from `first` on.
    @inlinable
    mutating func filter(_ reading: Reading, from first: Int) -> Reading? {
        var current = reading
        var index = first
        while index < stages.count {
            guard let next = stages[index].process(current) else { return nil }
            current = next
            index += 1
        }
        return current
    }

    /// The earliest time the chain wants ``poll(now:state:window:)``: the end of an open
    /// window or a filter's own deadline (a heartbeat, a timeout).
    @inlinable
    public var deadline: Timestamp? {
        var earliest: Timestamp? = nil
        for index in windows.indices {
            if let end = windows[index].deadline, earliest.map({ end < $0 }) ?? true { earliest = end }
        }
        for index in otherWindows.indices {
            if let end = otherWindows[index].deadline, earliest.map({ end < $0 }) ?? true { earliest = end }
        }
        for index in stages.indices {
            if let due = stages[index].deadline, earliest.map({ due < $0 }) ?? true { earliest = due }
        }
        return earliest
    }

    /// Closes every window whose end is at or before `now`, calling `window` for each,
    /// then polls every filter whose deadline has come: what one emits runs through the
    /// filters after it and, if it passes, goes to `state`.
    public mutating func poll(now: Timestamp, state: (Reading) -> Void, window: (WindowSummary) -> Void) {
        poll(now: now, window: window)
        for index in stages.indices {
            guard let due = stages[index].deadline, due <= now else { continue }
            if let emitted = stages[index].poll(now: now), let passed = filter(emitted, from: index + 1) {
                state(passed)
            }
        }
    }

    /// Closes every window whose end is at or before `now`, calling `window` for each;
    /// the filters are left alone.
    @inlinable
    public mutating func poll(now: Timestamp, window: (WindowSummary) -> Void) {
        for index in windows.indices {
            if let summary = windows[index].poll(now: now) { window(summary) }
        }
        for index in otherWindows.indices {
            otherWindows[index].poll(now: now, emit: window)
        }
    }

    /// Sets the UTC offset of every window (see ``TumblingWindow/utcOffset``).
    public mutating func setUTCOffset(_ offset: Int64) {
        for index in windows.indices { windows[index].utcOffset = offset }
        for index in otherWindows.indices { otherWindows[index].setUTCOffset(offset) }
    }
}
