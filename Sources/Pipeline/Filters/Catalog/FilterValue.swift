import SensorgateCore

/// One decoded setting of a filter.
public enum FilterValue: Sendable, Equatable {
    case integer(Int)
    case number(Double)
    case duration(Interval)
    case boolean(Bool)
    /// A word of a `numberOrChoice` setting.
    case choice(String)
    case numbers([Double])
    case points([FilterPoint])
    case filters([FilterConfiguration])

    /// NaN equals NaN here: `filter_out: [nan]` decoded twice is the same setting.
    public static func == (lhs: FilterValue, rhs: FilterValue) -> Bool {
        switch (lhs, rhs) {
        case let (.integer(a), .integer(b)): return a == b
        case let (.number(a), .number(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.duration(a), .duration(b)): return a == b
        case let (.boolean(a), .boolean(b)): return a == b
        case let (.choice(a), .choice(b)): return a == b
        case let (.numbers(a), .numbers(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        case let (.points(a), .points(b)): return a == b
        case let (.filters(a), .filters(b)): return a == b
        default: return false
        }
    }
}

/// A calibration point: what the sensor reads (`x`) and what it should say (`y`).
public struct FilterPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double

    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}
