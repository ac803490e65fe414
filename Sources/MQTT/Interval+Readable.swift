import SensorgateCore

extension Interval {
    /// A duration for a person to read in a log line, rounded to what matters at its
    /// size: `437ms`, `1.7s`, `24s`, `2m5s`. ``Interval/description`` is exact instead,
    /// which prints a jittered delay in nanoseconds.
    public var readableDescription: String {
        if nanoseconds < 0 { return "-" + (-self).readableDescription }
        let milliseconds = (nanoseconds + 500_000) / 1_000_000
        if milliseconds < 1 { return nanoseconds == 0 ? "0s" : "<1ms" }
        if milliseconds < 1_000 { return "\(milliseconds)ms" }
        if milliseconds < 10_000 {
            let tenths = (milliseconds + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        let seconds = (milliseconds + 500) / 1_000
        if seconds < 60 { return "\(seconds)s" }
        let minutes = seconds / 60, rest = seconds % 60
        return rest == 0 ? "\(minutes)m" : "\(minutes)m\(rest)s"
    }
}
