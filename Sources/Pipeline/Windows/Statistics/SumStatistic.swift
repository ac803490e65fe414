import SensorgateCore

/// `sum`: the compensated (Neumaier) sum; 0 for an empty window.
public enum SumStatistic: WindowStatistic {
    public static let name = "sum"
    public static let emptyValue = 0.0
    public static func value(_ moments: WindowMoments) -> Double { moments.sum }
}
