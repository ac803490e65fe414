import SensorgateCore

extension Statistic {
    /// The percentile `p` (0...100) as a statistic named `p<p>`: `p95`, `p99.9`.
    public static func percentile(_ p: Double) -> Statistic {
        Statistic(rawValue: "p" + PercentileStatistic.format(p))
    }
}

/// `p<p>` (`p95`, `p99.9`, `p0`, `p100`): the `p`th percentile by linear interpolation
/// between closest ranks (Hyndman and Fan's definition 7, the default of numpy and of
/// spreadsheets' PERCENTILE.INC): with the `n` values sorted `x[0] <= ... <= x[n-1]`,
/// `h = (n - 1) * p / 100` and the percentile is `x[floor(h)]` moved the fraction of `h`
/// towards `x[floor(h) + 1]`. So `p0` is the minimum, `p100` the maximum, `p50` the
/// median, and the value is monotone in `p`. The window keeps its values for it, as for
/// the median.
///
/// It is the one statistic with a parameter, so the catalog asks this type for an entry
/// by name (``entry(for:)``) instead of listing it.
public enum PercentileStatistic {
    /// The entry for `statistic` if its name is `p` and a number from 0 to 100 (digits
    /// with at most one `.`; no sign, exponent, `inf` or `nan`).
    public static func entry(for statistic: Statistic) -> WindowStatisticEntry? {
        guard let p = percentile(named: statistic.rawValue) else { return nil }
        return WindowStatisticEntry(name: statistic.rawValue, needsValues: true, emptyValue: .nan) {
            value(p, $0.sorted)
        }
    }

    /// `95` for `p95`, nil for a name that is not a percentile's.
    public static func percentile(named name: String) -> Double? {
        let utf8 = name.utf8
        guard utf8.first == UInt8(ascii: "p"), utf8.count > 1 else { return nil }
        var dots = 0
        for byte in utf8.dropFirst() {
            if byte == UInt8(ascii: ".") {
                dots += 1
            } else if byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") {
                return nil
            }
        }
        let digits = String(name.dropFirst())
        guard dots <= 1, digits.first != ".", digits.last != ".", let p = Double(digits), p >= 0, p <= 100 else {
            return nil
        }
        return p
    }

    /// `95`, `99.9`: the shortest text that reads back as `p`.
    public static func format(_ p: Double) -> String {
        if p == p.rounded(), abs(p) < 1e15 { return String(Int64(p)) }
        return String(p)
    }

    /// The percentile `p` of `sorted` (ascending, not empty).
    public static func value(_ p: Double, _ sorted: ArraySlice<Double>) -> Double {
        let n = sorted.count
        guard n > 0 else { return .nan }
        let h = Double(n - 1) * p / 100
        let lower = Swift.min(n - 1, Int(h.rounded(.down)))
        let fraction = h - Double(lower)
        let a = sorted[sorted.startIndex + lower]
        guard fraction > 0, lower + 1 < n else { return a }
        let b = sorted[sorted.startIndex + lower + 1]
        if a == b { return a }
        // The same form as the median's mean of two (`a * 0.5 + b * 0.5` at p50), so
        // p50 and the median agree to the bit.
        return a * (1 - fraction) + b * fraction
    }
}
