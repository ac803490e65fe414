import SensorgateCore

/// One entry of `windows:`.
public struct WindowSpec: Sendable, Equatable {
    public var name: String
    public var kind: WindowKind
    public var stats: [Statistic]
    /// `align`, default true: time windows end on multiples of their hop (`every` for a
    /// tumbling window) on the UTC time line; false: on multiples after the first reading.
    public var alignedToWallClock: Bool
    /// How long the window takes between two summaries at most while readings come: a
    /// tumbling window's `every`, a hopping window's `hop`, the sensor's interval for a
    /// sliding window, `hop` readings' worth of the interval for a count window.
    public var every: Interval

    /// A tumbling window aligned to the wall clock.
    public init(name: String, every: Interval, stats: [Statistic]) {
        self.init(name: name, kind: .tumbling(every: every), stats: stats, publishingPeriod: every)
    }

    public init(name: String, kind: WindowKind, stats: [Statistic], alignedToWallClock: Bool = true,
                publishingPeriod: Interval) {
        self.name = name
        self.kind = kind
        self.stats = stats
        self.alignedToWallClock = alignedToWallClock
        self.every = publishingPeriod
    }
}

/// `type:` of a window and its sizes.
public enum WindowKind: Sendable, Equatable {
    /// Back to back windows of `every`.
    case tumbling(every: Interval)
    /// Windows of `length` starting every `hop` (`length` a whole number of hops).
    case hopping(length: Interval, hop: Interval)
    /// The readings of the last `length`, summarised at every reading.
    case sliding(length: Interval)
    /// Every `hop` readings, the last `readings` (`hop == readings`: tumbling by count).
    case count(readings: Int, hop: Int)

    /// The profile's name for the kind.
    public var name: String {
        switch self {
        case .tumbling: "tumbling"
        case .hopping: "hopping"
        case .sliding: "sliding"
        case .count: "count"
        }
    }
}
