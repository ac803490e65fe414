import SensorgateCore

/// `{ round_to_multiple_of: 0.5 }`: rounds to the nearest multiple, halves away from
/// zero (21.25 -> 21.5). NaN stays NaN.
public struct RoundToMultipleFilter: ConfigurableFilter {
    public let multiple: Double

    public init(multiple: Double) { self.multiple = multiple }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        Reading(value: (reading.value / multiple).rounded(.toNearestOrAwayFromZero) * multiple, timestamp: reading.timestamp)
    }
}

extension RoundToMultipleFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("value", .number(Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude), required: true)],
        shorthand: "value", example: "{ round_to_multiple_of: 0.5 }")

    public init(settings: FilterSettings) { self.init(multiple: settings.number("value") ?? 1) }
}
