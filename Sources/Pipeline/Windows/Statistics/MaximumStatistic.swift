import SensorgateCore

/// `max`: the largest value.
public enum MaximumStatistic: WindowStatistic {
    public static let name = "max"

    public static func value(_ moments: WindowMoments) -> Double { moments.maximum }
}
