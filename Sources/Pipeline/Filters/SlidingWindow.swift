import SensorgateCore

/// The last `size` readings of a channel, with an emission due every `every` readings:
/// what the sliding filters (`sliding_average`, `min`, `max`, `quantile`) share, and their
/// `size` and `every` settings. NaN readings occupy a place in the window; each filter
/// leaves them out of its result.
@usableFromInline
struct SlidingWindow: Sendable {
    @usableFromInline var values: RingBuffer
    @usableFromInline let every: Int
    @usableFromInline var sinceEmission = 0

    /// Values below 1 are treated as 1.
    @usableFromInline
    init(size: Int, every: Int) {
        values = RingBuffer(capacity: Swift.max(1, size))
        self.every = Swift.max(1, every)
    }

    /// Adds `value`; true when this reading completes `every` readings since the last emission.
    @inlinable
    mutating func push(_ value: Double) -> Bool {
        _ = values.push(value)
        sinceEmission += 1
        guard sinceEmission >= every else { return false }
        sinceEmission = 0
        return true
    }

    /// The number in the window that `isBetter` prefers to every other, NaN if it holds none.
    @inlinable
    func extremeNumber(_ isBetter: (Double, Double) -> Bool) -> Double {
        var result = Double.nan
        for i in 0..<values.count {
            let value = values[i]
            if !value.isNaN && (result.isNaN || isBetter(value, result)) { result = value }
        }
        return result
    }

    // MARK: Profile syntax

    static let sizeParameter = FilterParameter("size", .integer(1...1000), required: true)
    static let everyParameter = FilterParameter("every", .integer(1...1000), default: .integer(1))

    /// `every` may not exceed `size`: readings would pass through the window unseen.
    static let everyWithinSize: @Sendable (FilterSettings) -> FilterSettingsProblem? = { settings in
        guard let size = settings.integer("size"), let every = settings.integer("every"), every > size else { return nil }
        return FilterSettingsProblem(at: "every", "every (\(every)) must not exceed size (\(size))")
    }

    /// One value per `every` readings.
    static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        input.map { $0 * Int64(settings.integer("every") ?? 1) }
    }
}
