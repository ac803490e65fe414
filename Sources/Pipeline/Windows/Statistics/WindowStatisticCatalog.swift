import SensorgateCore

/// One statistic of the catalog, by name.
public struct WindowStatisticEntry: Sendable {
    public var name: String
    public var needsValues: Bool
    public var emptyValue: Double
    public var value: @Sendable (WindowMoments) -> Double

    public init<S: WindowStatistic>(_ type: S.Type) {
        name = S.name
        needsValues = S.needsValues
        emptyValue = S.emptyValue
        value = { S.value($0) }
    }

    /// An entry whose name carries a parameter (``PercentileStatistic``).
    public init(name: String, needsValues: Bool, emptyValue: Double,
                value: @escaping @Sendable (WindowMoments) -> Double) {
        self.name = name
        self.needsValues = needsValues
        self.emptyValue = emptyValue
        self.value = value
    }
}

/// The statistics `windows:` (and `pulse_width:`) can ask for. Adding one means its type
/// (one file in `Windows/Statistics/`), one line here, its row in DeviceProfiles/README.md
/// and its tests; the profile decoder and the payloads take the names from here.
public enum WindowStatisticCatalog {
    public static let entries: [WindowStatisticEntry] = [
        WindowStatisticEntry(MeanStatistic.self),
        WindowStatisticEntry(MinimumStatistic.self),
        WindowStatisticEntry(MaximumStatistic.self),
        WindowStatisticEntry(CountStatistic.self),
        WindowStatisticEntry(SumStatistic.self),
        WindowStatisticEntry(FirstStatistic.self),
        WindowStatisticEntry(LastStatistic.self),
        WindowStatisticEntry(StandardDeviationStatistic.self),
        WindowStatisticEntry(MedianStatistic.self),
        WindowStatisticEntry(RateStatistic.self),
    ]

    /// Every statistic with a fixed name, in catalog order (percentiles, `p<p>`, are
    /// named by their parameter: ``PercentileStatistic``).
    public static var all: [Statistic] { entries.map { Statistic(rawValue: $0.name) } }

    public static func entry(for statistic: Statistic) -> WindowStatisticEntry? {
        entries.first { $0.name == statistic.rawValue } ?? PercentileStatistic.entry(for: statistic)
    }
}
