import Pipeline
import SensorgateCore

/// Marble-style runs of a filter on a manual clock: the input timeline (readings at
/// seconds), the output timeline (what the filter passed or emitted, at seconds).
///
/// The clock behaves as the event loop does: before each reading, every deadline the
/// filter set that falls at or before the reading's time fires, at that deadline; after
/// the last reading, deadlines keep firing until `until`.
enum Marble {
    struct Event: Equatable, CustomStringConvertible {
        var seconds: Double
        var value: Double
        init(_ seconds: Double, _ value: Double) {
            self.seconds = seconds
            self.value = value
        }
        static func == (a: Event, b: Event) -> Bool {
            a.seconds == b.seconds && (a.value == b.value || (a.value.isNaN && b.value.isNaN)
                || abs(a.value - b.value) <= 1e-9 * Swift.max(1, abs(a.value)))
        }
        var description: String { "\(seconds)s:\(value)" }
    }

    static func run(_ filter: some ReadingFilter, _ input: [(Double, Double)], until: Double? = nil) -> [Event] {
        var filter = filter
        var out: [Event] = []
        func fire(upTo limit: Timestamp) {
            var guardCount = 0
            while let due = filter.deadline, due <= limit, guardCount < 10_000 {
                guardCount += 1
                if let emitted = filter.poll(now: due) { out.append(event(emitted)) }
            }
        }
        for (seconds, value) in input {
            let time = timestamp(seconds)
            fire(upTo: time)
            if let passed = filter.process(Reading(value: value, timestamp: time)) { out.append(event(passed)) }
        }
        if let until { fire(upTo: timestamp(until)) }
        return out
    }

    static func timestamp(_ seconds: Double) -> Timestamp {
        Timestamp(nanoseconds: UInt64((seconds * 1e9).rounded()))
    }

    static func event(_ reading: Reading) -> Event {
        Event(Double(reading.timestamp.nanoseconds) / 1e9, reading.value)
    }
}

/// `[(seconds, value)]` as events, for expected timelines.
func timeline(_ pairs: [(Double, Double)]) -> [Marble.Event] {
    pairs.map { Marble.Event($0.0, $0.1) }
}
