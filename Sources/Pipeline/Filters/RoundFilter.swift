import SensorgateCore

/// `{ round: 1 }`: rounds to that many decimals, halves away from zero (21.25 -> 21.3
/// as far as binary floating point holds 21.25 exactly). NaN stays NaN.
public struct RoundFilter: ConfigurableFilter {
    public let decimals: Int
    @usableFromInline let scale: Double

    public init(decimals: Int) {
        self.decimals = decimals
        var scale = 1.0
        for _ in 0..<Swift.max(0, decimals) { scale *= 10 }
        self.scale = scale
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        Reading(value: (reading.value * scale).rounded(.toNearestOrAwayFromZero) / scale, timestamp: reading.timestamp)
    }
}

extension RoundFilter {
    public static let syntax = FilterSyntax([FilterParameter("decimals", .integer(0...9), required: true)],
                                            shorthand: "decimals", example: "{ round: 1 }")

    public init(settings: FilterSettings) { self.init(decimals: settings.integer("decimals") ?? 0) }
}
