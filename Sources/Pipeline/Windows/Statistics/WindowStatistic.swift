import SensorgateCore

/// One statistic a window can publish: its profile name and how it is computed from the
/// window's streaming moments. One file per statistic, one line in
/// ``WindowStatisticCatalog``.
public protocol WindowStatistic: Sendable {
    static var name: String { get }
    /// True when the statistic needs the window's values themselves (kept, and sorted
    /// before ``value(_:)``), not only the running moments.
    static var needsValues: Bool { get }
    /// The value of an empty window: NaN unless the statistic has a natural zero.
    static var emptyValue: Double { get }
    /// The statistic of a window with at least one value.
    static func value(_ moments: WindowMoments) -> Double
}

extension WindowStatistic {
    public static var needsValues: Bool { false }
    public static var emptyValue: Double { .nan }
}

/// What a closing window offers its statistics: the running moments, and the values
/// sorted ascending when a statistic asked for them.
public struct WindowMoments {
    public var count: Int
    public var mean: Double
    /// Welford's sum of squared deviations from the mean.
    public var squaredDeviations: Double
    /// Neumaier's compensated sum.
    public var sum: Double
    public var minimum: Double
    public var maximum: Double
    public var first: Double
    public var last: Double
    /// Monotonic times of `first` and `last`, in signed nanoseconds.
    public var firstTime: Int64
    public var lastTime: Int64
    /// Ascending; empty unless a statistic of the window ``WindowStatistic/needsValues``.
    public var sorted: ArraySlice<Double>
}
