import SensorgateCore

/// `{ quantile: { size: 9, q: 0.9, every: 1 } }`: the `q` quantile of the last `size`
/// readings by nearest rank (the `ceil(q * n)`-th smallest, the smallest for `q: 0`),
/// emitted every `every` readings like ``SlidingAverageFilter``. NaN readings occupy a
/// place but are left out; a window of only NaN emits NaN.
public struct QuantileFilter: ConfigurableFilter {
    public let quantile: Double

    @usableFromInline var window: SlidingWindow
    /// Scratch space for sorting, allocated once.
    @usableFromInline var scratch: [Double]

    public init(size: Int, quantile: Double, every: Int = 1) {
        self.quantile = Swift.min(1, Swift.max(0, quantile))
        window = SlidingWindow(size: size, every: every)
        scratch = Array(repeating: 0, count: window.values.capacity)
    }

    public mutating func process(_ reading: Reading) -> Reading? {
        guard window.push(reading.value) else { return nil }
        return Reading(value: current, timestamp: reading.timestamp)
    }

    /// The quantile of the window's numbers, NaN if it holds none.
    public var current: Double {
        mutating get {
            var n = 0
            for i in 0..<window.values.count where !window.values[i].isNaN {
                scratch[n] = window.values[i]
                n += 1
            }
            if n == 0 { return .nan }
            scratch[0..<n].sort()
            let rank = Swift.max(1, Int((quantile * Double(n)).rounded(.up)))
            return scratch[Swift.min(n, rank) - 1]
        }
    }
}

extension QuantileFilter {
    public static let syntax = FilterSyntax(
        [SlidingWindow.sizeParameter, FilterParameter("q", .number(0...1), required: true), SlidingWindow.everyParameter],
        example: "{ quantile: { size: 9, q: 0.9 } }", check: SlidingWindow.everyWithinSize)

    public init(settings: FilterSettings) {
        self.init(size: settings.integer("size") ?? 1, quantile: settings.number("q") ?? 0.5,
                  every: settings.integer("every") ?? 1)
    }

    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        SlidingWindow.publishingPeriod(after: input, settings)
    }
}
