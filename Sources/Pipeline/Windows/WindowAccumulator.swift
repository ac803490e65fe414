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

    /// Whether any of `statistics` needs the values kept.
    @usableFromInline
    static func keepsValues(for statistics: [Statistic]) -> Bool {
        statistics.contains { WindowStatisticCatalog.entry(for: $0)?.needsValues == true }
    }

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

    /// The value of `statistic` over the values added so far (its empty value for an
    /// empty window, NaN for a name the catalog does not know). Sorts the kept values for
    /// a statistic that needs them.
    @usableFromInline
    mutating func value(of statistic: Statistic) -> Double {
        guard let entry = WindowStatisticCatalog.entry(for: statistic) else { return .nan }
        if count == 0 { return entry.emptyValue }
        if entry.needsValues {
            guard keepsValues else { return .nan }
            values.sort()
        }
        let moments = WindowMoments(count: count, mean: mean, squaredDeviations: squaredDeviations,
                                    sum: sum + compensation, minimum: minimum, maximum: maximum,
                                    first: first, last: last, sorted: entry.needsValues ? values[...] : [])
        return entry.value(moments)
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
