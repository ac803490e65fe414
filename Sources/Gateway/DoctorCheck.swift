/// One line of `sensorgate doctor`: what was checked, how it went, and how to fix it.
public struct DoctorCheck: Sendable, Equatable, CustomStringConvertible {
    public enum Outcome: String, Sendable, Equatable {
        case ok
        /// Works, but something a person should know (an unsynchronised clock).
        case warning = "warn"
        /// The gateway cannot do what the profile asks.
        case failed = "FAIL"
    }

    public var outcome: Outcome
    /// What was checked: `profile`, `gpiochip0`, `i2c-1`, `broker mqtt://...`.
    public var subject: String
    public var detail: String
    /// What to do, for a warning or a failure.
    public var fix: String?

    public init(_ outcome: Outcome, _ subject: String, _ detail: String, fix: String? = nil) {
        self.outcome = outcome
        self.subject = subject
        self.detail = detail
        self.fix = fix
    }

    public var description: String {
        let mark = outcome.rawValue + String(repeating: " ", count: max(0, 4 - outcome.rawValue.count))
        return "\(mark) \(subject): \(detail)" + (fix.map { " (fix: \($0))" } ?? "")
    }
}
