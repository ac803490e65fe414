import SensorgateCore

/// `count`: how many readings the window holds; 0 for an empty one.
public enum CountStatistic: WindowStatistic {
    public static let name = "count"
    public static let emptyValue = 0.0
    public static func value(_ moments: WindowMoments) -> Double { Double(moments.count) }
}
