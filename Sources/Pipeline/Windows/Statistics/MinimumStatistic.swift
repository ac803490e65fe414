import SensorgateCore

/// `min`: the smallest value.
public enum MinimumStatistic: WindowStatistic {
    public static let name = "min"

    public static func value(_ moments: WindowMoments) -> Double { moments.minimum }
}
