import SensorgateCore

/// `{ skip_initial: 3 }`: drops the first N readings (a part's first conversions after
/// power-up), then passes everything.
public struct SkipInitialFilter: ConfigurableFilter {
    public let count: Int
    @usableFromInline var skipped: Int

    public init(count: Int) {
        self.count = count
        skipped = 0
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        if skipped < count {
            skipped += 1
            return nil
        }
        return reading
    }
}

extension SkipInitialFilter {
    public static let syntax = FilterSyntax([FilterParameter("count", .integer(1...10_000), required: true)],
                                            shorthand: "count", example: "{ skip_initial: 3 }")

    public init(settings: FilterSettings) { self.init(count: settings.integer("count") ?? 0) }
}
