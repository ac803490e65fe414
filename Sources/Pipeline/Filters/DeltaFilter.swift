import SensorgateCore

/// `{ delta: T }`: passes the first reading, then only readings that differ from the
/// last passed one by at least `threshold` (`|value - lastPassed| >= threshold`).
///
/// A difference that equals the threshold except for the rounding of binary floating
/// point passes: with `delta: 0.1`, 21.1 -> 21.2 passes although `21.2 - 21.1` is
/// 0.09999999999999787 in doubles. An unchanged value never passes a positive threshold.
/// NaN ("no value") counts as a change from a number and a number as a change from NaN;
/// NaN after NaN is dropped.
public struct DeltaFilter: ReadingFilter {
    public let threshold: Double

    @usableFromInline var lastPassed: Double?

    public init(threshold: Double) {
        self.threshold = threshold
        self.lastPassed = nil
    }

    @inlinable
    public mutating func process(_ reading: Reading) -> Reading? {
        let value = reading.value
        guard let last = lastPassed else {
            lastPassed = value
            return reading
        }
        if value.isNaN || last.isNaN {
            if value.isNaN && last.isNaN { return nil }
            lastPassed = value
            return reading
        }
        let difference = abs(value - last)
        if difference >= threshold || (difference > 0 && threshold - difference <= Self.tolerance(value, last)) {
            lastPassed = value
            return reading
        }
        return nil
    }

    /// A few units in the last place of the larger operand: the rounding error of a
    /// difference of two doubles that were themselves rounded from decimal.
    @inlinable
    static func tolerance(_ a: Double, _ b: Double) -> Double {
        8 * Double.ulpOfOne * Swift.max(abs(a), abs(b))
    }
}
