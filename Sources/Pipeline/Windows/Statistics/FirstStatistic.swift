import SensorgateCore

/// `first`: the first value, in arrival order.
public enum FirstStatistic: WindowStatistic {
    public static let name = "first"

    public static func value(_ moments: WindowMoments) -> Double { moments.first }
}
