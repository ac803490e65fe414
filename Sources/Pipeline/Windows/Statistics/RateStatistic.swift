import SensorgateCore

extension Statistic {
    public static let rate = Statistic(rawValue: "rate")
}

/// `rate`: the rate of change per second, `(last - first) / (time of last - time of
/// first)`, from the first and last reading in arrival order and their source times.
/// NaN (published as `null`) when the window holds one reading, or when the last reading
/// is not later than the first (readings out of order), as no time has passed.
public enum RateStatistic: WindowStatistic {
    public static let name = "rate"

    public static func value(_ moments: WindowMoments) -> Double {
        let elapsed = moments.lastTime &- moments.firstTime
        guard moments.count > 1, elapsed > 0 else { return .nan }
        return (moments.last - moments.first) / (Double(elapsed) / 1e9)
    }
}
