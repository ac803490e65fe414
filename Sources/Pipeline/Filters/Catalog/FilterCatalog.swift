import SensorgateCore

/// One profile filter name, how it is written and how it is made.
public struct FilterCatalogEntry: Sendable {
    public var name: String
    public var syntax: FilterSyntax
    public var make: @Sendable (FilterSettings) -> any ReadingFilter
    public var publishingPeriod: @Sendable (Interval?, FilterSettings) -> Interval?

    public init<Filter: ConfigurableFilter>(_ name: String, _ type: Filter.Type) {
        self.name = name
        syntax = Filter.syntax
        make = { Filter(settings: $0) }
        publishingPeriod = { Filter.publishingPeriod(after: $0, $1) }
    }
}

/// The filters a channel's `filters:` can name, by profile name.
///
/// An explicit list, like the driver catalog: adding a filter means its type (one file in
/// `Filters/`), one line here, its section in DeviceProfiles/README.md and its tests. The
/// profile decoder, the gateway and Home Assistant's discovery all read this list.
public enum FilterCatalog {
    /// Every filter, in the order the documentation lists them.
    public static let entries: [FilterCatalogEntry] = [
        FilterCatalogEntry("offset", OffsetFilter.self),
        FilterCatalogEntry("multiply", MultiplyFilter.self),
        FilterCatalogEntry("calibrate_linear", CalibrateLinearFilter.self),
        FilterCatalogEntry("calibrate_polynomial", CalibratePolynomialFilter.self),
        FilterCatalogEntry("clamp", ClampFilter.self),
        FilterCatalogEntry("round", RoundFilter.self),
        FilterCatalogEntry("round_to_multiple_of", RoundToMultipleFilter.self),
        FilterCatalogEntry("filter_out", FilterOutFilter.self),
        FilterCatalogEntry("median", MedianFilter.self),
        FilterCatalogEntry("quantile", QuantileFilter.self),
        FilterCatalogEntry("min", MinimumFilter.self),
        FilterCatalogEntry("max", MaximumFilter.self),
        FilterCatalogEntry("sliding_average", SlidingAverageFilter.self),
        FilterCatalogEntry("exponential_average", ExponentialAverageFilter.self),
        FilterCatalogEntry("skip_initial", SkipInitialFilter.self),
        FilterCatalogEntry("throttle", ThrottleFilter.self),
        FilterCatalogEntry("throttle_average", ThrottleAverageFilter.self),
        FilterCatalogEntry("heartbeat", HeartbeatFilter.self),
        FilterCatalogEntry("timeout", TimeoutFilter.self),
        FilterCatalogEntry("delta", DeltaFilter.self),
        FilterCatalogEntry("or", OrFilter.self),
    ]

    /// Every profile name, in catalog order.
    public static var names: [String] { entries.map(\.name) }

    public static func entry(named name: String) -> FilterCatalogEntry? {
        entries.first { $0.name == name }
    }

    /// The running filter for `configuration`; nil for a name the catalog does not know
    /// (the profile decoder refuses those).
    public static func make(_ configuration: FilterConfiguration) -> (any ReadingFilter)? {
        entry(named: configuration.name)?.make(configuration.settings)
    }

    /// How often a chain of `filters` publishes, readings arriving every `input`
    /// (see ``ConfigurableFilter/publishingPeriod(after:_:)``).
    public static func publishingPeriod(of filters: [FilterConfiguration], input: Interval?) -> Interval? {
        var period = input
        for filter in filters {
            guard let entry = entry(named: filter.name) else { continue }
            period = entry.publishingPeriod(period, filter.settings)
        }
        return period
    }
}
