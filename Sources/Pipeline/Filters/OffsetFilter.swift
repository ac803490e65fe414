import SensorgateCore

/// `{ offset: 2.5 }`: adds a constant to every reading (NaN stays NaN).
public struct OffsetFilter: ConfigurableFilter {
    public let offset: Double

    public init(offset: Double) { self.offset = offset }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        Reading(value: reading.value + offset, timestamp: reading.timestamp)
    }
}

extension OffsetFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("value", .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude), required: true)],
        shorthand: "value", example: "{ offset: -1.5 }")

    public init(settings: FilterSettings) { self.init(offset: settings.number("value") ?? 0) }
}
