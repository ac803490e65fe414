/// Least-squares polynomial fitting for the calibration filters.
enum PolynomialFit {
    /// The coefficients `c[0] + c[1] x + ... + c[degree] x^degree` minimising the squared
    /// error over `points`; nil when the points do not determine them (fewer distinct `x`
    /// than `degree + 1`). With exactly `degree + 1` distinct points the curve passes
    /// through every point.
    ///
    /// Solves the normal equations by Gaussian elimination with partial pivoting, on `x`
    /// centred and scaled to about [-1, 1] so that a degree 3 fit over 0...1000 stays well
    /// conditioned; the result is expanded back to powers of the raw `x`.
    static func coefficients(_ points: [FilterPoint], degree: Int) -> [Double]? {
        guard degree >= 0, !points.isEmpty else { return nil }
        let xs = points.map(\.x)
        let distinct = Set(xs).count
        guard distinct > degree else { return nil }
        let low = xs.min()!, high = xs.max()!
        let centre = (low + high) / 2
        let scale = high > low ? (high - low) / 2 : 1
        let n = degree + 1
        var matrix = Array(repeating: Array(repeating: 0.0, count: n + 1), count: n)
        for point in points {
            let u = (point.x - centre) / scale
            var powers = Array(repeating: 1.0, count: 2 * n - 1)
            for k in 1..<powers.count { powers[k] = powers[k - 1] * u }
            for row in 0..<n {
                for column in 0..<n { matrix[row][column] += powers[row + column] }
                matrix[row][n] += powers[row] * point.y
            }
        }
        for pivot in 0..<n {
            var best = pivot
            for row in pivot..<n where abs(matrix[row][pivot]) > abs(matrix[best][pivot]) { best = row }
            guard abs(matrix[best][pivot]) > 1e-12 else { return nil }
            matrix.swapAt(pivot, best)
            for row in 0..<n where row != pivot {
                let factor = matrix[row][pivot] / matrix[pivot][pivot]
                if factor == 0 { continue }
                for column in pivot...n { matrix[row][column] -= factor * matrix[pivot][column] }
            }
        }
        // Coefficients in u = (x - centre) / scale, then expanded into powers of x.
        let inU = (0..<n).map { matrix[$0][n] / matrix[$0][$0] }
        var inX = Array(repeating: 0.0, count: n)
        // (x - centre)^k / scale^k expanded with binomial coefficients.
        for k in 0..<n {
            let weight = inU[k] / pow(scale, k)
            var binomial = 1.0
            for j in 0...k {
                // term: C(k, j) x^j (-centre)^(k-j)
                inX[j] += weight * binomial * pow(-centre, k - j)
                binomial = binomial * Double(k - j) / Double(j + 1)
            }
        }
        return inX.allSatisfy(\.isFinite) ? inX : nil
    }

    /// Horner's evaluation of `coefficients` (lowest power first) at `x`.
    @inlinable
    static func evaluate(_ coefficients: [Double], at x: Double) -> Double {
        var result = 0.0
        var index = coefficients.count - 1
        while index >= 0 {
            result = result * x + coefficients[index]
            index -= 1
        }
        return result
    }

    private static func pow(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= base }
        return result
    }
}
