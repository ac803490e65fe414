import Pipeline
import SensorgateCore

/// Marble-style runs of a window on a manual clock, as ``Marble`` runs filters: before
/// each reading every deadline at or before its time fires, at that deadline; after the
/// last reading deadlines keep firing until `until`. Each emission is recorded with the
/// time it came out at.
enum WindowMarble {
    struct Emission: Equatable, CustomStringConvertible {
        /// When the summary came out (the reading's time, or the deadline's).
        var at: Double
        var start: Double
        var end: Double
        var statistics: [String: Double]

        static func == (a: Emission, b: Emission) -> Bool {
            guard a.at == b.at, a.start == b.start, a.end == b.end, a.statistics.keys == b.statistics.keys else {
                return false
            }
            return a.statistics.allSatisfy { key, value in close(value, b.statistics[key] ?? .nan, tolerance: 1e-9) }
        }

        var description: String {
            let stats = statistics.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            return "@\(at)[\(start),\(end)){\(stats)}"
        }
    }

    static func run(_ window: some ReadingWindow, _ input: [(Double, Double)], until: Double? = nil) -> [Emission] {
        var window = window
        var out: [Emission] = []
        func record(_ at: Timestamp) -> (WindowSummary) -> Void {
            { out.append(emission($0, at: at)) }
        }
        func fire(upTo limit: Timestamp) {
            var guardCount = 0
            while let due = window.deadline, due <= limit, guardCount < 10_000 {
                guardCount += 1
                window.poll(now: due, emit: record(due))
            }
        }
        for (seconds, value) in input {
            let time = Marble.timestamp(seconds)
            fire(upTo: time)
            window.add(Reading(value: value, timestamp: time), emit: record(time))
        }
        if let until { fire(upTo: Marble.timestamp(until)) }
        return out
    }

    static func emission(_ summary: WindowSummary, at: Timestamp) -> Emission {
        Emission(at: seconds(at), start: seconds(summary.start), end: seconds(summary.end),
                 statistics: Dictionary(uniqueKeysWithValues: summary.statistics.map { ($0.0.rawValue, $0.1) }))
    }

    static func seconds(_ t: Timestamp) -> Double { Double(Int64(bitPattern: t.nanoseconds)) / 1e9 }
}

/// An expected emission: at `at`, the span `[start, end)`, the statistics by name.
func emitted(_ at: Double, _ start: Double, _ end: Double, _ statistics: [String: Double]) -> WindowMarble.Emission {
    WindowMarble.Emission(at: at, start: start, end: end, statistics: statistics)
}
