import SensorgateCore

/// `{ calibrate_polynomial: { degree: 2, points: [[0, 0], [50, 51.2], [100, 99]] } }`:
/// maps readings through the least-squares polynomial of `degree` over the `[read,
/// true]` points (through every point when there are exactly `degree + 1`).
public struct CalibratePolynomialFilter: ConfigurableFilter {
    /// Lowest power first.
    public let coefficients: [Double]

    public init(coefficients: [Double]) { self.coefficients = coefficients }

    public mutating func process(_ reading: Reading) -> Reading? {
        Reading(value: PolynomialFit.evaluate(coefficients, at: reading.value), timestamp: reading.timestamp)
    }
}

extension CalibratePolynomialFilter {
    public static let syntax = FilterSyntax(
        [FilterParameter("degree", .integer(1...5), required: true),
         FilterParameter("points", .points(count: 2...100), required: true)],
        example: "{ calibrate_polynomial: { degree: 2, points: [[0, 0], [50, 51.2], [100, 99]] } }",
        check: { settings in
            guard let degree = settings.integer("degree"), let points = settings.points("points"),
                  PolynomialFit.coefficients(points, degree: degree) == nil else { return nil }
            return FilterSettingsProblem(at: "points", "a degree \(degree) polynomial needs at least \(degree + 1) points with different measured values (x)")
        })

    public init(settings: FilterSettings) {
        let fit = PolynomialFit.coefficients(settings.points("points") ?? [], degree: settings.integer("degree") ?? 1)
        self.init(coefficients: fit ?? [0, 1])
    }
}
