import SensorgateCore

/// `median`: the middle value; for an even count the mean of the two middle ones. The
/// window keeps its values for it (in a buffer reused from window to window).
public enum MedianStatistic: WindowStatistic {
    public static let name = "median"
    public static let needsValues = true

    public static func value(_ moments: WindowMoments) -> Double {
        let values = moments.sorted
        let n = values.count
        guard n > 0 else { return .nan }
        let base = values.startIndex
        if n & 1 == 1 { return values[base + n >> 1] }
        return values[base + (n >> 1) - 1] * 0.5 + values[base + n >> 1] * 0.5
    }
}
