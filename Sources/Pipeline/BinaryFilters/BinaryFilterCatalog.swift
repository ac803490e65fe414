import SensorgateCore

/// One profile name of a binary filter, how it is written and how it is made.
public struct BinaryFilterCatalogEntry: Sendable {
    public var name: String
    public var syntax: FilterSyntax
    public var make: @Sendable (FilterSettings) -> any BinaryFilter

    public init<Filter: ConfigurableBinaryFilter>(_ name: String, _ type: Filter.Type) {
        self.name = name
        syntax = Filter.syntax
        make = { Filter(settings: $0) }
    }
}

/// The filters a binary input's `filters:` can name, by profile name.
///
/// The same shape as ``FilterCatalog``: adding a binary filter means its type (one file
/// in `BinaryFilters/`), one line here, its section in DeviceProfiles/README.md and its
/// tests. The profile decoder and the gateway read this list.
public enum BinaryFilterCatalog {
    /// Every binary filter, in the order the documentation lists them.
    public static let entries: [BinaryFilterCatalogEntry] = [
        BinaryFilterCatalogEntry("invert", InvertFilter.self),
        BinaryFilterCatalogEntry("delayed_on", DelayedOnFilter.self),
        BinaryFilterCatalogEntry("delayed_off", DelayedOffFilter.self),
        BinaryFilterCatalogEntry("delayed_on_off", DelayedOnOffFilter.self),
        BinaryFilterCatalogEntry("settle", SettleFilter.self),
        BinaryFilterCatalogEntry("autorepeat", AutorepeatFilter.self),
        BinaryFilterCatalogEntry("debounce", DebounceFilter.self),
    ]

    /// Every profile name, in catalog order.
    public static var names: [String] { entries.map(\.name) }

    public static func entry(named name: String) -> BinaryFilterCatalogEntry? {
        entries.first { $0.name == name }
    }

    /// The running filter for `configuration`; nil for a name the catalog does not know
    /// (the profile decoder refuses those).
    public static func make(_ configuration: FilterConfiguration) -> (any BinaryFilter)? {
        entry(named: configuration.name)?.make(configuration.settings)
    }
}
