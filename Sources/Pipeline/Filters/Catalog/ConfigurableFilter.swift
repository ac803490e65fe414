import SensorgateCore

/// A filter the profile can name: it declares how it is written (``syntax``) and is made
/// from the settings decoded against that declaration. One line in ``FilterCatalog``
/// makes it available under its profile name.
public protocol ConfigurableFilter: ReadingFilter {
    static var syntax: FilterSyntax { get }
    init(settings: FilterSettings)

    /// How often the filter passes readings on, given how often they arrive (`input`, nil
    /// when that is not predictable): nil when it is not predictable either (a delta
    /// filter). Home Assistant's `expire_after` is derived from it.
    static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval?
}

extension ConfigurableFilter {
    /// Most filters pass a reading on for each one they get.
    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? { input }
}
