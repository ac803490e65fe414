import SensorgateCore

/// `{ delta: T }` or `{ delta: { percent: P } }`: passes the first reading, then only
/// readings that differ from the last passed one by at least `T` (`|value - lastPassed|
/// >= T`), or by at least `P` percent of the last passed value's magnitude.
///
/// A difference that equals the threshold except for the rounding of binary floating
/// point passes: with `delta: 0.1`, 21.1 -> 21.2 passes although `21.2 - 21.1` is
/// 0.09999999999999787 in doubles. An unchanged value never passes a positive threshold.
/// With a percentage, any change from 0 passes. NaN ("no value") counts as a change from
/// a number and a number as a change from NaN; NaN after NaN is dropped.
public struct DeltaFilter: ConfigurableFilter {
    /// The absolute threshold, or the percentage when ``isPercent``.
    public let threshold: Double
    public let isPercent: Bool

    @usableFromInline var lastPassed: Double?

    public init(threshold: Double, percent: Bool = false) {
        self.threshold = threshold
        self.isPercent = percent
        self.lastPassed = nil
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        let value = reading.value
        guard let last = lastPassed else {
            lastPassed = value
            return reading
        }
        if value.isNaN || last.isNaN {
            if value.isNaN && last.isNaN { return nil }
            lastPassed = value
            return reading
        }
        let difference = abs(value - last)
        let needed = isPercent ? abs(last) * threshold / 100 : threshold
        // An unchanged value is no change in percent of anything, 0 included.
        if isPercent && difference == 0 { return nil }
        if difference >= needed || (difference > 0 && needed - difference <= Self.tolerance(value, last)) {
            lastPassed = value
            return reading
        }
        return nil
    }

    /// A few units in the last place of the larger operand: the rounding error of a
    /// difference of two doubles that were themselves rounded from decimal.
    @inlinable
    static func tolerance(_ a: Double, _ b: Double) -> Double {
        8 * Double.ulpOfOne * Swift.max(abs(a), abs(b))
    }
}

extension DeltaFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("value", .number(Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude)),
         FilterParameter("percent", .number(Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude))],
        shorthand: "value", example: "{ delta: 0.1 } or { delta: { percent: 5 } }",
        check: { settings in
            switch (settings.number("value"), settings.number("percent")) {
            case (nil, nil): return FilterSettingsProblem(at: nil, "give the change as value or as percent")
            case (.some, .some): return FilterSettingsProblem(at: "percent", "give either value or percent, not both")
            default: return nil
            }
        })

    public init(settings: FilterSettings) {
        if let percent = settings.number("percent") {
            self.init(threshold: percent, percent: true)
        } else {
            self.init(threshold: settings.number("value") ?? 0)
        }
    }

    /// Passes changes only: when is not predictable.
    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? { nil }
}

extension FilterConfiguration {
    public static func delta(threshold: Double) -> FilterConfiguration {
        FilterConfiguration("delta", FilterSettings(["value": .number(threshold)]))
    }
}
