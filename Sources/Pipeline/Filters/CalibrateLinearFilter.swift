import SensorgateCore

/// `{ calibrate_linear: [[0.0, 0.0], [99.1, 100.0]] }`: maps what the sensor reads to
/// what it should say along the straight line through the points (`[read, true]`
/// pairs): through both points for two, the least-squares line for more.
public struct CalibrateLinearFilter: ConfigurableFilter {
    public let slope: Double
    public let intercept: Double

    public init(slope: Double, intercept: Double) {
        self.slope = slope
        self.intercept = intercept
    }

    /// The least-squares line through `points`; the identity if they do not determine
    /// one (the profile decoder refuses such points).
    public init(points: [FilterPoint]) {
        let fit = PolynomialFit.coefficients(points, degree: 1) ?? [0, 1]
        self.init(slope: fit[1], intercept: fit[0])
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        Reading(value: reading.value * slope + intercept, timestamp: reading.timestamp)
    }
}

extension CalibrateLinearFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("points", .points(count: 2...100), required: true)],
        shorthand: "points", example: "{ calibrate_linear: [[0.0, 0.0], [99.1, 100.0]] }",
        check: { settings in
            guard let points = settings.points("points"), PolynomialFit.coefficients(points, degree: 1) == nil else { return nil }
            return FilterSettingsProblem(at: "points", "the points need at least two different measured values (x)")
        })

    public init(settings: FilterSettings) { self.init(points: settings.points("points") ?? []) }
}
