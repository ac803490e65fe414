import SensorgateCore

/// `{ clamp: { min: 0, max: 100, drop: false } }`: limits readings to `[min, max]` (either
/// bound may be left out); with `drop: true` a reading outside is dropped instead of
/// moved to the bound. NaN passes unchanged.
public struct ClampFilter: ConfigurableFilter {
    public let minimum: Double
    public let maximum: Double
    public let drops: Bool

    public init(minimum: Double = -.infinity, maximum: Double = .infinity, drops: Bool = false) {
        self.minimum = minimum
        self.maximum = maximum
        self.drops = drops
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        let value = reading.value
        if value < minimum { return drops ? nil : Reading(value: minimum, timestamp: reading.timestamp) }
        if value > maximum { return drops ? nil : Reading(value: maximum, timestamp: reading.timestamp) }
        return reading
    }
}

extension ClampFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("min", .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)),
         FilterParameter("max", .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)),
         FilterParameter("drop", .boolean, default: .boolean(false))],
        example: "{ clamp: { min: 0, max: 100 } }",
        check: { settings in
            let low = settings.number("min"), high = settings.number("max")
            if low == nil && high == nil { return FilterSettingsProblem(at: nil, "give min, max or both") }
            if let low, let high, low > high {
                return FilterSettingsProblem(at: "max", "max is below min")
            }
            return nil
        })

    public init(settings: FilterSettings) {
        self.init(minimum: settings.number("min") ?? -.infinity, maximum: settings.number("max") ?? .infinity,
                  drops: settings.boolean("drop") ?? false)
    }

    /// A dropping clamp passes only some readings.
    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        settings.boolean("drop") == true ? nil : input
    }
}
