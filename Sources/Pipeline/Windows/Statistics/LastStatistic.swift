import SensorgateCore

/// `last`: the last value, in arrival order.
public enum LastStatistic: WindowStatistic {
    public static let name = "last"

    public static func value(_ moments: WindowMoments) -> Double { moments.last }
}
