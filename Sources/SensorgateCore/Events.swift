/// One numeric value from a sensor channel, stamped at its source.
public struct Reading: Sendable, Equatable {
    public var value: Double
    public var timestamp: Timestamp

    @inlinable
    public init(value: Double, timestamp: Timestamp) {
        self.value = value
        self.timestamp = timestamp
    }
}

/// Which way a line moved, in logical terms (active-low already applied).
public enum EdgeKind: UInt8, Sendable, Equatable {
    /// Logical inactive to active.
    case rising
    /// Logical active to inactive.
    case falling

    /// The logical level after this edge.
    @inlinable public var levelAfter: Bool { self == .rising }
}

/// One edge reported by a GPIO chip (real or simulated) for a requested line.
public struct EdgeEvent: Sendable, Equatable {
    /// The line's offset on its chip.
    public var offset: UInt32
    public var kind: EdgeKind
    /// Kernel monotonic timestamp of the edge.
    public var timestamp: Timestamp

    @inlinable
    public init(offset: UInt32, kind: EdgeKind, timestamp: Timestamp) {
        self.offset = offset
        self.kind = kind
        self.timestamp = timestamp
    }
}

/// A value ready to be encoded: what a channel's chain emits.
public enum SampleValue: Sendable, Equatable {
    case number(Double)
    case bool(Bool)
}

/// A statistic a window can compute, by its profile name (`mean`). What each computes
/// is in the window statistic catalog (`Pipeline`); the ones the code names are here.
public struct Statistic: RawRepresentable, Hashable, Sendable {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let mean = Statistic(rawValue: "mean")
    public static let min = Statistic(rawValue: "min")
    public static let max = Statistic(rawValue: "max")
    public static let count = Statistic(rawValue: "count")
    public static let sum = Statistic(rawValue: "sum")
    public static let first = Statistic(rawValue: "first")
    public static let last = Statistic(rawValue: "last")
    public static let stddev = Statistic(rawValue: "stddev")
    public static let median = Statistic(rawValue: "median")
}

/// The result of a closed window: `[start, end)` and the statistics asked for, in order.
public struct WindowSummary: Sendable, Equatable {
    public var name: String
    public var start: Timestamp
    public var end: Timestamp
    public var statistics: [(Statistic, Double)]

    public init(name: String, start: Timestamp, end: Timestamp, statistics: [(Statistic, Double)]) {
        self.name = name
        self.start = start
        self.end = end
        self.statistics = statistics
    }

    public static func == (lhs: WindowSummary, rhs: WindowSummary) -> Bool {
        lhs.name == rhs.name && lhs.start == rhs.start && lhs.end == rhs.end
            && lhs.statistics.count == rhs.statistics.count
            && zip(lhs.statistics, rhs.statistics).allSatisfy { $0.0 == $1.0 && ($0.1 == $1.1 || ($0.1.isNaN && $1.1.isNaN)) }
    }
}
