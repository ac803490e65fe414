import SensorgateCore

/// `{ filter_out: [85, nan] }` (or one value, `{ filter_out: 85 }`): drops readings equal
/// to one of the values exactly; `nan` drops NaN readings (a failed conversion).
public struct FilterOutFilter: ConfigurableFilter {
    public let values: [Double]
    public let dropsNaN: Bool

    public init(values: [Double]) {
        self.values = values.filter { !$0.isNaN }
        self.dropsNaN = values.contains { $0.isNaN }
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        let value = reading.value
        if value.isNaN { return dropsNaN ? nil : reading }
        for excluded in values where excluded == value { return nil }
        return reading
    }
}

extension FilterOutFilter {
    public static let syntax = FilterSyntax([FilterParameter("values", .numbers(count: 1...100), required: true)],
                                            shorthand: "values", example: "{ filter_out: [85, nan] }")

    public init(settings: FilterSettings) { self.init(values: settings.numbers("values") ?? []) }

    /// Passes only some readings.
    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? { nil }
}
