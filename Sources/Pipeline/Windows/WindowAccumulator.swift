import SensorgateCore

/// Streaming statistics of one window's values.
///
/// Everything but the median is O(1) memory: Welford's update for mean and population
/// standard deviation (stable when the values share a large offset), Neumaier's
/// compensated sum. The median keeps the values, only when asked for, in a buffer that
/// is reused from window to window.
@usableFromInline
struct WindowAccumulator: Sendable {
    @usableFromInline var count: Int = 0
    @usableFromInline var mean: Double = 0
    /// Sum of squared deviations from the mean (Welford's M2).
    @usableFromInline var squaredDeviations: Double = 0
    @usableFromInline var sum: Double = 0
    /// Neumaier's running compensation for `sum`.
    @usableFromInline var compensation: Double = 0
    @usableFromInline var minimum: Double = .infinity
    @usableFromInline var maximum: Double = -.infinity
    @usableFromInline var first: Double = .nan
    @usableFromInline var last: Double = .nan
    @usableFromInline let keepsValues: Bool
    @usableFromInline var values: [Double] = []

    @usableFromInline
    init(keepsValues: Bool) {
        self.keepsValues = keepsValues
    }

    @inlinable
    var isEmpty: Bool { count == 0 }

    /// Adds one value (never NaN: the window filters those).
    @inlinable
    mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        squaredDeviations += delta * (x - mean)

        let total = sum + x
        if abs(sum) >= abs(x) {
            compensation += (sum - total) + x
        } else {
            compensation += (x - total) + sum
        }
        sum = total

        if x < minimum { minimum = x }
        if x > maximum { maximum = x }
        if count == 1 { first = x }
        last = x
        if keepsValues { values.append(x) }
    }

    /// The value of `statistic` over the values added so far (NaN for an empty window).
    /// Sorts the kept values for the median.
    @usableFromInline
    mutating func value(of statistic: Statistic) -> Double {
        if count == 0 { return statistic == .count || statistic == .sum ? 0 : .nan }
        switch statistic {
        case .mean: return mean
        case .min: return minimum
        case .max: return maximum
        case .count: return Double(count)
        case .sum: return sum + compensation
        case .first: return first
        case .last: return last
        case .stddev: return (squaredDeviations / Double(count)).squareRoot()
        case .median:
            guard keepsValues else { return .nan }
            values.sort()
            let n = values.count
            if n & 1 == 1 { return values[n >> 1] }
            return values[(n >> 1) - 1] * 0.5 + values[n >> 1] * 0.5
        }
    }

    /// Empties the accumulator, keeping the median buffer's capacity.
    @usableFromInline
    mutating func reset() {
        count = 0
        mean = 0
        squaredDeviations = 0
        sum = 0
        compensation = 0
        minimum = .infinity
        maximum = -.infinity
        first = .nan
        last = .nan
        values.removeAll(keepingCapacity: true)
    }
}
