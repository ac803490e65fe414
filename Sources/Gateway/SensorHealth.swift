import MQTT
import SensorgateCore

/// Whether a sensor answers, decided on the loop from the outcomes of its polls, and
/// what to tell about it: `online` at its first good read, `offline` after
/// `offlineAfter` failed polls in a row, `online` again at the next good read.
///
/// The log stays readable while a sensor is dead: the first failure of an episode is
/// told with its reason, then at most one summary per ``summaryEvery`` while it keeps
/// failing, then the recovery once, with how long it was down. Time comes from the
/// caller (the loop's clock), so this is a value that tests drive with any timestamps.
struct SensorHealth {
    enum Availability: String, Sendable {
        case online, offline
    }

    /// What a poll's outcome changed.
    enum Event: Equatable, Sendable {
        /// Publish this on the sensor's status topic.
        case availability(Availability)
        /// The first failed poll after a good one (or of the first polls).
        case failing(reason: String)
        /// Polls that failed since the last line about this episode, over `period`.
        case stillFailing(polls: Int, period: Interval, last: String)
        /// A good read after `failedPolls` failed ones, `down` after the first of them.
        case recovered(down: Interval, failedPolls: Int)
    }

    static let summaryEvery = Interval.seconds(60)

    let offlineAfter: Int
    /// Nil until the sensor answered once or failed `offlineAfter` times: nothing is said before.
    private(set) var availability: Availability?
    private(set) var consecutiveFailures = 0
    private var episodeStart = Timestamp(nanoseconds: 0)
    private var lastLine = Timestamp(nanoseconds: 0)
    private var untold = 0

    init(offlineAfter: Int) {
        self.offlineAfter = max(1, offlineAfter)
    }

    mutating func failed(_ reason: String, at now: Timestamp) -> [Event] {
        var events: [Event] = []
        consecutiveFailures += 1
        if consecutiveFailures == 1 {
            episodeStart = now
            lastLine = now
            untold = 0
            events.append(.failing(reason: reason))
        } else {
            untold += 1
            if now - lastLine >= Self.summaryEvery {
                events.append(.stillFailing(polls: untold, period: now - lastLine, last: reason))
                lastLine = now
                untold = 0
            }
        }
        if consecutiveFailures >= offlineAfter, availability != .offline {
            availability = .offline
            events.append(.availability(.offline))
        }
        return events
    }

    mutating func succeeded(at now: Timestamp) -> [Event] {
        var events: [Event] = []
        if consecutiveFailures > 0 {
            events.append(.recovered(down: now - episodeStart, failedPolls: consecutiveFailures))
            consecutiveFailures = 0
        }
        if availability != .online {
            availability = .online
            events.append(.availability(.online))
        }
        return events
    }
}

extension SensorHealth.Event {
    /// The log line for sensor `id`, or nil for an event that is published, not logged.
    func logLine(sensor id: String) -> String? {
        switch self {
        case .availability:
            return nil
        case .failing(let reason):
            return "sensor '\(id)' failed: \(reason)"
        case .stillFailing(let polls, let period, let last):
            return "sensor '\(id)': \(polls) more failed \(polls == 1 ? "poll" : "polls") in the last \(period.readableDescription), last: \(last)"
        case .recovered(let down, let failedPolls):
            return "sensor '\(id)' reads again after \(down.readableDescription) down, \(failedPolls) failed \(failedPolls == 1 ? "poll" : "polls")"
        }
    }
}
