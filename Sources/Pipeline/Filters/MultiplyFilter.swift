import SensorgateCore

/// `{ multiply: 1.8 }`: multiplies every reading by a constant (NaN stays NaN).
public struct MultiplyFilter: ConfigurableFilter {
    public let factor: Double

    public init(factor: Double) { self.factor = factor }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        Reading(value: reading.value * factor, timestamp: reading.timestamp)
    }
}

extension MultiplyFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("value", .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude), required: true)],
        shorthand: "value", example: "{ multiply: 1.8 }")

    public init(settings: FilterSettings) { self.init(factor: settings.number("value") ?? 1) }
}
