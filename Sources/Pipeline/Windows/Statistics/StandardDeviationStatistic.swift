import SensorgateCore

/// `stddev`: the population standard deviation.
public enum StandardDeviationStatistic: WindowStatistic {
    public static let name = "stddev"

    public static func value(_ moments: WindowMoments) -> Double { (moments.squaredDeviations / Double(moments.count)).squareRoot() }
}
