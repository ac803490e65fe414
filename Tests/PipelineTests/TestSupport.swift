import Pipeline
import SensorgateCore

/// Monotonic timestamps in readable units for tables.
extension Timestamp {
    static func ms(_ value: Int64) -> Timestamp { Timestamp(nanoseconds: UInt64(value) * 1_000_000) }
    static func s(_ value: Int64) -> Timestamp { Timestamp(nanoseconds: UInt64(value) * 1_000_000_000) }
}

extension Reading {
    /// A reading at `seconds` on the monotonic time line.
    static func at(_ seconds: Int64, _ value: Double) -> Reading { Reading(value: value, timestamp: .s(seconds)) }
}

let second: Int64 = 1_000_000_000

/// `|a - b| <= tolerance`, NaN equal to NaN.
func close(_ a: Double, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return abs(a - b) <= tolerance
}

/// A small deterministic generator (xorshift64) for property tests.
struct XorShift {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// A filter that is not in the catalog: scales and counts what it sees.
struct ScaleFilter: ReadingFilter {
    var factor: Double
    var seen = 0
    mutating func process(_ reading: Reading) -> Reading? {
        seen += 1
        return Reading(value: reading.value * factor, timestamp: reading.timestamp)
    }
}
