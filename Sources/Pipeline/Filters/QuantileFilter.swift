import SensorgateCore

/// `{ quantile: { size: 9, q: 0.9, every: 1 } }`: the `q` quantile of the last `size`
/// readings by nearest rank (the `ceil(q * n)`-th smallest, the smallest for `q: 0`),
/// emitted every `every` readings like ``SlidingAverageFilter``. NaN readings occupy a
/// place but are left out; a window of only NaN emits NaN.
public struct QuantileFilter: ConfigurableFilter {
    public let size: Int
    public let every: Int
    public let quantile: Double

    @usableFromInline var window: RingBuffer
    /// Scratch space for sorting, allocated once.
    @usableFromInline var scratch: [Double]
    @usableFromInline var sinceEmission: Int

    public init(size: Int, quantile: Double, every: Int = 1) {
        self.size = Swift.max(1, size)
        self.every = Swift.max(1, every)
        self.quantile = Swift.min(1, Swift.max(0, quantile))
        window = RingBuffer(capacity: self.size)
        scratch = Array(repeating: 0, count: self.size)
        sinceEmission = 0
    }

    public mutating func process(_ reading: Reading) -> Reading? {
        _ = window.push(reading.value)
        sinceEmission += 1
        guard sinceEmission >= every else { return nil }
        sinceEmission = 0
        return Reading(value: current, timestamp: reading.timestamp)
    }

    /// The quantile of the window's numbers, NaN if it holds none.
    public var current: Double {
        mutating get {
            var n = 0
            for i in 0..<window.count where !window[i].isNaN {
                scratch[n] = window[i]
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
        [FilterParameter("size", .integer(1...1000), required: true),
         FilterParameter("q", .number(0...1), required: true),
         FilterParameter("every", .integer(1...1000), default: .integer(1))],
        example: "{ quantile: { size: 9, q: 0.9 } }",
        check: { settings in
            guard let size = settings.integer("size"), let every = settings.integer("every"), every > size else { return nil }
            return FilterSettingsProblem(at: "every", "every (\(every)) must not exceed size (\(size))")
        })

    public init(settings: FilterSettings) {
        self.init(size: settings.integer("size") ?? 1, quantile: settings.number("q") ?? 0.5,
                  every: settings.integer("every") ?? 1)
    }

    public static func publishingPeriod(after input: Interval?, _ settings: FilterSettings) -> Interval? {
        input.map { $0 * Int64(settings.integer("every") ?? 1) }
    }
}
