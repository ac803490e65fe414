import SensorgateCore

/// Streaming statistics of one window's values.
///
/// Everything but the median and the percentiles is O(1) memory: Welford's update for
/// mean and population standard deviation (stable when the values share a large offset),
/// Neumaier's compensated sum, the first and last value with their times (for `rate`).
/// The median and the percentiles keep the values, only when asked for, in a buffer that
/// is reused from window to window.
///
/// Two accumulators combine with ``merge(_:)`` (Chan et al.'s pairwise update), which is
/// how hopping windows build a window from its panes: adding partial results is as stable
/// as Welford's update, where removing a value from running moments is not.
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
    /// Monotonic times of `first` and `last`, in signed nanoseconds.
    @usableFromInline var firstTime: Int64 = 0
    @usableFromInline var lastTime: Int64 = 0
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

    /// Adds one value (never NaN: the window filters those) read at monotonic `time`.
    @inlinable
    mutating func add(_ x: Double, at time: Int64) {
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
        if count == 1 {
            first = x
            firstTime = time
        }
        last = x
        lastTime = time
        if keepsValues { values.append(x) }
    }

    /// Adds every value of `other`, which came after this accumulator's values in
    /// arrival order (so `first` stays, `last` is `other`'s).
    @usableFromInline
    mutating func merge(_ other: WindowAccumulator) {
        guard other.count > 0 else { return }
        if count == 0 {
            first = other.first
            firstTime = other.firstTime
        }
        let n = count + other.count
        let delta = other.mean - mean
        let weight = Double(other.count) / Double(n)
        squaredDeviations += other.squaredDeviations + delta * delta * Double(count) * weight
        mean += delta * weight
        count = n

        let total = sum + other.sum
        if abs(sum) >= abs(other.sum) {
            compensation += (sum - total) + other.sum
        } else {
            compensation += (other.sum - total) + sum
        }
        sum = total
        compensation += other.compensation

        if other.minimum < minimum { minimum = other.minimum }
        if other.maximum > maximum { maximum = other.maximum }
        last = other.last
        lastTime = other.lastTime
        if keepsValues { values.append(contentsOf: other.values) }
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
                                    first: first, last: last, firstTime: firstTime, lastTime: lastTime,
                                    sorted: entry.needsValues ? values[...] : [])
        return entry.value(moments)
    }

    /// Empties the accumulator, keeping the value buffer's capacity.
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
        firstTime = 0
        lastTime = 0
        values.removeAll(keepingCapacity: true)
    }
}

extension WindowAccumulator {
    /// The summary `[start, end)` of the values added so far, with `statistics` in order.
    @usableFromInline
    mutating func summary(name: String, statistics: [Statistic], start: Int64, end: Int64) -> WindowSummary {
        var values: [(Statistic, Double)] = []
        values.reserveCapacity(statistics.count)
        for statistic in statistics {
            values.append((statistic, value(of: statistic)))
        }
        return WindowSummary(name: name, start: Timestamp(signedNanoseconds: start),
                             end: Timestamp(signedNanoseconds: end), statistics: values)
    }
}
