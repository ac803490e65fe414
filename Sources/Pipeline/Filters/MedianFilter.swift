import SensorgateCore

/// `{ median: N }`: the median of the last `size` readings.
///
/// Emits on every reading, stamped with that reading's timestamp. While fewer than
/// `size` readings have been seen (warm-up) it emits the median of those seen so far.
/// For an even number of values the result is the mean of the two middle ones. NaN
/// readings occupy a place in the window but are left out of the median; if the window
/// holds only NaN the result is NaN.
///
/// The window is kept sorted incrementally in preallocated storage: each reading costs
/// O(`size`) moves and no allocation.
public struct MedianFilter: ConfigurableFilter {
    /// The number of readings the median is taken over (at least 1).
    public let size: Int

    /// The last `size` values in arrival order (NaN included).
    @usableFromInline var window: RingBuffer
    /// The non-NaN values of `window`, ascending, in `sorted[0..<sortedCount]`.
    @usableFromInline var sorted: [Double]
    @usableFromInline var sortedCount: Int

    /// A size below 1 is treated as 1.
    public init(size: Int) {
        self.size = Swift.max(1, size)
        window = RingBuffer(capacity: self.size)
        sorted = Array(repeating: 0, count: self.size)
        sortedCount = 0
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        let value = reading.value
        if let evicted = window.push(value), !evicted.isNaN {
            removeSorted(evicted)
        }
        if !value.isNaN {
            insertSorted(value)
        }
        return Reading(value: median, timestamp: reading.timestamp)
    }

    /// The current median, NaN while no number is in the window.
    @inlinable
    public var median: Double {
        let n = sortedCount
        if n == 0 { return .nan }
        if n & 1 == 1 { return sorted[n >> 1] }
        // Halving is exact, so this rounds once like (a + b) / 2 but cannot overflow.
        return sorted[(n >> 1) - 1] * 0.5 + sorted[n >> 1] * 0.5
    }

    /// First index in `sorted[0..<sortedCount]` whose value is not less than `value`.
    @inlinable
    func lowerBound(_ value: Double) -> Int {
        var low = 0
        var high = sortedCount
        while low < high {
            let mid = (low + high) >> 1
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    @inlinable
    mutating func insertSorted(_ value: Double) {
        let position = lowerBound(value)
        var i = sortedCount
        while i > position {
            sorted[i] = sorted[i - 1]
            i -= 1
        }
        sorted[position] = value
        sortedCount += 1
    }

    @inlinable
    mutating func removeSorted(_ value: Double) {
        // `value` is in the window and not NaN, so sorted[lowerBound(value)] == value.
        guard sortedCount > 0 else { return }
        var i = Swift.min(lowerBound(value), sortedCount - 1)
        while i < sortedCount - 1 {
            sorted[i] = sorted[i + 1]
            i += 1
        }
        sortedCount -= 1
    }
}

extension MedianFilter {
    public static let syntax = FilterSyntax([FilterParameter("size", .integer(1...101), required: true)],
                                            shorthand: "size", example: "{ median: 5 }")

    public init(settings: FilterSettings) {
        self.init(size: settings.integer("size") ?? 1)
    }
}

extension FilterConfiguration {
    public static func median(size: Int) -> FilterConfiguration {
        FilterConfiguration("median", FilterSettings(["size": .integer(size)]))
    }
}
