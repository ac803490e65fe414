/// One entry of a channel's `filters:` as the profile gives it: the filter's catalog name
/// and its decoded settings. ``FilterCatalog/make(_:)`` turns it into the running filter.
public struct FilterConfiguration: Sendable, Equatable {
    /// The profile name: `median`, `throttle`.
    public var name: String
    public var settings: FilterSettings

    public init(_ name: String, _ settings: FilterSettings = FilterSettings()) {
        self.name = name
        self.settings = settings
    }
}
