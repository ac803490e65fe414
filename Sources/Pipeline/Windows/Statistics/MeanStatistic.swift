import SensorgateCore

/// `mean`: the arithmetic mean (Welford's update: stable when the values share a large offset).
public enum MeanStatistic: WindowStatistic {
    public static let name = "mean"

    public static func value(_ moments: WindowMoments) -> Double { moments.mean }
}
